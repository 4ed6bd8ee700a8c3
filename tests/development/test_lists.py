import datetime as dt

import pytest
from django.urls import reverse
from freezegun import freeze_time

from development import reminders, services
from development.models import DevelopmentPlan
from notifications.choices import Kind, Mode
from notifications.models import Notification
from notifications.services import notifications_create

from .helpers import applicant, take, walk

pytestmark = pytest.mark.django_db


@freeze_time("2024-07-01")
def test_the_lists_show_what_is_due_and_what_is_overdue(city, client):
    applicant(city, name="待谈话", applied=dt.date(2024, 6, 20))
    applicant(city, name="谈话逾期", applied=dt.date(2024, 5, 1))
    eligible = applicant(city, name="满一年", applied=dt.date(2023, 1, 5))
    take(city, eligible, 2, date=dt.date(2023, 1, 20))
    take(city, eligible, 3, date=dt.date(2023, 6, 1))
    late = walk(city, applicant(city, name="审批逾期"), 16)
    take(city, late, 17, approve=False)
    client.force_login(city.secretary)
    response = client.get(reverse("development:overview"))
    due = {(i.name, i.what) for i in response.context["due"]}
    overdue = {(i.name, i.what) for i in response.context["overdue"]}
    assert ("待谈话", "组织谈话") in due and ("满一年", "可确定为发展对象") in due
    assert ("谈话逾期", "组织谈话") in overdue and ("审批逾期", "上级党委审批（已报送待批）") in overdue
    client.force_login(city.other_secretary)
    response = client.get(reverse("development:overview"))
    assert response.context["due"] == [] and response.context["overdue"] == []


@freeze_time("2023-12-01")
def test_this_years_plan_is_set_against_the_admissions_approved(city, client):
    walk(city, applicant(city, name="已接收"), 17)
    services.plan_set(organisation=city.org_a, year=2023, planned=3, by=city.secretary)
    client.force_login(city.admin)
    response = client.get(reverse("development:overview") + "?year=2023")
    [row] = response.context["plans"]
    assert (row.planned, row.actual) == (3, 1) and response.context["city_wide"]


@freeze_time("2024-07-01")
def test_the_overview_costs_the_same_queries_whatever_the_pipeline(city, client, django_assert_max_num_queries):
    client.force_login(city.admin)
    applicant(city, name="一", applied=dt.date(2024, 6, 20))
    DevelopmentPlan.objects.create(organisation=city.branch_a, year=2024, planned=2)
    with django_assert_max_num_queries(40) as small:
        client.get(reverse("development:overview"))
    for n in range(8):
        applicant(city, name=f"多{n}", applied=dt.date(2024, 5, 1))
    DevelopmentPlan.objects.create(organisation=city.org_a, year=2024, planned=5)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("development:overview"))


@freeze_time("2024-07-01")
def test_the_timeline_costs_the_same_queries_however_many_steps(city, client, django_assert_max_num_queries):
    client.force_login(city.secretary)
    record = walk(city, applicant(city, name="长"), 21)
    with django_assert_max_num_queries(60) as small:
        client.get(record.get_absolute_url())
    for n in range(6):
        take(city, record, 21, date=dt.date(2023, 11, n + 1))
        take(city, record, 6, date=dt.date(2022, 10, n + 1))
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(record.get_absolute_url())


@freeze_time("2024-07-01")
def test_reminders_go_to_the_branch_and_the_superior_once_in_the_weekly_digest(city):
    from tests.factories import RoleFactory, UserFactory

    branch_secretary = UserFactory(username="branch-sec")
    RoleFactory(user=branch_secretary, organisation=city.branch_a)
    applicant(city, name="欠谈话", applied=dt.date(2024, 5, 1))
    late = walk(city, applicant(city, name="审批晚"), 16)
    take(city, late, 17, approve=False)
    dues = reminders.secretary_dues(today=dt.date(2024, 7, 1))
    told = {(d.recipient_id, d.title) for d in dues}
    assert (branch_secretary.pk, "入党申请人欠谈话应于2024年6月1日前完成谈话") in told
    assert (city.secretary.pk, "审批晚的接收预备党员审批已超过三个月") in told  # the organisation above
    assert notifications_create(dues) == len(dues)
    assert notifications_create(reminders.secretary_dues(today=dt.date(2024, 7, 1))) == 0
    assert set(Notification.objects.filter(kind=Kind.DEVELOPMENT_DUE).values_list("mode", flat=True)) == {Mode.DIGEST}


def test_a_secretarys_overview_shows_a_new_plan_at_once_and_an_admins_says_when_it_was_counted(city, client):
    url = reverse("development:overview") + "?year=2023"
    client.force_login(city.secretary)
    assert client.get(url).context["planned"] == 0  # counted and kept
    services.plan_set(organisation=city.org_a, year=2023, planned=3, by=city.secretary)
    response = client.get(url)
    assert response.context["planned"] == 3 and response.context["counted_at"] is None
    client.force_login(city.admin)
    assert "全市数据统计于" in client.get(url).content.decode()


@freeze_time("2024-07-01")
def test_past_the_rows_shown_the_plans_are_still_added_up_whole(city, client, monkeypatch):
    from development import selectors as development_selectors

    monkeypatch.setattr(development_selectors, "LIST_LIMIT", 1)
    DevelopmentPlan.objects.create(organisation=city.org_a, year=2024, planned=5)
    DevelopmentPlan.objects.create(organisation=city.branch_a, year=2024, planned=2)
    client.force_login(city.admin)
    response = client.get(reverse("development:overview"))
    assert response.context["planned"] == 7 and response.context["plan_count"] == 2
    assert [row.organisation for row in response.context["plans"]] == [city.org_a.display_name]
    assert "共 2 个党组织填报了计划，此处列出前 1 个" in response.content.decode()


def test_the_people_in_development_are_listed_by_branch_and_name_and_follow_every_change(
        city, client, django_assert_max_num_queries):
    url = reverse("development:record_list")
    second = applicant(city, name="乙申请")
    applicant(city, name="甲申请")
    client.force_login(city.admin)

    def names(query=""):
        page = client.get(url + query).content.decode()
        table = page[page.index('data-testid="record-list"'):]
        shown = [name for name in ("甲申请", "乙申请", "丙申请", "丁申请") if name in table]
        return sorted(shown, key=table.index), table

    # By name within a branch (code point order on every database: 乙 U+4E59 before 甲 U+7532).
    assert names()[0] == ["乙申请", "甲申请"] and city.branch_a.display_name in names()[1]
    with django_assert_max_num_queries(1):  # kept: the order and the rendered rows (the count is the order's)
        names()
    applicant(city, name="丙申请")
    assert names()[0] == ["丙申请", "乙申请", "甲申请"]
    member = second.member
    member.name = "丁申请"  # a member renamed: the order and the row change at once
    member.save()
    assert names()[0] == ["丁申请", "丙申请", "甲申请"]
    assert names("?q=丙")[0] == ["丙申请"] and names("?stage=FULL")[0] == []


def test_a_secretarys_own_record_outside_what_they_run_is_in_their_list_and_no_one_elses(city, client):
    """Every user sees their own development record: one kept for the organisations a secretary runs would show it
    to the other secretaries of those organisations, or hide it from its owner."""
    from tests.factories import MemberFactory, RoleFactory, UserFactory

    applicant(city, name="甲申请")
    own = applicant(city, name="乙自己")
    member = own.member
    member.organisation = city.org_b
    member.user = UserFactory(username="secretary-a-own")
    member.save()
    RoleFactory(user=member.user, organisation=city.org_a)
    colleague = UserFactory(username="secretary-a-colleague")
    RoleFactory(user=colleague, organisation=city.org_a)
    MemberFactory(organisation=city.branch_a, user=colleague)
    url = reverse("development:record_list")

    def names(user):
        client.force_login(user)
        table = client.get(url).content.decode()
        return {name for name in ("甲申请", "乙自己") if name in table[table.index('data-testid="record-list"'):]}

    for _ in range(2):  # whoever comes first, each sees their own list
        assert names(member.user) == {"甲申请", "乙自己"}
        assert names(colleague) == {"甲申请"}
