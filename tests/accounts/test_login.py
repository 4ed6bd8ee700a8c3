import pytest
from allauth.mfa.models import Authenticator
from django.test import override_settings
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory


@pytest.fixture
def user(db):
    return UserFactory(username="zhangwei", email="zhangwei@example.cn", phone="13912340000")


@pytest.mark.parametrize("login", ["zhangwei", "13912340000", "zhangwei@example.cn"])
def test_a_user_signs_in_with_username_phone_or_email(client, user, login):
    response = client.post(reverse("account_login"), {"login": login, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"] == user


def test_a_wrong_password_is_refused_in_chinese(client, user):
    response = client.post(reverse("account_login"), {"login": "13912340000", "password": "wrong-password"})
    assert response.status_code == 200
    assert "不正确" in response.content.decode()
    assert not response.context["user"].is_authenticated


def test_login_attempts_are_rate_limited(client, user):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "zhangwei", "password": "wrong-password"})
    response = client.post(reverse("account_login"), {"login": "zhangwei", "password": PASSWORD})
    assert response.status_code in (200, 429)
    assert not client.get(reverse("account_login")).context["user"].is_authenticated


def test_nobody_can_sign_up(client, db):
    response = client.post(reverse("account_signup"), {"username": "new", "password1": "x" * 12,
                                                       "password2": "x" * 12})
    assert "不开放自行注册" in response.content.decode()
    from accounts.models import User
    assert not User.objects.filter(username="new").exists()


def test_password_reset_sends_an_email(client, user, mailoutbox):
    client.post(reverse("account_reset_password"), {"email": "zhangwei@example.cn"})
    assert len(mailoutbox) == 1 and "zhangwei@example.cn" in mailoutbox[0].to


def test_the_admin_login_goes_through_allauth(client, db):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@override_settings(REQUIRE_ADMIN_MFA=True)
def test_an_admin_without_two_factor_must_enrol_before_anything_else(city, client):
    client.force_login(city.admin)
    response = client.get(reverse("members:member_list"))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")
    # Enrolment itself stays reachable (allauth first asks for the password again).
    enrol = client.get(reverse("mfa_activate_totp"), follow=True)
    assert enrol.status_code == 200 and enrol.redirect_chain[-1][0].startswith("/accounts/")
    client.force_login(city.secretary)
    assert client.get(reverse("members:member_list")).status_code == 200, "only admins are forced"


@override_settings(REQUIRE_ADMIN_MFA=True)
def test_an_admin_with_two_factor_goes_about_their_work(city, client):
    Authenticator.objects.create(user=city.admin, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(city.admin)
    assert client.get(reverse("members:member_list")).status_code == 200
