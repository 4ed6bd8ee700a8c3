"""Tokens: issued by an admin in the admin site (the plaintext shown once, only its SHA-256 stored), revoked there,
refused from then on; calls are rate-limited per token."""

import hashlib
import re

import pytest
from django.test import override_settings
from django.urls import reverse

from api.models import ApiToken
from api.services import api_token_issue
from tests.factories import UserFactory


@pytest.fixture
def staff(city):
    city.admin.is_staff = city.admin.is_superuser = True
    city.admin.save()
    return city.admin


def test_an_admin_issues_a_token_and_sees_it_once(city, client, staff):
    client.force_login(staff)
    response = client.post(reverse("admin:api_apitoken_add"), {"user": city.secretary.pk, "name": "OA 对接"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    plaintext = re.search(r'value="(jg_[^"]+)"', response.content.decode()).group(1)
    token = ApiToken.objects.get()
    assert (token.user, token.name, token.created_by) == (city.secretary, "OA 对接", staff)
    assert token.key_hash == hashlib.sha256(plaintext.encode()).hexdigest()
    assert plaintext.startswith(token.prefix) and plaintext not in str(ApiToken.objects.values().get())
    # It works as the secretary, and the admin's token page never shows it again.
    assert client.get(reverse("api:member-list"), headers={"Authorization": f"Bearer {plaintext}"}).status_code == 200
    page = client.get(reverse("admin:api_apitoken_change", args=[token.pk])).content.decode()
    assert plaintext not in page and token.prefix in page


def test_an_admin_cannot_issue_a_token_for_a_disabled_account(city, client, staff):
    disabled = UserFactory(is_active=False)
    client.force_login(staff)
    response = client.post(reverse("admin:api_apitoken_add"), {"user": disabled.pk, "name": "不应签发"})
    assert "该账号已停用" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_an_admin_revokes_a_token_and_its_calls_are_refused(city, client, staff):
    issued = api_token_issue(user=city.secretary, name="OA 对接", by=staff)
    headers = {"Authorization": f"Bearer {issued.plaintext}"}
    assert client.get(reverse("api:activity-list"), headers=headers).status_code == 200
    client.force_login(staff)
    client.post(reverse("admin:api_apitoken_changelist"),
                {"action": "revoke", "_selected_action": [issued.token.pk]})
    issued.token.refresh_from_db()
    assert issued.token.revoked_by == staff and issued.token.revoked_at is not None
    client.logout()
    response = client.get(reverse("api:activity-list"), headers=headers)
    assert response.status_code == 401 and "吊销" in response.json()["detail"]


def test_a_token_cannot_be_deleted_only_revoked(city, client, staff):
    issued = api_token_issue(user=city.secretary, name="OA 对接", by=staff)
    client.force_login(staff)
    assert client.get(reverse("admin:api_apitoken_delete", args=[issued.token.pk])).status_code == 403


@override_settings(REST_FRAMEWORK={**__import__("django.conf").conf.settings.REST_FRAMEWORK,
                                   "DEFAULT_THROTTLE_RATES": {"api_read": "3/min", "api_write": "1/min"}})
def test_calls_beyond_the_rate_are_refused_per_token(city, client):
    first = api_token_issue(user=city.secretary, name="一", by=city.admin).plaintext
    second = api_token_issue(user=city.secretary, name="二", by=city.admin).plaintext
    url = reverse("api:activity-list")
    statuses = [client.get(url, headers={"Authorization": f"Bearer {first}"}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    # Another integration of the same user has its own allowance.
    assert client.get(url, headers={"Authorization": f"Bearer {second}"}).status_code == 200
