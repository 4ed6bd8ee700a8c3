"""The registries through which feature apps plug into lower floors (page panels, digest lines)."""

import datetime as dt

from core import panels
from notifications import registry


def test_a_page_shows_its_panels_in_order_with_the_keys_they_add(monkeypatch):
    monkeypatch.setattr(panels, "_PANELS", {})
    panels.register_panel("page", "second", template="b.html", order=20)
    panels.register_panel("page", "first", template="a.html", order=10, context=lambda obj: {"seen": obj})
    context = panels.panel_context("page", "对象", key="page_panels")
    assert [panel.template for panel in context["page_panels"]] == ["a.html", "b.html"]
    assert context["seen"] == "对象"
    assert panels.panel_context("other", None, key="k") == {"k": []}


def test_registering_a_panel_again_by_name_replaces_it(monkeypatch):
    monkeypatch.setattr(panels, "_PANELS", {})
    panels.register_panel("page", "one", template="old.html")
    panels.register_panel("page", "one", template="new.html")
    assert [panel.template for panel in panels.panels("page")] == ["new.html"]


def test_the_features_register_their_sections_of_the_member_and_organisation_pages():
    assert {panel.name for panel in panels.panels("member")} >= {"honours", "attendance"}
    assert {panel.name for panel in panels.panels("organisation")} >= {"honours"}


def test_the_admin_digest_joins_the_lines_of_every_registered_feature(monkeypatch):
    monkeypatch.setattr(registry, "_ADMIN_DIGEST", {})
    registry.register_admin_digest_lines("a", lambda *, today: [f"{today:%m月%d日} 一"])
    registry.register_admin_digest_lines("b", lambda *, today: ["二", "三"])
    assert registry.admin_digest_lines(today=dt.date(2026, 3, 2)) == ["03月02日 一", "二", "三"]


def test_oversight_registers_its_admin_digest_lines():
    from oversight.reminders import admin_digest_lines

    assert registry._ADMIN_DIGEST["oversight"] is admin_digest_lines
