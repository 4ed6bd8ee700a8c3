"""POSTs by every persona: nobody outside the branch learns a record exists (404); the person and readers may
not write (403); a branch secretary never approves their own branch's steps (403). Nothing is written."""

import datetime as dt

import pytest
from django.urls import reverse
from freezegun import freeze_time

from development.choices import StepStatus
from development.models import DevelopmentPlan, DevelopmentRecord
from tests.factories import RoleFactory, UserFactory

from .helpers import applicant, take, walk

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen():
    with freeze_time("2024-07-01"):
        yield


@pytest.fixture
def pipeline(city, frozen):
    record = walk(city, applicant(city), 3)
    submitted = take(city, record, 4, approve=False)
    return record, submitted


def _users(city):
    return {"outsider": city.outsider, "member": city.member_user, "other_secretary": city.other_secretary}


@pytest.mark.parametrize(("persona", "status"), [("outsider", 404), ("member", 404), ("other_secretary", 404)])
def test_nobody_outside_the_branch_records_a_step(city, client, pipeline, persona, status):
    record, _ = pipeline
    client.force_login(_users(city)[persona])
    response = client.post(reverse("development:step_new", args=[record.pk, 5]), {"date": "2024-03-10"})
    assert response.status_code == status
    assert not record.steps.filter(definition__number=5).exists()


def test_the_person_may_read_but_not_write_their_own_record(city, client, frozen):
    from development import services
    from members.choices import Stage
    from tests.factories import MemberFactory

    person = MemberFactory(organisation=city.branch_a, stage=Stage.APPLICANT, applied_on=dt.date(2024, 5, 1),
                           activist_on=None, candidate_on=None, admitted_on=None, full_on=None,
                           user=UserFactory(username="person"))
    record = services.record_open(member=person, by=city.secretary)
    step = record.steps.get()
    client.force_login(person.user)
    assert client.post(reverse("development:step_new", args=[record.pk, 2]), {"date": "2024-05-10"}).status_code == 403
    assert client.post(reverse("development:step_edit", args=[step.pk]), {"date": "2024-05-02"}).status_code == 403
    assert client.post(reverse("development:step_decide", args=[step.pk]), {"decision": "approve"}).status_code == 403
    assert client.post(reverse("development:applicant_new"), {"name": "x"}).status_code == 403
    assert client.post(reverse("development:plan_edit"), {"year": 2024}).status_code == 403
    assert record.steps.count() == 1


@pytest.mark.parametrize("persona", ["outsider", "member", "other_secretary"])
def test_nobody_but_the_superior_decides(city, client, pipeline, persona):
    _, step = pipeline
    client.force_login(_users(city)[persona])
    response = client.post(reverse("development:step_decide", args=[step.pk]), {"decision": "approve"})
    assert response.status_code in (403, 404)
    step.refresh_from_db()
    assert step.status == StepStatus.SUBMITTED


def test_the_branch_secretary_records_but_does_not_approve_their_own_branch(city, client, pipeline):
    record, step = pipeline
    branch_secretary = UserFactory(username="branch-secretary")
    RoleFactory(user=branch_secretary, organisation=city.branch_a)
    client.force_login(branch_secretary)
    assert client.get(record.get_absolute_url()).status_code == 200
    assert client.post(reverse("development:step_decide", args=[step.pk]), {"decision": "approve"}).status_code == 403
    assert client.get(reverse("development:approval_queue")).status_code == 403
    response = client.post(reverse("development:step_new", args=[record.pk, 5]),
                           {"date": "2022-03-10", "people": [p.pk for p in _full(city)]})
    assert response.status_code == 302
    step.refresh_from_db()
    assert step.status == StepStatus.SUBMITTED


def test_the_superior_approves_and_returns_from_the_queue(city, client, pipeline):
    _, step = pipeline
    client.force_login(city.secretary)  # runs the general branch above the person's branch
    assert step.pk in [s.pk for s in client.get(reverse("development:approval_queue")).context["page"]]
    response = client.post(reverse("development:step_decide", args=[step.pk]), {"decision": "return", "comment": ""})
    assert response.status_code == 200 and "退回时请写明意见" in response.content.decode()
    response = client.post(reverse("development:step_decide", args=[step.pk]),
                           {"decision": "return", "comment": "请补充群团推优材料"})
    assert response.status_code == 302
    step.refresh_from_db()
    assert step.status == StepStatus.RETURNED and step.decided_by == city.secretary


def test_a_secretary_cannot_plan_for_another_organisation(city, client, frozen):
    client.force_login(city.secretary)
    response = client.post(reverse("development:plan_edit"), {"organisation": city.org_b.pk, "year": 2024,
                                                              "planned": 3})
    assert response.status_code == 200 and not DevelopmentPlan.objects.exists()
    response = client.post(reverse("development:plan_edit"), {"organisation": city.branch_a.pk, "year": 2024,
                                                              "planned": 3})
    assert response.status_code == 302 and DevelopmentPlan.objects.get().planned == 3


def test_a_secretary_cannot_register_an_applicant_in_another_organisation(city, client, frozen):
    client.force_login(city.other_secretary)
    response = client.post(reverse("development:applicant_new"), {
        "name": "越权", "gender": "M", "ethnicity": "汉族", "birth_date": "1990-01-01", "organisation": city.branch_a.pk,
        "applied_on": "2024-05-15"})
    assert response.status_code == 200 and not DevelopmentRecord.objects.exists()


def test_opening_a_record_is_refused_outside_the_branch(city, client, frozen):
    client.force_login(city.other_secretary)
    response = client.post(reverse("development:record_open", args=[city.member.pk]), {"confirm": "on"})
    assert response.status_code == 404 and not DevelopmentRecord.objects.exists()


def _full(city):
    from tests.factories import MemberFactory

    return [MemberFactory(organisation=city.branch_a, name="联系人")]


