"""Sections that feature apps add to a page owned by a lower floor (a member's page, an organisation's page).

The page's app imports no feature. A feature that has something to show there registers a panel in its
AppConfig.ready: a template, included with the page's context, and optionally a function that adds keys to that
context (reads only, from the feature's own selectors). Panels show in `order`, then by name."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    name: str
    template: str
    order: int = 100
    context: Callable[..., dict] | None = None  # context(obj) → extra template keys


_PANELS: dict[str, dict[str, Panel]] = {}


def register_panel(page: str, name: str, *, template: str, order: int = 100,
                   context: Callable[..., dict] | None = None) -> None:
    """Add (or replace, by name) a section of `page`."""
    _PANELS.setdefault(page, {})[name] = Panel(name=name, template=template, order=order, context=context)


def panels(page: str) -> list[Panel]:
    return sorted(_PANELS.get(page, {}).values(), key=lambda panel: (panel.order, panel.name))


def panel_context(page: str, obj, *, key: str) -> dict:
    """`key`: the panels to include, in order; plus every key they add to the page's context."""
    found = panels(page)
    context: dict = {key: found}
    for panel in found:
        if panel.context is not None:
            context.update(panel.context(obj))
    return context
