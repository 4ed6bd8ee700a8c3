"""Sections that feature apps add to a page owned by a lower floor (a member's page, an organisation's page).

The page's app imports no feature. A feature that has something to show there registers a panel in its
AppConfig.ready: a template, included with the page's context, and optionally a function that adds keys to that
context (reads only, from the feature's own selectors). Panels show in `order`, then by name.

A panel may name the tables it reads about the page's object (`rows`: ("app_label.Model", field naming the object)).
The page then asks once, for all its panels and its own sections, which of those tables have a row for the object,
and calls the panel's context as `context(obj, present)` (present: {"app_label.Model": bool}, or None when the page
did not ask): most members have no commendation, no star rating, no transfer — no query for each."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    name: str
    template: str
    order: int = 100
    context: Callable[..., dict] | None = None  # context(obj) → extra template keys; with rows, context(obj, present)
    rows: tuple[tuple[str, str], ...] = ()


_PANELS: dict[str, dict[str, Panel]] = {}


def register_panel(page: str, name: str, *, template: str, order: int = 100,
                   context: Callable[..., dict] | None = None, rows: tuple[tuple[str, str], ...] = ()) -> None:
    """Add (or replace, by name) a section of `page`."""
    _PANELS.setdefault(page, {})[name] = Panel(name=name, template=template, order=order, context=context,
                                               rows=tuple(rows))


def panels(page: str) -> list[Panel]:
    return sorted(_PANELS.get(page, {}).values(), key=lambda panel: (panel.order, panel.name))


def panel_rows(page: str) -> list[tuple[str, str]]:
    """The tables `page`'s panels read about its object, each once."""
    return list(dict.fromkeys(table for panel in panels(page) for table in panel.rows))


def panel_context(page: str, obj, *, key: str, present: dict[str, bool] | None = None) -> dict:
    """`key`: the panels to include, in order; plus every key they add to the page's context."""
    found = panels(page)
    context: dict = {key: found}
    for panel in found:
        if panel.context is not None:
            context.update(panel.context(obj, present) if panel.rows else panel.context(obj))
    return context
