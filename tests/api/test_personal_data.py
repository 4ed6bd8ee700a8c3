"""ID numbers and phones: masked for everyone who may not see personal data; unmasked for those who may, and then
every member whose data a call returned is written to the action log with the token that asked."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from audit.models import Action, ActionLog
from tests.factories import MemberFactory


def test_a_secretary_sees_masked_personal_data_and_nothing_is_logged(city, call):
    response = call("secretary", "get", reverse("api:member-detail", args=[city.member.pk]))
    body = response.json()
    assert body["personal_data_masked"] is True
    assert body["id_number"] == city.member.masked_id_number and "*" in body["id_number"]
    assert body["id_number"] != city.member.id_number
    assert body["phone"] == city.member.masked_phone and body["phone"] != city.member.phone
    listed = call("secretary", "get", reverse("api:member-list")).json()["results"]
    assert all(row["personal_data_masked"] and row["id_number"].count("*") == 10 for row in listed)
    assert not ActionLog.objects.filter(action=Action.PERSONAL_DATA_VIEWED).exists()


def test_a_member_reading_their_own_record_gets_it_masked(city, call):
    body = call("member", "get", reverse("api:member-detail", args=[city.member.pk])).json()
    assert body["personal_data_masked"] is True and body["id_number"] == city.member.masked_id_number


def test_an_admin_token_reads_unmasked_data_and_each_read_is_logged_with_the_token(city, call):
    from api.models import ApiToken

    prefix = ApiToken.objects.get(user=city.admin).prefix
    response = call("admin", "get", reverse("api:member-detail", args=[city.member.pk]))
    body = response.json()
    assert body["personal_data_masked"] is False
    assert (body["id_number"], body["phone"]) == (city.member.id_number, city.member.phone)
    log = ActionLog.objects.get(action=Action.PERSONAL_DATA_VIEWED)
    assert (log.actor, log.member, log.organisation) == (city.admin, city.member, city.member.organisation)
    assert prefix in log.detail and "公民身份号码" in log.detail and "接口" in log.detail


def test_a_page_of_unmasked_members_logs_exactly_the_members_on_that_page(city, call):
    MemberFactory.create_batch(3, organisation=city.branch_a)
    response = call("admin", "get", reverse("api:member-list"), {"page_size": 2})
    shown = {row["id"] for row in response.json()["results"]}
    assert len(shown) == 2 and all(not row["personal_data_masked"] for row in response.json()["results"])
    logs = list(ActionLog.objects.filter(action=Action.PERSONAL_DATA_VIEWED, actor=city.admin)
                .select_related("member"))
    assert {log.member_id for log in logs} == shown and len(logs) == 2
    for log in logs:  # each row whole: the member's organisation, the address, the time, what was read
        assert log.organisation_id == log.member.organisation_id and log.ip_address == "127.0.0.1"
        assert log.at is not None and abs(log.at - timezone.now()) < dt.timedelta(minutes=1)
        assert "公民身份号码" in log.detail and "接口" in log.detail


def test_a_refused_call_logs_nothing(city, call):
    assert call("revoked", "get", reverse("api:member-list")).status_code == 401
    assert call("other_secretary", "get", reverse("api:member-detail", args=[city.member.pk])).status_code == 404
    assert not ActionLog.objects.exists()


def test_the_browser_session_of_an_admin_is_logged_as_a_session_read(city, client):
    client.force_login(city.admin)
    client.get(reverse("api:member-detail", args=[city.member.pk]))
    assert "登录会话" in ActionLog.objects.get(action=Action.PERSONAL_DATA_VIEWED).detail


def test_the_log_keeps_its_rows_without_key_checks_and_a_deleted_member_only_loses_the_link(city, call):
    """The log is written on every read of personal data: its references carry no database constraint (no key
    checks at commit for ids just read), and Django still unlinks the rows of a deleted member."""
    from django.db import connection

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, ActionLog._meta.db_table)
    assert not [name for name, c in constraints.items() if c["foreign_key"]]
    assert [c for c in constraints.values() if c["columns"] == ["member_id"] and c["index"]]  # still indexed

    gone = MemberFactory(organisation=city.branch_a)
    call("admin", "get", reverse("api:member-detail", args=[gone.pk]))
    log = ActionLog.objects.get(action=Action.PERSONAL_DATA_VIEWED, member=gone)
    gone.delete()
    log.refresh_from_db()
    assert log.member_id is None and log.organisation_id == city.branch_a.pk and log.actor == city.admin
