"""The dues pages: amounts masked for the branch's members and shown (and logged) for its secretaries and admins;
forms that keep the user's input with a Chinese error; query counts that do not grow with the data."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from audit.models import Action, ActionLog
from dues.models import DuesBase, DuesPayment
from tests.dues.helpers import base, pay
from tests.factories import MemberFactory, OrganisationFactory


@pytest.fixture
def paid(city):
    base(city.member, start=dt.date(2025, 1, 1), income="4321")
    pay(city.member, dt.date(2025, 1, 1), dt.date(2025, 2, 1), paid_on=dt.date(2025, 2, 1))
    return city


@freeze_time("2025-06-10")
def test_a_member_sees_the_branch_ledger_with_amounts_masked(paid, client):
    client.force_login(paid.member_user)
    page = client.get(reverse("dues:ledger", args=[paid.branch_a.pk]) + "?year=2025").content.decode()
    assert "甲党员" in page and "✓" in page
    assert "43.21" not in page and "****" in page
    assert not ActionLog.objects.filter(action=Action.PERSONAL_DATA_VIEWED).exists()


@freeze_time("2025-06-10")
def test_the_secretary_sees_the_amounts_and_the_view_is_logged(paid, client):
    client.force_login(paid.secretary)
    page = client.get(reverse("dues:ledger", args=[paid.branch_a.pk]) + "?year=2025").content.decode()
    assert "43.21" in page and "欠交党费 1 人" in page  # March–May unpaid
    log = ActionLog.objects.get(action=Action.PERSONAL_DATA_VIEWED)
    assert log.actor == paid.secretary and log.organisation == paid.branch_a and "党费台账" in log.detail


@freeze_time("2025-06-10")
def test_the_ledger_can_show_only_members_in_arrears(paid, client):
    MemberFactory(name="无基数党员", organisation=paid.branch_a)
    client.force_login(paid.secretary)
    url = reverse("dues:ledger", args=[paid.branch_a.pk])
    assert "无基数党员" not in client.get(url + "?show=arrears").content.decode()
    assert "无基数党员" in client.get(url + "?show=no_base").content.decode()


@freeze_time("2025-06-10")
def test_a_member_sees_their_own_dues_unlogged_and_the_secretary_is_logged(paid, client):
    client.force_login(paid.member_user)
    page = client.get(reverse("dues:member", args=[paid.member.pk])).content.decode()
    assert "43.21" in page and "登记交纳" not in page
    assert not ActionLog.objects.exists()
    client.force_login(paid.admin)
    client.get(reverse("dues:member", args=[paid.member.pk]))
    assert ActionLog.objects.filter(action=Action.PERSONAL_DATA_VIEWED, member=paid.member).count() == 1


@freeze_time("2025-06-10")
def test_the_secretary_records_several_months_in_one_form(paid, client):
    client.force_login(paid.secretary)
    response = client.post(reverse("dues:payment_record", args=[paid.member.pk]),
                           {"first_month": "2025-03", "last_month": "2025-05", "paid_on": "2025-06-10"})
    assert response.status_code == 302
    assert sorted(DuesPayment.objects.filter(member=paid.member).values_list("month__month", flat=True)) == [
        1, 2, 3, 4, 5]


@freeze_time("2025-06-10")
def test_a_payment_of_a_month_already_paid_re_renders_the_form_with_the_months_named(paid, client):
    client.force_login(paid.secretary)
    response = client.post(reverse("dues:payment_record", args=[paid.member.pk]),
                           {"first_month": "2025-02", "last_month": "2025-04", "paid_on": "2025-06-10"})
    page = response.content.decode()
    assert response.status_code == 200 and "以下月份已经交纳：2025年2月" in page and 'value="2025-04"' in page
    assert DuesPayment.objects.filter(member=paid.member).count() == 2


def test_a_base_for_a_serving_member_needs_an_income(city, client):
    client.force_login(city.secretary)
    response = client.post(reverse("dues:base_set", args=[city.member.pk]),
                           {"effective_from": "2025-01", "category": "SERVING", "monthly_income": ""})
    assert response.status_code == 200 and "须填写大于零的月收入基数" in response.content.decode()
    assert not DuesBase.objects.exists()
    response = client.post(reverse("dues:base_set", args=[city.member.pk]),
                           {"effective_from": "2025-01", "category": "SERVING", "monthly_income": "5200"})
    assert response.status_code == 302 and DuesBase.objects.get().monthly_income == 5200


def test_another_secretary_cannot_record_for_a_member_they_do_not_run(city, client):
    client.force_login(city.other_secretary)
    response = client.post(reverse("dues:payment_record", args=[city.member.pk]),
                           {"first_month": "2025-03", "last_month": "2025-05", "paid_on": "2025-06-10"})
    assert response.status_code == 404 and not DuesPayment.objects.exists()


@freeze_time("2025-06-10")
def test_the_overview_shows_the_citys_monthly_and_yearly_totals(paid, client):
    client.force_login(paid.admin)
    page = client.get(reverse("dues:overview") + "?year=2025").content.decode()
    assert "全年 86.42 元" in page
    # The city's totals are cached; a payment recorded since is in them at once.
    pay(paid.member, dt.date(2025, 3, 1), paid_on=dt.date(2025, 6, 1))
    page = client.get(reverse("dues:overview") + "?year=2025").content.decode()
    assert "全年 129.63 元" in page


def grow(city, n):
    for _ in range(n):
        branch = OrganisationFactory(parent=city.org_a)
        for member in MemberFactory.create_batch(3, organisation=branch):
            base(member, start=dt.date(2025, 1, 1))
            pay(member, dt.date(2025, 1, 1), dt.date(2025, 2, 1))
    for member in MemberFactory.create_batch(n, organisation=city.branch_a):
        base(member, start=dt.date(2025, 1, 1))
        pay(member, dt.date(2025, 3, 1))


@freeze_time("2025-06-10")
@pytest.mark.parametrize(("persona", "url_for"), [
    ("admin", lambda c: reverse("dues:overview") + "?year=2025"),
    ("secretary", lambda c: reverse("dues:overview") + "?year=2025"),
    ("secretary", lambda c: reverse("dues:ledger", args=[c.org_a.pk]) + "?year=2025"),
    ("member_user", lambda c: reverse("dues:ledger", args=[c.branch_a.pk]) + "?year=2025&show=arrears"),
    ("secretary", lambda c: reverse("dues:member", args=[c.member.pk])),
])
def test_the_dues_pages_cost_the_same_queries_whatever_the_data(paid, client, persona, url_for,
                                                                django_assert_max_num_queries):
    from tests.test_query_counts import queries_for

    client.force_login(getattr(paid, persona))
    url = url_for(paid)
    grow(paid, 2)
    small = queries_for(client, url)
    grow(paid, 8)
    with django_assert_max_num_queries(small):
        assert client.get(url).status_code == 200


@freeze_time("2025-06-10")
def test_the_overviews_party_members_below_each_organisation_follow_the_register_and_are_kept(paid, client,
                                                                                             monkeypatch):
    from dues import selectors

    client.force_login(paid.admin)
    url = reverse("dues:overview") + "?year=2025"

    def members_of(organisation) -> int:
        rows = client.get(url).context["rows"]
        return next(row["members"] for row in rows if row["organisation"].pk == organisation.pk)

    before = members_of(paid.root)
    MemberFactory(organisation=paid.branch_a)  # below the root: its count moves at once
    assert members_of(paid.root) == before + 1
    monkeypatch.setattr(selectors.Member.objects, "party_members",
                        lambda: pytest.fail("counted again though nothing below changed"))
    assert members_of(paid.root) == before + 1


@freeze_time("2025-06-10")
@pytest.mark.parametrize("persona", ["admin", "secretary"])
def test_the_overviews_own_totals_per_organisation_follow_each_payment_and_are_kept(paid, client, persona):
    client.force_login(getattr(paid, persona))
    url = reverse("dues:overview") + "?year=2025"

    def own(organisation) -> tuple:
        rows = client.get(url).context["rows"]
        row = next(row for row in rows if row["organisation"].pk == organisation.pk)
        return row.get("amount"), row.get("months"), row.get("payers")

    assert own(paid.branch_a)[1:] == (2, 1)
    assert own(paid.org_a) == (None, None, None)  # nothing paid in the general branch itself
    other = MemberFactory(organisation=paid.branch_a)
    base(other, start=dt.date(2025, 1, 1), income="4321")
    pay(other, dt.date(2025, 3, 1), paid_on=dt.date(2025, 6, 1))  # a payment: shown at once
    amount, months, payers = own(paid.branch_a)
    assert (months, payers) == (3, 2)
    assert amount == sum(DuesPayment.objects.filter(organisation=paid.branch_a).values_list("amount", flat=True))
    with CaptureQueriesContext(connection) as queries:
        assert own(paid.branch_a)[1:] == (3, 2)
    assert not [q for q in queries.captured_queries if 'COUNT(DISTINCT "dues_duespayment"."member_id")' in q["sql"]]
