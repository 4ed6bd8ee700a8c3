"""The wish board's cards are kept rendered (activities.views.wishes._cards_key): a second view reads no wish, and
everything a card shows — the wish, its themed day's title, its organisation's name, its claimer's name, the
viewer's rights — shows in the very next view. The cards' forms carry the viewer's CSRF token: a kept card's form
still posts, and another browser of the same user gets cards with its own token."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities import wishes as services
from branches.choices import RoleKind
from tests.activities.test_wishes import board, make_wish  # noqa: F401 - the board fixture
from tests.factories import ActivityFactory, RoleFactory

pytestmark = pytest.mark.django_db

URL = reverse("activities:wish_board")


def _view(client, **params) -> tuple[str, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode(), "\n".join(q["sql"] for q in queries.captured_queries)


def _browser(client):
    """The client as a signed-in browser is: with the CSRF cookie the sign-in page gave it."""
    client.get(reverse("help"))
    assert "csrftoken" in client.cookies
    return client


def _cards(html: str) -> str:
    return html.split('data-testid="wish-list"')[1].split('<nav')[0]


@pytest.mark.parametrize("user", ["member_user", "secretary", "admin"])
def test_a_second_view_reads_no_wish(city, login, board, user):  # noqa: F811
    client = _browser(login(getattr(city, user)))
    first, sql = _view(client)
    assert '"activities_microwish"."title"' in sql and "待认领心愿2" in first
    again, sql = _view(client)
    assert '"activities_microwish"."title"' not in sql  # the cards were kept …
    assert _cards(again) == _cards(first)  # … and are the same
    assert _cards(_view(client, status="OPEN")[0]) != _cards(first)  # another query: its own cards


def test_every_change_a_card_shows_appears_in_the_next_view(city, login, board):  # noqa: F811
    themed_day = ActivityFactory(organisation=city.branch_a, kind="THEMED_DAY", theme="MICRO_WISH",
                                 title="九月主题党日")
    wish = make_wish(city, title="送一台收音机", activity=themed_day)
    client = login(city.secretary)
    assert "送一台收音机" in _view(client)[0]

    wish.title = "送两台收音机"
    wish.save()
    assert "送两台收音机" in _view(client)[0]

    themed_day.title = "十月主题党日"
    themed_day.save()
    assert "十月主题党日" in _view(client)[0]

    city.branch_a.short_name = "甲一支部"
    city.branch_a.save()
    assert "甲一支部" in _cards(_view(client)[0])

    services.wish_claim(wish=wish, member=city.member)
    assert f"认领党员：{city.member.name}" in _cards(_view(client)[0])
    city.member.name = "甲党员改名"
    city.member.save()
    assert "认领党员：甲党员改名" in _cards(_view(client)[0])


def test_the_viewers_rights_follow_their_roles_at_once(city, login, board):  # noqa: F811
    release = reverse("activities:wish_release", args=[board_wish(city).pk])
    client = login(city.other_secretary)  # runs organisation B only: sees A's wishes nowhere
    assert release not in _view(client)[0]
    RoleFactory(user=city.other_secretary, organisation=city.branch_a, kind=RoleKind.SECRETARY)
    assert release in _view(client)[0]  # may now release the claims of branch A


def board_wish(city):
    from activities.models import MicroWish

    return MicroWish.objects.filter(title="已认领心愿0").get()


def test_a_kept_cards_form_posts_and_another_browser_gets_its_own_token(city, board):  # noqa: F811
    def claim_form(html: str, wish) -> str:
        action = reverse("activities:wish_claim", args=[wish.pk])
        return re.search(rf'action="{action}">.*?name="csrfmiddlewaretoken" value="([^"]+)"', _cards(html),
                         re.S).group(1)

    first, second = make_wish(city, title="新的心愿一"), make_wish(city, title="新的心愿二")
    one = Client(enforce_csrf_checks=True)
    one.force_login(city.member_user)
    _browser(one).get(URL)
    kept, sql = _view(one)
    assert '"activities_microwish"."title"' not in sql  # kept

    other = Client(enforce_csrf_checks=True)  # the same member in another browser: another CSRF secret, and
    other.force_login(city.member_user)  # the same versions as the cards kept for the first browser
    html = other.get(URL).content.decode()
    assert other.cookies["csrftoken"].value != one.cookies["csrftoken"].value
    assert other.post(reverse("activities:wish_claim", args=[first.pk]),
                      {"csrfmiddlewaretoken": claim_form(html, first), "next": URL}).status_code == 302

    # The first browser's kept card still posts with the token it was kept with.
    assert one.post(reverse("activities:wish_claim", args=[second.pk]),
                    {"csrfmiddlewaretoken": claim_form(kept, second), "next": URL}).status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.claimed_by == second.claimed_by == city.member


def test_a_browser_without_a_csrf_cookie_gets_its_cards_rendered_and_not_kept(city, login, board,  # noqa: F811
                                                                             monkeypatch):
    from django.core.cache import cache

    kept = []
    real_set = cache.set

    def spying_set(key, value, timeout=None, **kwargs):
        if "wish-cards" in key and timeout != 0:
            kept.append(key)
        return real_set(key, value, timeout, **kwargs)

    monkeypatch.setattr(cache, "set", spying_set)
    client = login(city.member_user)
    for _ in range(2):
        client.cookies.pop("csrftoken", None)
        html, sql = _view(client)
        assert '"activities_microwish"."title"' in sql and "待认领心愿2" in html  # rendered every time …
    assert kept == []  # … and nothing kept under a secret made for one response
    _view(client)  # with the cookie the browser now has: kept
    assert len(kept) == 1
