"""The API's rows written directly (api.serializers.ReadsDirectly) are exactly the rows DRF's own per-field
to_representation writes: every list and detail endpoint, for a caller who sees personal data and one who does
not, compared with the generic path patched back in."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from rest_framework import serializers as drf

from activities.choices import AttendanceStatus
from api import serializers
from tests.factories import ActivityFactory, AttendanceFactory, MemberFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def rows(city):
    """A held activity with actual times and counts, a planned one without, a city-wide lecture; members with and
    without dates and a party group; organisations with and without a unit (the root has none)."""
    held = ActivityFactory(organisation=city.branch_a, status="HELD",
                           actual_start=dt.datetime(2025, 6, 10, 9, 5, tzinfo=SHANGHAI),
                           actual_end=dt.datetime(2025, 6, 10, 11, tzinfo=SHANGHAI), place="三楼会议室")
    AttendanceFactory(activity=held, member=city.member, status=AttendanceStatus.PRESENT)
    AttendanceFactory(activity=held, member=MemberFactory(organisation=city.branch_a),
                      status=AttendanceStatus.LEAVE, leave_reason="出差")
    ActivityFactory(organisation=city.org_a, theme="")
    ActivityFactory(organisation=city.root, kind="TRAINING", is_city_wide=True)
    MemberFactory(organisation=city.org_a, applied_on=None, full_on=None)
    return held


def _generic(self, instance):
    return drf.Serializer.to_representation(self, instance)


def _bodies(client, urls):
    return [client.get(url).json() for url in urls]


@pytest.mark.parametrize("persona", ["admin", "secretary"])
def test_every_endpoint_writes_the_same_rows_as_drfs_own_path(city, rows, login, monkeypatch, persona):
    urls = [reverse(name) for name in ("api:organisation-list", "api:member-list", "api:activity-list",
                                       "api:compliance-list")]
    urls += [reverse("api:organisation-detail", args=[city.root.pk]),
             reverse("api:organisation-detail", args=[city.branch_a.pk]),
             reverse("api:member-detail", args=[city.member.pk]),
             reverse("api:activity-detail", args=[rows.pk])]
    client = login(getattr(city, persona))
    direct = _bodies(client, urls)
    monkeypatch.setattr(serializers.ReadsDirectly, "to_representation", _generic)
    generic = _bodies(client, urls)

    assert direct == generic
    activities = {row["id"]: row for row in direct[2]["results"]}
    assert activities[rows.pk]["present"] == 1 and activities[rows.pk]["on_leave"] == 1
    assert activities[rows.pk]["actual_start"] == "2025-06-10T09:05:00+08:00"
    assert any(row["unit"] is None for row in direct[0]["results"]) == (persona == "admin")


def test_an_attendance_row_is_written_as_drf_writes_it(city, rows):
    for attendance in rows.attendances.select_related("member"):
        serializer = serializers.AttendanceSerializer(attendance)
        assert serializer.data == _generic(serializer, attendance)
        assert serializer.data["status_label"] in ("出席", "请假")


def test_one_plan_per_class_serves_every_call_with_that_calls_own_context(city, monkeypatch):
    """The plan is kept for the class (its fields are built once, not on every call), but a method field asks the
    serializer of the call: one caller sees the ID number, the next one does not."""
    monkeypatch.setattr(serializers.ReadsDirectly, "_plans", {})
    member = city.member
    revealed = serializers.MemberSerializer(member, context={"reveal_personal_data": True}).data
    assert serializers.MemberSerializer in serializers.ReadsDirectly._plans
    masked = serializers.MemberSerializer(member, context={"reveal_personal_data": False}).data

    assert revealed["id_number"] == member.id_number and revealed["personal_data_masked"] is False
    assert masked["id_number"] == member.masked_id_number and masked["personal_data_masked"] is True
    assert masked["stage_label"] == member.get_stage_display()


def test_a_class_with_a_nested_list_keeps_its_plan_per_serializer_and_writes_drfs_rows(city, rows):
    """A field the plan cannot share (a nested list serializer) keeps the plan with the serializer, not the class."""
    from api import selectors

    compliance = list(selectors.compliance_rows(user=city.admin))[:3]
    serializer = serializers.ComplianceSerializer(compliance, many=True)
    assert serializer.data == [_generic(serializer.child, row) for row in compliance]
    assert serializers.ComplianceSerializer not in serializers.ReadsDirectly._plans


def test_a_label_method_the_model_defines_itself_is_called_not_bypassed(city, monkeypatch):
    """get_FOO_display is read from the field's choices only when it is Django's own; a model's own method wins."""
    from members.models import Member

    monkeypatch.setattr(serializers.ReadsDirectly, "_plans", {})
    monkeypatch.setattr(Member, "get_stage_display", lambda self: f"自定义：{self.stage}", raising=True)
    assert serializers.MemberSerializer(city.member).data["stage_label"] == f"自定义：{city.member.stage}"
