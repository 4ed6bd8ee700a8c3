"""Sections that feature apps add to an organisation's page (core.panels, page "organisation").

The organisation page belongs to branches, which imports no feature; honours (its commendations and brands)
and later features register a panel in their AppConfig.ready."""

from collections.abc import Callable

from core.panels import panel_context, register_panel

PAGE = "organisation"


def register_organisation_panel(name: str, *, template: str, order: int = 100,
                                context: Callable[..., dict] | None = None) -> None:
    register_panel(PAGE, name, template=template, order=order, context=context)


def organisation_panel_context(organisation) -> dict:
    return panel_context(PAGE, organisation, key="organisation_panels")
