"""One person's development in a real browser: the branch secretary registers the application, is refused a late
talk with the rule quoted, records the branch meeting; the superior committee (the general branch above)
approves the admission from its queue; later the conversion is discussed, approved and the file archived.
The middle steps are recorded through the services to keep the journey short."""

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def click_and_wait(page, locator):
    with page.expect_navigation():
        locator.click()


def ago(days: int) -> dt.date:
    return dt.date.today() - dt.timedelta(days=days)


def weekday_ago(days: int) -> dt.date:
    day = ago(days)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def record_step(page, record, number, fields: dict, button="保存"):
    page.goto(reverse("development:step_new", args=[record.pk, number]))
    for name, value in fields.items():
        page.fill(f"[name={name}]", value)
    click_and_wait(page, page.get_by_role("button", name=button))


def services_steps(city, record, by, numbers: dict):
    from development import services
    from development.models import StepDefinition

    for number, (day, extra, approved) in numbers.items():
        step = services.step_record(record=record, definition=StepDefinition.objects.get(number=number), by=by,
                                    data=services.StepData(date=day, **extra))
        if approved:
            services.step_decide(step=step, by=city.admin, approve=True, approved_on=approved)


def decide(page, step_pk, approved_on: dt.date):
    page.goto(reverse("development:approval_queue"))
    expect(page.get_by_test_id("approval-queue")).to_contain_text("孙发展")
    click_and_wait(page, page.locator(f"a[href='{reverse('development:step_decide', args=[step_pk])}']"))
    page.get_by_label("批准", exact=True).check()
    page.fill("[name=approved_on]", approved_on.isoformat())
    click_and_wait(page, page.get_by_role("button", name="提交审批意见"))


def test_a_branch_secretary_develops_a_member_and_the_superior_committee_approves(city, page, log_in, screenshot):
    from development.models import DevelopmentRecord
    from tests.factories import MemberFactory, RoleFactory, UserFactory

    branch_secretary = UserFactory(username="branch-secretary", full_name="支部书记")
    RoleFactory(user=branch_secretary, organisation=city.branch_a)
    people = [MemberFactory(organisation=city.branch_a, name=f"老党员{i}") for i in range(2)]

    log_in(page, branch_secretary)
    page.goto(reverse("development:applicant_new"))
    page.fill("[name=name]", "孙发展")
    page.get_by_label("性别").select_option(label="女")
    page.fill("[name=birth_date]", "1998-04-02")
    page.get_by_label("所在党支部").select_option(label=city.branch_a.name)
    page.fill("[name=applied_on]", ago(920).isoformat())
    click_and_wait(page, page.get_by_role("button", name="保存"))
    expect(page.get_by_test_id("stage")).to_have_text("入党申请人")
    record = DevelopmentRecord.objects.get(member__name="孙发展")

    # A talk three months late is refused with the rule, and the form keeps what was typed.
    record_step(page, record, 2, {"date": ago(820).isoformat(), "note": "谈了入党动机"})
    expect(page.get_by_test_id("rule-error")).to_contain_text("一个月内派人谈话")
    expect(page.locator("[name=note]")).to_have_value("谈了入党动机")
    page.fill("[name=date]", ago(910).isoformat())
    click_and_wait(page, page.get_by_role("button", name="保存"))
    expect(page.get_by_test_id("step-2")).to_have_attribute("data-timing", "DONE")
    screenshot(page, "applicant")

    start = weekday_ago(480)
    services_steps(city, record, branch_secretary, {
        3: (ago(880), {}, None), 4: (ago(878), {}, ago(875)), 5: (ago(875), {"people": people}, None),
        6: (ago(700), {}, None), 7: (ago(510), {}, None), 8: (ago(508), {}, ago(505)),
        9: (ago(505), {"people": people}, None), 10: (ago(500), {}, None),
        11: (ago(495), {"training_days": 3}, None), 12: (start, {"end_date": start + dt.timedelta(days=7)}, None),
        13: (ago(468), {}, ago(467)), 14: (ago(465), {}, None)})

    record_step(page, record, 15, {"date": ago(460).isoformat(), "voters_entitled": "12", "votes_for": "12",
                                   "votes_against": "0", "votes_abstain": "0"})
    record_step(page, record, 16, {"date": ago(455).isoformat()})
    record_step(page, record, 17, {"date": ago(450).isoformat()}, button="保存并报上级党委")
    expect(page.get_by_test_id("step-17")).to_have_attribute("data-timing", "WAITING")
    # The branch secretary cannot approve their own branch.
    assert page.goto(reverse("development:approval_queue")).status == 403

    page.context.clear_cookies()
    log_in(page, city.secretary)
    decide(page, record.steps.get(definition__number=17).pk, ago(440))
    page.goto(record.get_absolute_url())
    expect(page.get_by_test_id("stage")).to_have_text("预备党员")
    screenshot(page, "superior")

    services_steps(city, record, branch_secretary, {
        18: (ago(435), {}, None), 19: (ago(430), {}, None), 20: (ago(420), {}, None), 21: (ago(300), {}, None),
        22: (ago(90), {}, None)})
    page.context.clear_cookies()
    log_in(page, branch_secretary)
    record_step(page, record, 23, {"date": ago(80).isoformat(), "voters_entitled": "12", "votes_for": "12"})
    page.goto(reverse("development:step_new", args=[record.pk, 24]))
    page.fill("[name=date]", ago(75).isoformat())
    page.get_by_label("按期转为正式党员").check()
    click_and_wait(page, page.get_by_role("button", name="保存并报上级党委"))

    page.context.clear_cookies()
    log_in(page, city.secretary)
    decide(page, record.steps.get(definition__number=24).pk, ago(70))

    page.context.clear_cookies()
    log_in(page, branch_secretary)
    record_step(page, record, 25, {"date": ago(60).isoformat()})
    expect(page.get_by_test_id("stage")).to_have_text("正式党员")
    expect(page.locator("[data-timing=DONE]")).to_have_count(25)
    page.goto(reverse("development:checklist", args=[record.pk]))
    expect(page.get_by_test_id("checklist")).to_contain_text("入党志愿书")
    screenshot(page, "archived")
