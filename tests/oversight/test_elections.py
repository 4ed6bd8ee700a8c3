"""换届: the on-time rate on a hand-built case, the due/overdue lists around their boundaries, recording a
re-election (the rule's term length, the committee handed over), and the overview's constant query count."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from branches.choices import OrganisationKind, OrganisationStatus, Position
from branches.models import CommitteePosition, Organisation, Term
from members.choices import Stage
from oversight import elections
from tests.factories import CommitteePositionFactory, MemberFactory, OrganisationFactory, TermFactory

END = dt.date(2024, 6, 30)


def term_ending(organisation, ends_on, *, number=1, years=3):
    return TermFactory(organisation=organisation, number=number, elected_on=ends_on.replace(year=ends_on.year - years),
                       ends_on=ends_on)


def reelected(organisation, on, *, number=2):
    return TermFactory(organisation=organisation, number=number, elected_on=on)


# --- the on-time rate ---------------------------------------------------------------------------

@pytest.fixture
def four_branches(db):
    """Four branches whose terms end on 2024-06-30: re-elected a day early, on the day, a day late, not at all."""
    early, on_the_day, late, never = (OrganisationFactory(name=name) for name in ("提前", "当天", "晚一天", "未换届"))
    for organisation in (early, on_the_day, late, never):
        term_ending(organisation, END)
    reelected(early, END - dt.timedelta(days=1))
    reelected(on_the_day, END)
    reelected(late, END + dt.timedelta(days=1))
    return early, on_the_day, late, never


def test_a_re_election_on_or_before_the_last_day_of_the_term_is_on_time(four_branches):
    assert elections.on_time_rate(year=2024, today=dt.date(2025, 1, 10)) == {"due": 4, "on_time": 2, "rate": 50.0}


def test_the_rate_can_be_limited_to_some_organisations(four_branches):
    early, on_the_day, late, never = four_branches
    chosen = Organisation.objects.filter(pk__in=[early.pk, late.pk])
    assert elections.on_time_rate(year=2024, organisations=chosen, today=dt.date(2025, 1, 10)) == {
        "due": 2, "on_time": 1, "rate": 50.0}
    assert elections.on_time_rate(year=2024, organisations=[on_the_day], today=dt.date(2025, 1, 10))["rate"] == 100.0


def test_only_terms_ending_in_the_year_count(four_branches):
    # The new terms end in 2027 and have no successor yet: nothing is due in 2027 before they end.
    assert elections.on_time_rate(year=2027, today=dt.date(2025, 1, 10)) == {"due": 0, "on_time": 0, "rate": None}
    assert elections.on_time_rate(year=2023, today=dt.date(2025, 1, 10))["due"] == 0


def test_a_term_still_running_is_not_due_yet_unless_already_renewed(four_branches):
    # On 2024-06-29 only the branch re-elected that very morning has settled its 2024 re-election.
    assert elections.on_time_rate(year=2024, today=END - dt.timedelta(days=1)) == {
        "due": 1, "on_time": 1, "rate": 100.0}
    # On the last day of the term a branch can still re-elect on time: not counted against it yet.
    assert elections.on_time_rate(year=2024, today=END) == {"due": 2, "on_time": 2, "rate": 100.0}
    assert elections.on_time_rate(year=2024, today=END + dt.timedelta(days=1))["due"] == 4


def test_a_dissolved_organisation_owes_no_re_election(four_branches):
    never = four_branches[3]
    Organisation.objects.filter(pk=never.pk).update(status=OrganisationStatus.DISSOLVED, dissolved_on=END)
    assert elections.on_time_rate(year=2024, today=dt.date(2025, 1, 10)) == {"due": 3, "on_time": 2, "rate": 66.7}


def test_the_rate_is_one_query(four_branches, django_assert_num_queries):
    with django_assert_num_queries(1):
        elections.on_time_rate(year=2024, organisations=Organisation.objects.all(), today=dt.date(2025, 1, 10))


# --- due and overdue ----------------------------------------------------------------------------

@pytest.fixture
def terms_around_today(db):
    """Today is 2025-03-01 and the warning window is the seeded 6 months (to 2025-09-01 inclusive)."""
    orgs = {name: OrganisationFactory(name=name) for name in
            ("昨天届满", "今天届满", "六个月整届满", "六个月零一天届满", "已换届", "未录入")}
    term_ending(orgs["昨天届满"], dt.date(2025, 2, 28))
    term_ending(orgs["今天届满"], dt.date(2025, 3, 1))
    term_ending(orgs["六个月整届满"], dt.date(2025, 9, 1))
    term_ending(orgs["六个月零一天届满"], dt.date(2025, 9, 2))
    term_ending(orgs["已换届"], dt.date(2024, 12, 31))
    reelected(orgs["已换届"], dt.date(2024, 12, 20))
    OrganisationFactory(name="工委", kind=OrganisationKind.WORKING_COMMITTEE)  # no term rule: never listed
    return orgs


def names(organisations) -> list[str]:
    return [o.name for o in organisations]


@freeze_time("2025-03-01 10:00:00+08:00")
def test_a_term_that_ended_yesterday_is_overdue_and_one_ending_within_six_months_is_due(terms_around_today):
    window = elections.term_window()
    assert (window.today, window.months, window.due_until) == (dt.date(2025, 3, 1), 6, dt.date(2025, 9, 1))
    everyone = Organisation.objects.all()
    assert names(elections.overdue_terms(organisations=everyone, window=window)) == ["昨天届满"]
    assert names(elections.due_terms(organisations=everyone, window=window)) == ["今天届满", "六个月整届满"]
    assert elections.term_counts(organisations=everyone, window=window) == {
        "total": 6, "overdue": 1, "due": 2, "missing": 1}


@freeze_time("2025-03-01 10:00:00+08:00")
def test_the_warning_window_follows_the_rule_table(terms_around_today):
    from rules.models import Threshold, ThresholdCode

    Threshold.objects.create(code=ThresholdCode.REELECTION_WARNING_MONTHS, value=3, source="工委通知",
                             effective_from=dt.date(2025, 1, 1))
    window = elections.term_window()
    assert names(elections.due_terms(organisations=Organisation.objects.all(), window=window)) == ["今天届满"]


@freeze_time("2025-03-01 10:00:00+08:00")
def test_the_overview_lists_each_organisation_under_its_heading(terms_around_today, city, login):
    response = login(city.admin).get(reverse("oversight:election_list"))
    assert response.status_code == 200
    assert names(response.context["overdue"]) == ["昨天届满"]
    assert names(response.context["due"]) == ["今天届满", "六个月整届满"]
    page = response.content.decode()
    assert 'data-testid="election-overdue-count">1<' in page
    assert 'data-testid="election-due-count">2<' in page


@freeze_time("2025-03-01 10:00:00+08:00")
def test_a_secretary_sees_only_their_own_organisations_terms(terms_around_today, city, login):
    term_ending(city.branch_a, dt.date(2025, 2, 1))
    response = login(city.secretary).get(reverse("oversight:election_list"))
    assert names(response.context["overdue"]) == [city.branch_a.name]
    assert set(names(response.context["page"])) == {city.org_a.name, city.branch_a.name}


@freeze_time("2025-03-01 10:00:00+08:00")
def test_the_overview_shows_the_chosen_years_on_time_rate(four_branches, city, login):
    response = login(city.admin).get(reverse("oversight:election_list"), {"year": 2024})
    assert response.context["rate"] == {"due": 4, "on_time": 2, "rate": 50.0}
    assert 'data-testid="on-time-rate">50%<' in response.content.decode()


def test_the_overview_costs_the_same_number_of_queries_with_more_organisations(city, client,
                                                                                django_assert_max_num_queries):
    def grow(n):
        for _ in range(n):
            branch = OrganisationFactory(parent=city.org_a)
            term_ending(branch, dt.date(2024, 1, 1))
            reelected(branch, dt.date(2023, 12, 1))

    client.force_login(city.secretary)
    url = reverse("oversight:election_list")
    grow(2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    grow(15)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


# --- recording a re-election ------------------------------------------------------------------

@pytest.fixture
def old_committee(city):
    """Branch A's second term (2022-03-01 to 2025-03-01) with its secretary and an organisation member."""
    TermFactory(organisation=city.branch_a, number=2, elected_on=dt.date(2022, 3, 1))
    secretary = CommitteePositionFactory(organisation=city.branch_a, starts_on=dt.date(2022, 3, 1))
    organiser = CommitteePositionFactory(organisation=city.branch_a, position=Position.ORGANISATION,
                                         starts_on=dt.date(2022, 3, 1))
    return secretary, organiser


@freeze_time("2025-03-05 10:00:00+08:00")
def test_recording_a_re_election_starts_a_term_of_the_rules_length_and_hands_over_the_committee(
        city, login, old_committee):
    new_secretary, deputy, committee_member = MemberFactory.create_batch(3, organisation=city.branch_a)
    response = login(city.secretary).post(reverse("oversight:election_record", args=[city.branch_a.pk]), {
        "elected_on": "2025-02-27", "secretary": new_secretary.pk, "deputy_secretary": deputy.pk,
        "members": [committee_member.pk, new_secretary.pk]})
    assert response.status_code == 302

    term = elections.current_term(city.branch_a)
    assert (term.number, term.elected_on, term.starts_on, term.ends_on) == (
        3, dt.date(2025, 2, 27), dt.date(2025, 2, 27), dt.date(2028, 2, 27))
    for position in old_committee:
        position.refresh_from_db()
        assert position.ends_on == dt.date(2025, 2, 26)
    seats = {(p.member_id, p.position) for p in CommitteePosition.objects.current().filter(organisation=city.branch_a)}
    assert seats == {(new_secretary.pk, Position.SECRETARY), (deputy.pk, Position.DEPUTY_SECRETARY),
                     (committee_member.pk, Position.MEMBER)}
    assert set(term.positions.values_list("member_id", flat=True)) == {new_secretary.pk, deputy.pk,
                                                                         committee_member.pk}


@freeze_time("2025-03-05 10:00:00+08:00")
def test_a_committee_term_lasts_five_years_and_the_dates_given_are_kept(city):
    committee = OrganisationFactory(kind=OrganisationKind.PARTY_COMMITTEE)
    TermFactory(organisation=committee, number=None, elected_on=dt.date(2020, 1, 10),
                ends_on=dt.date(2025, 1, 10))
    term = elections.election_record(organisation=committee, by=city.admin, elected_on=dt.date(2025, 1, 8),
                                     starts_on=dt.date(2025, 1, 10), number=7)
    assert (term.number, term.starts_on, term.ends_on) == (7, dt.date(2025, 1, 10), dt.date(2030, 1, 10))


@freeze_time("2025-03-05 10:00:00+08:00")
def test_without_a_new_committee_the_seats_are_left_as_they_are(city, old_committee):
    term = elections.election_record(organisation=city.branch_a, by=city.secretary, elected_on=dt.date(2025, 3, 1))
    assert term.number == 3
    assert CommitteePosition.objects.current().filter(organisation=city.branch_a).count() == 2


@freeze_time("2025-03-05 10:00:00+08:00")
def test_the_first_recorded_term_is_number_one(city):
    term = elections.election_record(organisation=city.org_b, by=city.admin, elected_on=dt.date(2024, 11, 1))
    assert (term.number, term.ends_on) == (1, dt.date(2027, 11, 1))


@freeze_time("2025-03-05 10:00:00+08:00")
@pytest.mark.parametrize(("posted", "field", "message"), [
    ({"elected_on": "2025-03-06"}, "elected_on", "选举日期不能晚于今天。"),
    ({"elected_on": "2022-02-28"}, "elected_on", "选举日期不能早于本届任期开始日期（2022年3月1日）。"),
    ({"elected_on": "2025-03-01", "starts_on": "2025-02-01"}, "starts_on", "任期开始日期不能早于选举日期。"),
    ({"elected_on": "2025-03-01", "ends_on": "2025-03-01"}, "ends_on", "任期届满日期须晚于任期开始日期。"),
    ({"elected_on": ""}, "elected_on", None),
])
def test_a_bad_date_is_refused_with_a_message_on_its_field_and_nothing_changes(city, login, old_committee, posted,
                                                                                field, message):
    response = login(city.secretary).post(reverse("oversight:election_record", args=[city.branch_a.pk]), posted)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    if message:
        assert errors[field] == [message]
    assert Term.objects.filter(organisation=city.branch_a).count() == 1
    assert CommitteePosition.objects.current().filter(organisation=city.branch_a).count() == 2


@freeze_time("2025-03-05 10:00:00+08:00")
def test_only_the_organisations_own_full_members_can_be_elected(city, login, old_committee):
    probationary = MemberFactory(organisation=city.branch_a, stage=Stage.PROBATIONARY)
    response = login(city.secretary).post(reverse("oversight:election_record", args=[city.branch_a.pk]), {
        "elected_on": "2025-03-01", "secretary": city.other_member.pk, "members": [probationary.pk]})
    assert response.status_code == 200
    assert {"secretary", "members"} <= response.context["form"].errors.keys()
    assert Term.objects.filter(organisation=city.branch_a).count() == 1


@freeze_time("2025-03-05 10:00:00+08:00")
def test_the_service_refuses_a_member_of_another_organisation(city):
    with pytest.raises(Exception) as caught:
        elections.election_record(organisation=city.branch_a, by=city.admin, elected_on=dt.date(2025, 3, 1),
                                  secretary=city.other_member)
    assert "不是本组织党员" in str(caught.value)
    assert not Term.objects.filter(organisation=city.branch_a).exists()


def test_a_secretary_cannot_record_another_organisations_re_election(city, login):
    response = login(city.other_secretary).post(reverse("oversight:election_record", args=[city.branch_a.pk]),
                                                {"elected_on": "2024-03-01"})
    assert response.status_code == 404
    assert not Term.objects.exists()


def test_the_admins_overview_shows_a_recorded_re_election_at_once_and_is_otherwise_kept(terms_around_today, city,
                                                                                         client, monkeypatch):
    client.force_login(city.admin)
    with freeze_time("2025-03-01 10:00:00+08:00"):
        url = reverse("oversight:election_list")
        first = client.get(url)
        assert names(first.context["overdue"]) == ["昨天届满"]
        assert "全市数据统计于 10:00" in first.content.decode()
        reelected(terms_around_today["昨天届满"], dt.date(2025, 2, 27))  # a decision: counted again at once
        assert names(client.get(url).context["overdue"]) == []
        monkeypatch.setattr(elections, "term_counts", lambda **kwargs: pytest.fail("counted again"))
        assert client.get(url).context["counts"]["overdue"] == 0


def test_the_list_keeps_its_order_with_the_summaries_and_follows_a_re_election_at_once(terms_around_today, city,
                                                                                      client, monkeypatch):
    client.force_login(city.admin)
    url = reverse("oversight:election_list")
    with freeze_time("2025-03-01 10:00:00+08:00"):
        listed = names(client.get(url).context["page"])
        assert listed[0] == "未录入" and listed.index("昨天届满") < listed.index("今天届满") < listed.index(
            "六个月整届满")
        reelected(terms_around_today["昨天届满"], dt.date(2025, 2, 27))  # its new term runs for years
        moved = names(client.get(url).context["page"])
        assert moved.index("昨天届满") > moved.index("六个月零一天届满")
        assert client.get(url).context["page"][0].term_ends_on is None  # the rows shown carry their term

        monkeypatch.setattr(elections, "term_status", lambda **kwargs: pytest.fail("sorted again"))
        assert names(client.get(url).context["page"]) == moved
