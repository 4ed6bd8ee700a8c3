"""Sections that feature apps add to a member's page.

The member page belongs to members, which stands below the feature apps and imports none of them. A feature
that has something to show about a member (honours, attendance at organisational life …) registers a panel in
its AppConfig.ready: a template, included with the page's context, and optionally a function that adds keys to
that context (reads only, from the feature's own selectors)."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class MemberPanel:
    name: str
    template: str
    order: int = 100
    context: Callable[..., dict] | None = None  # context(member) → extra template keys


_PANELS: dict[str, MemberPanel] = {}


def register_member_panel(name: str, *, template: str, order: int = 100,
                          context: Callable[..., dict] | None = None) -> None:
    """Add (or replace, by name) a section of the member page."""
    _PANELS[name] = MemberPanel(name=name, template=template, order=order, context=context)


def member_panels() -> list[MemberPanel]:
    return sorted(_PANELS.values(), key=lambda panel: (panel.order, panel.name))


def member_panel_context(member) -> dict:
    """The panels to include, in order, and every key they add to the page's context."""
    panels = member_panels()
    context: dict = {"member_panels": panels}
    for panel in panels:
        if panel.context is not None:
            context.update(panel.context(member))
    return context
