import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from freezegun import freeze_time

from development import services
from development.choices import Outcome, StepStatus
from development.models import DevelopmentStep, StepDefinition
from members.choices import MembershipStatus, Stage

from .helpers import applicant, take, walk

pytestmark = pytest.mark.django_db


@freeze_time("2024-07-01")
def test_the_whole_pipeline_derives_the_stage_and_dates_from_the_steps(city):
    record = applicant(city)
    member = record.member
    assert member.stage == Stage.APPLICANT and member.applied_on == dt.date(2022, 1, 10)
    walk(city, record, 3)
    member.refresh_from_db()
    assert member.stage == Stage.ACTIVIST and member.activist_on == dt.date(2022, 3, 1)
    walk(city, record, 17, start=4)
    member.refresh_from_db()
    assert member.stage == Stage.PROBATIONARY and member.admitted_on == dt.date(2023, 4, 20)
    walk(city, record, 25, start=18)
    member.refresh_from_db()
    record.refresh_from_db()
    assert member.stage == Stage.FULL and member.full_on == dt.date(2024, 4, 20)
    assert record.archived_on == dt.date(2024, 6, 1)
    assert record.steps.count() == 25  # step 1 came with the registration


@freeze_time("2024-07-01")
def test_it_refuses_a_step_whose_previous_step_is_not_done(city):
    record = applicant(city)
    with pytest.raises(ValidationError, match="请先完成第3步"):
        take(city, record, 7)


@freeze_time("2024-07-01")
def test_a_step_waiting_for_approval_does_not_count_until_approved(city):
    record = applicant(city)
    walk(city, record, 3)
    step = take(city, record, 4, approve=False)
    assert step.status == StepStatus.SUBMITTED
    with pytest.raises(ValidationError, match="不能再更改|不能修改"):
        services.step_update(step=step, by=city.secretary, data=services.StepData(date=dt.date(2022, 3, 6)))


@freeze_time("2024-07-01")
def test_a_returned_step_is_corrected_and_goes_back_to_the_superior(city):
    record = applicant(city)
    walk(city, record, 3)
    step = take(city, record, 4, approve=False)
    with pytest.raises(ValidationError):
        services.step_decide(step=step, by=city.admin, approve=False, comment="")
    step = services.step_decide(step=step, by=city.admin, approve=False, comment="请补充推荐材料")
    assert step.status == StepStatus.RETURNED and step.decided_by == city.admin
    step = services.step_update(step=step, by=city.secretary, data=services.StepData(date=dt.date(2022, 3, 6),
                                                                                       note="已补充"))
    assert step.status == StepStatus.SUBMITTED
    assert [h.status for h in step.history.order_by("history_date")][-3:] == ["SUBMITTED", "RETURNED", "SUBMITTED"]


@freeze_time("2025-12-01")
def test_probation_is_extended_once_then_the_member_is_converted(city):
    record = applicant(city)
    walk(city, record, 23)
    extension = take(city, record, 24, approve=False, outcome=Outcome.EXTENDED, extension_months=6)
    services.step_decide(step=extension, by=city.admin, approve=True, approved_on=dt.date(2024, 5, 10))
    member = record.member
    member.refresh_from_db()
    assert member.stage == Stage.PROBATIONARY
    # The second round: a new application and meeting after the extended probation (20 Oct 2024).
    take(city, record, 22, date=dt.date(2024, 10, 12))
    with pytest.raises(ValidationError, match="2024年10月20日届满"):
        take(city, record, 23, date=dt.date(2024, 10, 19))
    take(city, record, 23, date=dt.date(2024, 10, 20))
    with pytest.raises(ValidationError, match="延长预备期只能一次"):
        take(city, record, 24, approve=False, date=dt.date(2024, 10, 25), outcome=Outcome.EXTENDED,
             extension_months=6)
    take(city, record, 24, date=dt.date(2024, 10, 25), outcome=Outcome.CONVERTED, approved_on=dt.date(2024, 11, 1))
    member.refresh_from_db()
    assert member.stage == Stage.FULL and member.full_on == dt.date(2024, 10, 20)
    assert DevelopmentStep.objects.filter(record=record, definition__number=24).count() == 2


@freeze_time("2024-07-01")
def test_cancelling_the_probation_takes_the_person_off_the_register(city):
    record = applicant(city)
    walk(city, record, 23)
    take(city, record, 24, outcome=Outcome.CANCELLED)
    member = record.member
    member.refresh_from_db()
    record.refresh_from_db()
    assert member.status == MembershipStatus.EXPELLED and record.cancelled_on == dt.date(2024, 5, 10)


@freeze_time("2024-07-01")
def test_opening_a_record_for_someone_on_the_register_keeps_their_stage(city):
    from tests.factories import MemberFactory

    member = MemberFactory(organisation=city.branch_a, stage=Stage.PROBATIONARY, applied_on=dt.date(2021, 1, 5),
                           activist_on=dt.date(2021, 3, 1), candidate_on=dt.date(2022, 3, 10),
                           admitted_on=dt.date(2023, 9, 1), full_on=None)
    record = services.record_open(member=member, by=city.secretary)
    member.refresh_from_db()
    assert member.stage == Stage.PROBATIONARY and member.admitted_on == dt.date(2023, 9, 1)
    assert set(record.steps.values_list("definition__number", flat=True)) == {1, 3, 7, 15, 17}
    take(city, record, 22, date=dt.date(2024, 6, 1))
    with pytest.raises(ValidationError):
        services.record_open(member=member, by=city.secretary)


@freeze_time("2024-07-01")
def test_introducers_must_be_two_full_members(city):
    from tests.factories import MemberFactory

    record = applicant(city)
    walk(city, record, 8)
    activist = MemberFactory(organisation=city.branch_a, stage=Stage.ACTIVIST, applied_on=dt.date(2020, 1, 1),
                             activist_on=dt.date(2020, 6, 1), candidate_on=None, admitted_on=None, full_on=None)
    definition = StepDefinition.objects.get(number=9)
    with pytest.raises(ValidationError) as caught:
        services.step_record(record=record, definition=definition, by=city.secretary,
                             data=services.StepData(date=dt.date(2023, 3, 10), people=[activist]))
    messages = caught.value.message_dict["people"]
    assert any("正式党员" in m for m in messages) and any("2 名" in m for m in messages)
