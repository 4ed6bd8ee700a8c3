"""Sections that feature apps add to a member's page (core.panels, page "member").

The member page belongs to members, which stands below the feature apps and imports none of them. A feature
that has something to show about a member (honours, attendance at organisational life …) registers a panel in
its AppConfig.ready; the template includes them in order where `member_panels` is looped over."""

from collections.abc import Callable

from core.panels import Panel, panel_context, panel_rows, panels, register_panel

PAGE = "member"


def register_member_panel(name: str, *, template: str, order: int = 100,
                          context: Callable[..., dict] | None = None, rows: tuple[tuple[str, str], ...] = ()) -> None:
    register_panel(PAGE, name, template=template, order=order, context=context, rows=rows)


def member_panels() -> list[Panel]:
    return panels(PAGE)


def member_panel_rows() -> list[tuple[str, str]]:
    return panel_rows(PAGE)


def member_panel_context(member, present: dict[str, bool] | None = None) -> dict:
    return panel_context(PAGE, member, key="member_panels", present=present)
