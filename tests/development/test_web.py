"""The whole development of one person through the web: the secretary records, the superior approves."""

import datetime as dt

import pytest
from django.urls import reverse
from freezegun import freeze_time

from development.models import DevelopmentRecord
from members.choices import Stage

from .helpers import HAPPY, full_members

pytestmark = pytest.mark.django_db


def _post_step(client, record, number, data):
    return client.post(reverse("development:step_new", args=[record.pk, number]), data)


def _form_data(number, people):
    day, extra, _ = HAPPY[number]
    data = {"date": day.isoformat(), "note": f"第{number}步情况"}
    for key, value in extra.items():
        if key == "people":
            data["people"] = [p.pk for p in people]
        elif isinstance(value, dt.date):
            data[key] = value.isoformat()
        elif key != "note":
            data[key] = str(value)
    return data


@freeze_time("2024-07-01")
def test_a_secretary_and_the_superior_take_one_person_from_application_to_the_archive(city, client):
    people = full_members(city)
    client.force_login(city.secretary)
    response = client.post(reverse("development:applicant_new"), {
        "name": "王入党", "gender": "F", "ethnicity": "汉族", "birth_date": "1996-02-03", "organisation": city.branch_a.pk,
        "applied_on": "2022-01-10", "job_title": "科员"})
    record = DevelopmentRecord.objects.get(member__name="王入党")
    assert response.status_code == 302 and response["Location"] == record.get_absolute_url()
    for number in range(2, 26):
        response = _post_step(client, record, number, _form_data(number, people))
        assert response.status_code == 302, (number, response.content.decode()[:3000])
        approval = HAPPY[number][2]
        if approval:
            step = record.steps.get(definition__number=number)
            client.force_login(city.admin)
            response = client.post(reverse("development:step_decide", args=[step.pk]),
                                   {"decision": "approve", "approved_on": approval.isoformat()})
            assert response.status_code == 302, response.content.decode()[:3000]
            client.force_login(city.secretary)
    record.member.refresh_from_db()
    assert record.member.stage == Stage.FULL and record.member.full_on == dt.date(2024, 4, 20)
    page = client.get(record.get_absolute_url()).content.decode()
    assert page.count('data-timing="DONE"') == 25
    checklist = client.get(reverse("development:checklist", args=[record.pk])).content.decode()
    assert "材料齐全，可以归档" in checklist


@freeze_time("2024-07-01")
def test_a_step_breaking_a_limit_re_renders_the_form_with_the_rule_and_the_data(city, client):
    client.force_login(city.secretary)
    client.post(reverse("development:applicant_new"), {
        "name": "李迟", "gender": "M", "ethnicity": "汉族", "birth_date": "1990-01-01", "organisation": city.branch_a.pk,
        "applied_on": "2024-01-15"})
    record = DevelopmentRecord.objects.get(member__name="李迟")
    response = _post_step(client, record, 2, {"date": "2024-02-16", "note": "谈话内容很长"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "收到入党申请书后一个月内派人谈话" in page and "第七条" in page and "相隔 32 天" in page
    assert "谈话内容很长" in page and 'value="2024-02-16"' in page
    assert not record.steps.filter(definition__number=2).exists()


@freeze_time("2024-07-01")
def test_the_member_form_no_longer_sets_the_stage_once_a_record_exists(city, client):
    client.force_login(city.secretary)
    client.post(reverse("development:applicant_new"), {
        "name": "赵表单", "gender": "M", "ethnicity": "汉族", "birth_date": "1990-01-01", "organisation": city.branch_a.pk,
        "applied_on": "2024-05-15"})
    member = DevelopmentRecord.objects.get(member__name="赵表单").member
    page = client.get(reverse("members:member_edit", args=[member.pk])).content.decode()
    assert 'name="stage"' not in page and 'name="applied_on"' not in page
    page = client.get(reverse("members:member_edit", args=[city.member.pk])).content.decode()
    assert 'name="stage"' in page


@freeze_time("2024-07-01")
def test_a_member_sees_their_own_timeline_without_the_documents(city, client):
    from development import services

    record = services.record_open(member=_applicant(city), by=city.secretary)
    client.force_login(record.member.user)
    response = client.get(reverse("development:my_timeline"))
    assert response["Location"] == record.get_absolute_url()
    page = client.get(record.get_absolute_url()).content.decode()
    assert "发展纪实" in page and "下载文书" not in page and ">记录<" not in page


def _applicant(city):
    from tests.factories import MemberFactory, UserFactory

    return MemberFactory(organisation=city.branch_a, stage=Stage.APPLICANT, applied_on=dt.date(2024, 5, 1),
                         activist_on=None, candidate_on=None, admitted_on=None, full_on=None,
                         user=UserFactory(username="applicant-user"))
