"""The main menu: short per role, and each entry opens a page whose heading carries the entry's name."""

import re

import pytest

from config.menu import menu_for
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def _links(menu) -> list:
    return [*menu["top"], *(link for _, links in menu["sections"] for link in links), *menu["personal"]]


def _heading(html: str) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert match, "page without a heading"
    return re.sub(r"<[^>]+>", "", match.group(1))


@pytest.mark.parametrize("persona", ["admin", "secretary", "member_user"])
def test_every_menu_entry_opens_a_page_headed_with_its_name(city, client, persona):
    user = getattr(city, persona)
    client.force_login(user)
    links = _links(menu_for(user))
    assert links
    own_pages = {"我的档案", "我的支部"}  # headed with the member's and the branch's own name
    for link in links:
        response = client.get(link.url)
        assert response.status_code == 200, link
        if link.label not in own_pages:
            assert link.label.strip("“”") in _heading(response.content.decode()), link


def test_a_member_gets_a_short_menu_of_their_own_pages(city):
    menu = menu_for(city.member_user)
    labels = [link.label for link in _links(menu)]
    assert len(labels) <= 8
    assert "我的档案" in labels and "活动日历" in labels
    assert "党员名册" not in labels and "统计报表" not in labels


def test_the_working_menu_has_few_top_level_entries(city):
    for user in (city.admin, city.secretary):
        menu = menu_for(user)
        assert len(menu["sections"]) + len(menu["top"]) <= 7


def test_a_secretary_who_is_a_member_finds_their_own_record_under_their_name(city, client):
    MemberFactory(organisation=city.org_a, user=city.secretary, name="甲书记")
    menu = menu_for(city.secretary)
    top_labels = [link.label for _, links in menu["sections"] for link in links if len(links) == 1]
    assert "我的档案" not in top_labels
    assert [link.label for link in menu["personal"]][:2] == ["我的档案", "我的支部"]
    client.force_login(city.secretary)
    nav = re.search(r"<nav class=\"navbar.*?</nav>", client.get("/").content.decode(), re.S).group(0)
    assert nav.count(">我的档案<") == 1


def test_the_links_are_worked_out_once_per_combination_of_roles(city, monkeypatch):
    import config.menu

    calls = []
    real_reverse = config.menu.reverse
    monkeypatch.setattr(config.menu, "reverse", lambda *a, **k: calls.append(a) or real_reverse(*a, **k))
    config.menu._menu.cache_clear()
    first = menu_for(city.member_user)
    worked_out = len(calls)
    assert worked_out and menu_for(city.member_user) == first and len(calls) == worked_out
    other = MemberFactory(organisation=city.org_b, user=city.outsider)
    own = {link.label: link.url for link in menu_for(city.outsider)["top"]}
    assert own["我的档案"].endswith(f"/{other.pk}/") and len(calls) > worked_out


def test_the_menu_is_rendered_once_per_combination_of_roles(city, client, monkeypatch, settings):
    import config.menu

    settings.DEBUG = False
    rendered = []
    real = config.menu.render_to_string
    monkeypatch.setattr(config.menu, "render_to_string", lambda *a, **k: rendered.append(a[0]) or real(*a, **k))
    config.menu._menu_html.cache_clear()
    client.force_login(city.admin)
    first = client.get("/").content.decode()
    again = client.get("/").content.decode()
    assert rendered == ["includes/main_menu.html"]
    assert "数据管理" in first and ">党员名册<" in again
    client.force_login(city.member_user)
    page = client.get("/").content.decode()
    assert len(rendered) == 2 and "数据管理" not in page and f"/members/{city.member.pk}/" in page
