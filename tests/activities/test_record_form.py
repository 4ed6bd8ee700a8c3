"""The record form respects the secretary's time: times from the plan, a check on a far-off date, errors only
where they are."""

import datetime as dt

import pytest
from django.urls import reverse

from activities.choices import ActivityStatus
from tests.activities.test_recording import PAST, meeting, record_data  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def test_the_actual_times_start_as_the_planned_ones(city, login, meeting):  # noqa: F811
    response = login(city.secretary).get(reverse("activities:activity_record", args=[meeting.pk]))
    page = response.content.decode()
    # PAST is 07:00 UTC: 15:00 in Beijing.
    assert 'value="2025-03-15 15:00"' in page
    assert 'value="2025-03-15 17:00"' in page


def test_a_date_far_from_the_plan_asks_for_confirmation_then_is_accepted(city, login, meeting):  # noqa: F811
    client = login(city.secretary)
    url = reverse("activities:activity_record", args=[meeting.pk])
    week_early = {"record-actual_start": "2025-03-08T15:00", "record-actual_end": "2025-03-08T17:00"}

    response = client.post(url, record_data(meeting, [("PRESENT", "")] * 3, **week_early))
    assert response.status_code == 200
    page = response.content.decode()
    assert "相差较大" in page and "确认无误" in page
    assert "传达学习了上级会议精神。" in page, "what the secretary typed is kept"
    meeting.refresh_from_db()
    assert meeting.status == ActivityStatus.PLANNED

    response = client.post(url, record_data(meeting, [("PRESENT", "")] * 3, **week_early,
                                            **{"record-confirm_date": "on"}))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == ActivityStatus.HELD
    assert meeting.actual_start == dt.datetime(2025, 3, 8, 7, 0, tzinfo=dt.timezone.utc)


def test_a_date_close_to_the_plan_needs_no_confirmation(city, login, meeting):  # noqa: F811
    client = login(city.secretary)
    next_day = {"record-actual_start": "2025-03-16T09:00", "record-actual_end": "2025-03-16T11:00"}
    response = client.post(reverse("activities:activity_record", args=[meeting.pk]),
                           record_data(meeting, [("PRESENT", "")] * 3, **next_day))
    assert response.status_code == 302


def test_an_error_in_one_field_marks_only_that_field(city, login, meeting):  # noqa: F811
    response = login(city.secretary).post(
        reverse("activities:activity_record", args=[meeting.pk]),
        record_data(meeting, [("PRESENT", "")] * 3, **{"record-actual_end": "2025-03-15T14:00"}))
    assert response.status_code == 200
    assert set(response.context["record_form"].errors) == {"actual_end"}
    assert response.context["observer_form"].errors == {}
    assert "这个字段是必填项" not in response.content.decode()
