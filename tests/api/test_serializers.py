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
