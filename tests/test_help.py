"""使用说明 per role and the first-login guide that can be dismissed for good."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_help_page_shows_each_role_only_its_own_sections(city, login):
    secretary_page = login(city.secretary).get("/help/").content.decode()
    assert 'data-testid="help-secretary"' in secretary_page
    assert 'data-testid="help-admin"' not in secretary_page
    assert "记录一次已开的会议" in secretary_page

    member_page = login(city.member_user).get("/help/").content.decode()
    assert 'data-testid="help-member"' in member_page
    assert "订阅" in member_page
    assert 'data-testid="help-secretary"' not in member_page

    admin_page = login(city.admin).get("/help/").content.decode()
    assert 'data-testid="help-admin"' in admin_page


def test_the_guide_shows_until_dismissed_and_then_never_again(city, login):
    client = login(city.secretary)
    assert 'data-testid="first-login-guide"' in client.get("/").content.decode()

    response = client.post("/help/guide/dismiss/")
    assert response.status_code == 302
    city.secretary.refresh_from_db()
    first = city.secretary.guide_dismissed_at
    assert first is not None
    assert 'data-testid="first-login-guide"' not in client.get("/").content.decode()

    client.post("/help/guide/dismiss/")
    city.secretary.refresh_from_db()
    assert city.secretary.guide_dismissed_at == first


def test_dismissing_by_htmx_removes_the_guide_in_place(city, login):
    response = login(city.member_user).post("/help/guide/dismiss/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.content == b""
    city.member_user.refresh_from_db()
    assert city.member_user.guide_dismissed_at is not None


def test_the_guide_cannot_be_dismissed_by_a_get(city, login):
    assert login(city.member_user).get("/help/guide/dismiss/").status_code == 405
    city.member_user.refresh_from_db()
    assert city.member_user.guide_dismissed_at is None
