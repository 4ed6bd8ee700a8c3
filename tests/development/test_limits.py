"""Each limit of the 2014 rules: on the boundary day accepted, one day past refused (or accepted only with a
recorded reason), judged by the rule in force on the day of the event."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from freezegun import freeze_time

from development import services
from development.choices import Outcome
from members.choices import Stage
from rules.models import StageInterval
from tests.factories import MemberFactory

from .helpers import applicant, take, walk

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def frozen():
    with freeze_time("2025-12-01"):
        yield


def refused(match):
    return pytest.raises(ValidationError, match=match)


def test_an_applicant_must_be_eighteen_on_the_day_of_the_application(city):
    with refused(r"年满十八岁方可申请入党.*《中国共产党章程》第一条.*至少 18 年.*2004年3月10日至2022年3月9日"):
        applicant(city, birth=D(2004, 3, 10), applied=D(2022, 3, 9))
    record = applicant(city, birth=D(2004, 3, 10), applied=D(2022, 3, 10))
    assert record.member.stage == Stage.APPLICANT


def test_the_talk_is_due_within_one_month_of_the_application(city):
    late = applicant(city, name="甲", applied=D(2024, 1, 15))
    with refused(r"一个月内派人谈话.*第七条.*至多 1 个月.*2024年1月15日至2024年2月16日相隔 32 天"):
        take(city, late, 2, date=D(2024, 2, 16))
    take(city, late, 2, date=D(2024, 2, 15))


def test_an_activist_becomes_a_candidate_after_one_year_at_the_earliest(city):
    record = applicant(city, applied=D(2023, 1, 10))
    take(city, record, 2, date=D(2023, 1, 20))
    take(city, record, 3, date=D(2023, 3, 1))
    with refused(r"一年以上培养教育和考察.*第十三条.*至少 1 年.*2023年3月1日至2024年2月29日"):
        take(city, record, 7, date=D(2024, 2, 29))
    take(city, record, 7, date=D(2024, 3, 1))


def test_training_lasts_three_days_or_twenty_four_hours(city):
    record = walk(city, applicant(city), 10)
    with refused(r"集中培训.*第十八条.*至少 3 天或至少 24 学时.*2 天、23 学时"):
        take(city, record, 11, training_days=2, training_hours=23)
    take(city, record, 11, training_days=2, training_hours=24)


def test_three_days_of_training_suffice_without_hours(city):
    record = walk(city, applicant(city), 10)
    take(city, record, 11, training_days=3, training_hours=None)


def test_the_publicity_lasts_five_working_days(city):
    record = walk(city, applicant(city), 11)
    with refused(r"公示期不少于5个工作日.*至少 5 个工作日.*共 4 个工作日"):
        take(city, record, 12, date=D(2023, 4, 5), end_date=D(2023, 4, 10))  # Wed → Mon across a weekend
    take(city, record, 12, date=D(2023, 4, 5), end_date=D(2023, 4, 11))


def test_admission_is_approved_within_three_months_or_six_with_a_reason(city):
    record = walk(city, applicant(city), 16)
    step = take(city, record, 17, approve=False)
    with refused(r"三个月内上级党委审批.*第二十六条.*至多 3 个月.*说明理由的最长 6 个月.*请填写“超出时限的理由”"):
        services.step_decide(step=step, by=city.admin, approve=True, approved_on=D(2023, 7, 21))
    with refused(r"至多 3 个月"):
        services.step_decide(step=step, by=city.admin, approve=True, approved_on=D(2023, 10, 21),
                             reason="党委换届，延期审批")
    step = services.step_decide(step=step, by=city.admin, approve=True, approved_on=D(2023, 10, 20),
                                reason="党委换届，延期审批")
    assert step.reason == "党委换届，延期审批"


def test_admission_approved_on_the_last_day_of_three_months_needs_no_reason(city):
    record = walk(city, applicant(city), 16)
    step = take(city, record, 17, approve=False)
    services.step_decide(step=step, by=city.admin, approve=True, approved_on=D(2023, 7, 20))
    record.member.refresh_from_db()
    assert record.member.stage == Stage.PROBATIONARY


def test_conversion_is_discussed_once_the_year_of_probation_is_over(city):
    record = walk(city, applicant(city), 22)
    with refused(r"预备期至2024年4月20日届满.*第二十八条"):
        take(city, record, 23, date=D(2024, 4, 19))
    take(city, record, 23, date=D(2024, 4, 20))


@pytest.mark.parametrize(("months", "accepted"), [(5, False), (6, True), (12, True), (13, False)])
def test_an_extension_lasts_six_to_twelve_months(city, months, accepted):
    record = walk(city, applicant(city), 23)
    if accepted:
        take(city, record, 24, approve=False, outcome=Outcome.EXTENDED, extension_months=months)
    else:
        with refused(r"延长预备期只能一次.*第三十二条.*至少 6 个月，至多 12 个月.*延长 \d+ 个月"):
            take(city, record, 24, approve=False, outcome=Outcome.EXTENDED, extension_months=months)


def test_conversion_is_approved_within_three_months_and_no_later(city):
    record = walk(city, applicant(city), 23)
    step = take(city, record, 24, approve=False)
    with refused(r"讨论转正后三个月内上级党委审批.*第三十三条.*2024年4月20日至2024年7月21日"):
        services.step_decide(step=step, by=city.admin, approve=True, approved_on=D(2024, 7, 21), reason="理由")
    services.step_decide(step=step, by=city.admin, approve=True, approved_on=D(2024, 7, 20))


def test_an_old_event_keeps_the_rule_in_force_on_its_day(city):
    # From 2025 the talk may wait two months; events before keep the one-month rule.
    StageInterval.objects.create(name="收到入党申请书后两个月内谈话（新规）", from_event="applied_on",
                                 to_event="talked_on", unit="MONTH", max_days=2, source="某新规定",
                                 effective_from=D(2025, 1, 1))
    old = applicant(city, name="旧", applied=D(2024, 10, 1))
    with refused("一个月内派人谈话"):
        take(city, old, 2, date=D(2024, 11, 20))
    new = applicant(city, name="新", applied=D(2025, 1, 10))
    take(city, new, 2, date=D(2025, 3, 10))
    with refused(r"两个月内谈话（新规）.*某新规定"):
        take(city, applicant(city, name="再", applied=D(2025, 1, 10)), 2, date=D(2025, 3, 11))


def test_a_stricter_rule_made_later_does_not_undo_an_old_decision(city):
    record = applicant(city, applied=D(2023, 1, 10))
    take(city, record, 2, date=D(2023, 1, 20))
    take(city, record, 3, date=D(2023, 3, 1))
    take(city, record, 7, date=D(2024, 3, 1))
    StageInterval.objects.create(name="积极分子培养两年（新规）", from_event="activist_on", to_event="candidate_on",
                                 unit="YEAR", min_days=2, source="某新规定", effective_from=D(2025, 1, 1))
    # Recording a later step re-derives the member's dates; the 2024 decision is still judged by the 2014 rule.
    take(city, record, 8, date=D(2024, 3, 5), approved_on=D(2024, 3, 8))
    record.member.refresh_from_db()
    assert record.member.stage == Stage.CANDIDATE and record.member.candidate_on == D(2024, 3, 1)


def test_imported_dates_of_the_register_are_not_re_judged(city):
    member = MemberFactory(organisation=city.branch_a, stage=Stage.CANDIDATE, applied_on=D(2020, 1, 1),
                           activist_on=D(2020, 3, 1), candidate_on=D(2021, 3, 1), admitted_on=None, full_on=None)
    record = services.record_open(member=member, by=city.secretary)
    assert record.steps.filter(imported=True).count() == 3
