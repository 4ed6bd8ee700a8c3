"""The 三会一课 compliance matrix and the set-up checks, on small hand-built cases.

The city fixture gives two branches: branch A (below general branch A) and B (directly below the working
committee). By default neither has a committee or party groups, so each month asks for a themed day, each
quarter-end month also for a general meeting and a party lesson, and December also for the organisational life
meeting and the appraisal (the seeded rules)."""

import datetime as dt

import pytest
from freezegun import freeze_time

from activities.choices import ActivityKind, ActivityStatus
from activities.planning import has_committee, requirements_in_force
from branches.choices import OrganisationKind, OrganisationStatus, Position
from branches.models import Organisation
from members.choices import Stage
from oversight.compliance import (
    ABSENT,
    AMBER,
    EXEMPT,
    FUTURE,
    GREEN,
    NO_COMMITTEE,
    NO_GROUPS,
    NOTHING,
    RED,
    ProblemCode,
    _due_by_month,
    completion_rate,
    matrix_for,
    red_cells,
    setup_problems,
)
from oversight.models import Exemption
from rules.models import MeetingRequirement, Period, RequiredBody, Threshold, ThresholdCode
from tests.factories import (
    ActivityFactory,
    CommitteePositionFactory,
    MemberFactory,
    OrganisationFactory,
    PartyGroupFactory,
)

TZ = dt.timezone(dt.timedelta(hours=8))
K = ActivityKind


def at(day: dt.date, hour: int = 15) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TZ)


def activity(organisation, kind, day, *, status=ActivityStatus.HELD, joint=(), hour=15):
    start = at(day, hour)
    made = ActivityFactory(organisation=organisation, kind=kind, status=status, planned_start=start,
                           actual_start=start if status == ActivityStatus.HELD else None,
                           cancel_reason="因故取消" if status == ActivityStatus.CANCELLED else "")
    if joint:
        made.joint_organisations.set(joint)
    return made


def branches(city):
    return Organisation.objects.filter(pk__in=[city.branch_a.pk, city.org_b.pk])


def cell(matrix, organisation, month):
    row = matrix.row_for(organisation.pk)
    assert row is not None, f"{organisation} has no row"
    return row.cells[month - 1]


def counts(matrix, organisation, month) -> dict[str, tuple[int, int]]:
    """kind → (held, required) for the kinds asked in that cell."""
    return {k.kind: (k.held, k.required) for k in cell(matrix, organisation, month).kinds if not k.not_asked}


def seat_committee(organisation, n=3, starts_on=dt.date(2020, 1, 1), first=0):
    """n current seats, each held by a new full member of the organisation."""
    positions = [Position.SECRETARY, Position.ORGANISATION, Position.PUBLICITY, Position.DISCIPLINE,
                 Position.YOUTH, Position.WOMEN, Position.MEMBER, Position.DEPUTY_SECRETARY]
    for position in positions[first:first + n]:
        CommitteePositionFactory(organisation=organisation, position=position, starts_on=starts_on)


# --- which month a meeting counts for ----------------------------------------------------------

@freeze_time("2025-12-20")
def test_a_general_meeting_held_in_february_counts_for_the_march_cell_and_one_held_in_april_does_not(city):
    activity(city.branch_a, K.GENERAL_MEETING, dt.date(2025, 2, 12))
    activity(city.org_b, K.GENERAL_MEETING, dt.date(2025, 4, 3))
    matrix = matrix_for(organisations=branches(city), year=2025)

    assert K.GENERAL_MEETING not in counts(matrix, city.branch_a, 2), "not due before the quarter's end"
    assert counts(matrix, city.branch_a, 3)[K.GENERAL_MEETING] == (1, 1)
    assert counts(matrix, city.org_b, 3)[K.GENERAL_MEETING] == (0, 1)
    assert counts(matrix, city.org_b, 6)[K.GENERAL_MEETING] == (1, 1)
    assert cell(matrix, city.branch_a, 3).kinds[0].window_label in {"1–3月"}


@freeze_time("2025-12-20")
def test_the_yearly_meetings_are_due_in_december_and_count_only_in_the_allowed_months(city):
    activity(city.branch_a, K.ORG_LIFE_MEETING, dt.date(2025, 11, 5))
    activity(city.org_b, K.ORG_LIFE_MEETING, dt.date(2025, 9, 5))
    matrix = matrix_for(organisations=branches(city), year=2025)

    assert K.ORG_LIFE_MEETING not in counts(matrix, city.branch_a, 11)
    assert counts(matrix, city.branch_a, 12)[K.ORG_LIFE_MEETING] == (1, 1)
    assert counts(matrix, city.org_b, 12)[K.ORG_LIFE_MEETING] == (0, 1), "September is outside 10–12"


@freeze_time("2025-12-20")
def test_cancelled_and_merely_planned_meetings_never_count(city):
    activity(city.branch_a, K.THEMED_DAY, dt.date(2025, 5, 15), status=ActivityStatus.CANCELLED)
    activity(city.branch_a, K.THEMED_DAY, dt.date(2025, 5, 16), status=ActivityStatus.PLANNED)
    matrix = matrix_for(organisations=branches(city), year=2025)

    assert counts(matrix, city.branch_a, 5) == {K.THEMED_DAY: (0, 1)}
    assert cell(matrix, city.branch_a, 5).state == RED


@freeze_time("2025-12-20")
def test_a_joint_activity_counts_for_the_host_and_for_each_joint_organisation(city):
    branch_c = OrganisationFactory(parent=city.org_a, name="甲局第二党支部")
    activity(city.branch_a, K.PARTY_LESSON, dt.date(2025, 5, 8), joint=[city.org_b, branch_c])
    matrix = matrix_for(organisations=Organisation.objects.all(), year=2025)

    for organisation in (city.branch_a, city.org_b, branch_c):
        assert counts(matrix, organisation, 6)[K.PARTY_LESSON] == (1, 1)


@freeze_time("2025-12-20")
def test_a_host_also_listed_as_joint_organisation_is_counted_once(city):
    activity(city.branch_a, K.THEMED_DAY, dt.date(2025, 5, 8), joint=[city.branch_a])
    matrix = matrix_for(organisations=branches(city), year=2025)
    assert counts(matrix, city.branch_a, 5)[K.THEMED_DAY] == (1, 1)


@freeze_time("2025-12-20")
def test_a_meeting_counts_in_the_local_month_of_its_actual_start(city):
    # 1 June 00:30 in Beijing is still 31 May in UTC.
    activity(city.branch_a, K.THEMED_DAY, dt.date(2025, 6, 1), hour=0)
    matrix = matrix_for(organisations=branches(city), year=2025)
    assert counts(matrix, city.branch_a, 5)[K.THEMED_DAY] == (0, 1)
    assert counts(matrix, city.branch_a, 6)[K.THEMED_DAY] == (1, 1)


# --- who is asked for what --------------------------------------------------------------------

@freeze_time("2025-12-20")
def test_an_organisation_established_mid_year_is_not_asked_for_the_months_before(city):
    new = OrganisationFactory(parent=city.org_a, name="新设党支部", established_on=dt.date(2025, 5, 10))
    matrix = matrix_for(organisations=Organisation.objects.all(), year=2025)

    states = [c.state for c in matrix.row_for(new.pk).cells]
    assert states[:4] == [ABSENT] * 4
    assert states[4] == RED, "asked from the month it was established"
    assert counts(matrix, new, 6)[K.GENERAL_MEETING] == (0, 1)


@freeze_time("2025-12-20")
def test_an_organisation_established_after_the_year_or_dissolved_before_it_has_no_row(city):
    later = OrganisationFactory(parent=city.root, established_on=dt.date(2026, 2, 1))
    gone = OrganisationFactory(parent=city.root, status=OrganisationStatus.DISSOLVED,
                               dissolved_on=dt.date(2024, 6, 30))
    dissolved = OrganisationFactory(parent=city.root, status=OrganisationStatus.DISSOLVED,
                                    dissolved_on=dt.date(2025, 4, 15))
    matrix = matrix_for(organisations=Organisation.objects.all(), year=2025)

    assert matrix.row_for(later.pk) is None and matrix.row_for(gone.pk) is None
    assert [c.state for c in matrix.row_for(dissolved.pk).cells][4:] == [ABSENT] * 8


@freeze_time("2025-12-20")
def test_a_branch_without_committee_or_groups_is_not_asked_for_their_meetings(city):
    seat_committee(city.org_b, 3)
    PartyGroupFactory.create_batch(2, organisation=city.org_b)
    matrix = matrix_for(organisations=branches(city), year=2025)

    assert counts(matrix, city.branch_a, 5) == {K.THEMED_DAY: (0, 1)}
    assert {k.kind: k.not_asked for k in cell(matrix, city.branch_a, 5).kinds} == {
        K.COMMITTEE_MEETING: NO_COMMITTEE, K.GROUP_MEETING: NO_GROUPS, K.THEMED_DAY: ""}
    assert counts(matrix, city.org_b, 5) == {
        K.COMMITTEE_MEETING: (0, 1), K.GROUP_MEETING: (0, 2), K.THEMED_DAY: (0, 1)}, "one group meeting per group"


@freeze_time("2025-12-20")
def test_a_committee_too_small_to_count_or_elected_later_is_not_asked_for_committee_meetings(city):
    seat_committee(city.branch_a, 2)
    seat_committee(city.org_b, 3, starts_on=dt.date(2025, 6, 10))
    matrix = matrix_for(organisations=branches(city), year=2025)

    assert K.COMMITTEE_MEETING not in counts(matrix, city.branch_a, 8)
    assert K.COMMITTEE_MEETING not in counts(matrix, city.org_b, 6), "seats are counted on the month's first day"
    assert counts(matrix, city.org_b, 7)[K.COMMITTEE_MEETING] == (0, 1)


@freeze_time("2025-12-20")
def test_an_exemption_removes_the_requirement_for_the_months_it_covers(city, django_user_model):
    PartyGroupFactory(organisation=city.branch_a)
    Exemption.objects.create(organisation=city.branch_a, activity_kind=K.GROUP_MEETING, reason="党员较少，不划分党小组",
                             valid_from=dt.date(2025, 4, 20), valid_until=dt.date(2025, 9, 1), granted_by=city.admin)
    matrix = matrix_for(organisations=branches(city), year=2025)

    assert counts(matrix, city.branch_a, 3)[K.GROUP_MEETING] == (0, 1)
    for month in (4, 5, 9):
        assert K.GROUP_MEETING not in counts(matrix, city.branch_a, month)
        assert {k.kind: k.not_asked for k in cell(matrix, city.branch_a, month).kinds}[K.GROUP_MEETING] == EXEMPT
    assert counts(matrix, city.branch_a, 10)[K.GROUP_MEETING] == (0, 1)
    assert K.GROUP_MEETING not in counts(matrix, city.org_b, 5), "only the exempted organisation"


@freeze_time("2025-12-20")
def test_a_changed_requirement_row_changes_what_is_required_from_the_month_it_takes_effect(city):
    MeetingRequirement.objects.create(activity_kind=K.THEMED_DAY, period=Period.QUARTER, times=1,
                                      applies_when=RequiredBody.NONE, source="本市通知", effective_from=dt.date(2025, 7, 1))
    activity(city.branch_a, K.THEMED_DAY, dt.date(2025, 8, 15))
    matrix = matrix_for(organisations=branches(city), year=2025)

    assert counts(matrix, city.branch_a, 6)[K.THEMED_DAY] == (0, 1), "monthly until June"
    assert K.THEMED_DAY not in counts(matrix, city.branch_a, 7)
    assert K.THEMED_DAY not in counts(matrix, city.branch_a, 8)
    assert counts(matrix, city.branch_a, 9)[K.THEMED_DAY] == (1, 1), "quarterly from July: the August one counts"


@pytest.mark.parametrize("year", [2015, 2025])
def test_the_rules_per_month_agree_with_the_planning_modules_reading_of_the_rule_table(db, year):
    MeetingRequirement.objects.create(activity_kind=K.PARTY_LESSON, period=Period.MONTH, times=2,
                                      applies_when=RequiredBody.NONE, source="本市通知", effective_from=dt.date(2025, 5, 1))
    due = _due_by_month(year)
    for month in range(1, 13):
        rules = {r.activity_kind: r for r in requirements_in_force(dt.date(year, month, 1))}
        for d in due[month]:
            assert rules[d.kind].times == d.times and rules[d.kind].applies_when == d.applies_when


@freeze_time("2025-12-20")
def test_committee_seats_are_judged_as_the_planning_module_judges_them(city):
    seat_committee(city.branch_a, 3)
    seat_committee(city.org_b, 2)
    matrix = matrix_for(organisations=branches(city), year=2025)
    for organisation in (city.branch_a, city.org_b):
        asked = K.COMMITTEE_MEETING in counts(matrix, organisation, 5)
        assert asked == has_committee(organisation, dt.date(2025, 5, 1))


# --- colours, months to come, totals ----------------------------------------------------------

@freeze_time("2025-06-10")
def test_colours_follow_what_was_held_and_months_to_come_are_grey(city):
    activity(city.branch_a, K.THEMED_DAY, dt.date(2025, 1, 15))
    activity(city.branch_a, K.THEMED_DAY, dt.date(2025, 3, 15))
    activity(city.branch_a, K.GENERAL_MEETING, dt.date(2025, 3, 20))
    activity(city.branch_a, K.PARTY_LESSON, dt.date(2025, 3, 25))
    activity(city.branch_a, K.THEMED_DAY, dt.date(2025, 6, 5))
    matrix = matrix_for(organisations=branches(city), year=2025)
    row = matrix.row_for(city.branch_a.pk)

    assert [c.state for c in row.cells] == [GREEN, RED, GREEN, RED, RED, AMBER] + [FUTURE] * 6
    assert [c.text for c in row.cells][:6] == ["1/1", "0/1", "3/3", "0/1", "0/1", "1/3"]
    assert row.cells[5].current and "c-now" in row.cells[5].css and not row.cells[4].current
    assert all(c.text == "" for c in row.cells[6:])
    # Rates count the months that are over (Jan–May): 4 of 7 required.
    assert (row.held, row.required) == (4, 7) and row.rate_text == "57%"


@freeze_time("2025-06-10")
def test_more_of_one_kind_does_not_make_up_for_another(city):
    for day in (3, 5, 7):
        activity(city.branch_a, K.THEMED_DAY, dt.date(2025, 3, day))
    matrix = matrix_for(organisations=branches(city), year=2025)
    assert cell(matrix, city.branch_a, 3).text == "1/3" and cell(matrix, city.branch_a, 3).state == AMBER


@freeze_time("2025-06-10")
def test_a_month_with_nothing_required_is_grey(city):
    Exemption.objects.create(organisation=city.branch_a, activity_kind=K.THEMED_DAY, reason="抗洪抢险",
                             valid_from=dt.date(2025, 2, 1), valid_until=dt.date(2025, 2, 28))
    matrix = matrix_for(organisations=branches(city), year=2025)
    assert cell(matrix, city.branch_a, 2).state == NOTHING and cell(matrix, city.branch_a, 2).text == ""


@freeze_time("2025-06-10")
def test_rows_follow_the_tree_with_committees_and_general_branches_as_headers(city):
    deeper = OrganisationFactory(parent=city.org_a, name="甲局第二党支部")
    OrganisationFactory(kind=OrganisationKind.GENERAL_BRANCH, parent=city.root, name="空的党总支")
    matrix = matrix_for(organisations=Organisation.objects.all(), year=2025)

    assert [(r.name, r.is_header, r.indent) for r in matrix.rows] == [
        ("市直机关工委", True, 0), ("甲局机关党总支", True, 1), ("甲局第一党支部", False, 2),
        (deeper.name, False, 2), ("乙局机关党支部", False, 1)]


def test_a_past_year_counts_all_twelve_months_and_a_future_year_none(city):
    with freeze_time("2026-03-01"):
        past = matrix_for(organisations=branches(city), year=2025)
        future = matrix_for(organisations=branches(city), year=2027)
    assert past.closed_months == 12 and past.current_month == 0
    assert past.required == 2 * (12 + 4 * 2 + 2) and past.held == 0
    assert {c.state for r in future.organisation_rows for c in r.cells} == {FUTURE} and future.rate is None


@freeze_time("2025-06-10")
def test_red_cells_name_the_organisations_and_the_kinds_they_miss(city):
    activity(city.org_b, K.THEMED_DAY, dt.date(2025, 5, 15))
    red = red_cells(organisations=branches(city), year=2025, month=5)
    assert [(r.organisation, r.missing_kinds) for r in red] == [(city.branch_a, [K.THEMED_DAY])]
    assert isinstance(red[0].organisation, Organisation)
    assert red_cells(organisations=branches(city), year=2025, month=7) == [], "months to come are never red"


@freeze_time("2025-06-10")
def test_the_cached_gaps_keep_plain_tuples_and_give_back_what_each_cell_misses(city):
    import pickle

    from oversight import compliance

    activity(city.org_b, K.THEMED_DAY, dt.date(2025, 5, 15))
    digest = compliance.cached_month_digest(organisations=branches(city), year=2025, month=5)
    assert b"KindCount" not in pickle.dumps(digest)  # read back in C: no object per missing kind
    gaps = digest.gaps
    fresh = matrix_for(organisations=branches(city), year=2025)
    expected = {(row.pk, row.name, row.cells[4].state, tuple(k for k in row.cells[4].kinds if k.missing > 0))
                for row in fresh.organisation_rows if any(k.missing > 0 for k in row.cells[4].kinds)}
    assert {(pk, name, state, tuple(compliance.kind_counts(missing))) for pk, name, state, missing in gaps} == expected
    assert [pk for pk, *_ in gaps] == [city.branch_a.pk]


@freeze_time("2025-04-10")
def test_the_completion_rate_counts_required_and_held_meetings_of_the_months_that_are_over(city):
    activity(city.branch_a, K.THEMED_DAY, dt.date(2025, 1, 15))
    activity(city.branch_a, K.THEMED_DAY, dt.date(2025, 4, 2))  # April is still in progress
    rate = completion_rate(organisations=branches(city), year=2025)
    assert (rate.held, rate.required) == (1, 2 * 5) and rate.percent == "10%"


def grow(parent, n):
    for i in range(n):
        branch = OrganisationFactory(parent=parent, established_on=dt.date(2025, 1 + i % 12, 1))
        seat_committee(branch, 3)
        PartyGroupFactory(organisation=branch)
        activity(branch, K.THEMED_DAY, dt.date(2025, 2, 15), joint=[parent])
        activity(branch, K.COMMITTEE_MEETING, dt.date(2025, 3, 15))
        Exemption.objects.create(organisation=branch, activity_kind=K.GROUP_MEETING, reason="试点",
                                 valid_from=dt.date(2025, 1, 1))


@freeze_time("2025-12-20")
def test_the_matrix_costs_the_same_queries_for_three_and_for_thirty_organisations(
        city, django_assert_num_queries, django_assert_max_num_queries):
    grow(city.org_a, 1)
    with django_assert_num_queries(8):
        small = matrix_for(organisations=Organisation.objects.all(), year=2025)
    grow(city.org_a, 27)
    with django_assert_max_num_queries(8):
        large = matrix_for(organisations=Organisation.objects.all(), year=2025)
    assert len(small.organisation_rows) == 3 and len(large.organisation_rows) == 30


# --- set-up checks ------------------------------------------------------------------------------

def problems_of(organisation, today=dt.date(2025, 6, 10)):
    return {p.code: p.message for p in setup_problems(organisations=Organisation.objects.filter(pk=organisation.pk),
                                                      today=today)}


def members(organisation, n, stage=Stage.FULL):
    extra = {} if stage == Stage.FULL else {"full_on": None}
    return MemberFactory.create_batch(n, organisation=organisation, stage=stage, **extra)


@freeze_time("2025-06-10")
def test_a_branch_with_too_few_full_members_is_reported(city):
    members(city.org_b, 1, Stage.PROBATIONARY)  # two party members, one of them full
    assert problems_of(city.org_b)[ProblemCode.TOO_FEW_FULL_MEMBERS] == "正式党员1名，少于成立党支部所需的3名。"
    members(city.org_b, 2)
    assert ProblemCode.TOO_FEW_FULL_MEMBERS not in problems_of(city.org_b)


@freeze_time("2025-06-10")
def test_a_branch_over_the_member_limit_is_reported_and_the_limit_is_a_rule(city):
    members(city.org_b, 4)
    members(city.org_b, 2, Stage.PROBATIONARY)
    assert ProblemCode.TOO_MANY_MEMBERS not in problems_of(city.org_b)
    Threshold.objects.create(code=ThresholdCode.BRANCH_MAX_MEMBERS, value=6, source="测试",
                             effective_from=dt.date(2025, 1, 1))
    assert problems_of(city.org_b)[ProblemCode.TOO_MANY_MEMBERS].startswith("党员7名，超过党支部6名的上限")


@freeze_time("2025-06-10")
def test_a_branch_with_seven_full_members_and_no_committee_is_reported(city):
    members(city.org_b, 5)
    seat_committee(city.org_b, 1)  # each seat brings its own full member: 1 + 5 + 1
    assert problems_of(city.org_b)[ProblemCode.NO_COMMITTEE].startswith("正式党员7名（7名以上），应设立支部委员会")
    seat_committee(city.org_b, 2, first=1)
    assert ProblemCode.NO_COMMITTEE not in problems_of(city.org_b)


@freeze_time("2025-06-10")
def test_a_committee_outside_its_size_limits_is_reported(city):
    members(city.org_b, 10)
    seat_committee(city.org_b, 8)
    assert problems_of(city.org_b)[ProblemCode.COMMITTEE_TOO_LARGE] == "支部委员会现有委员8名，超过7名的上限。"

    CommitteePositionFactory(organisation=city.branch_a, position=Position.SECRETARY, starts_on=dt.date(2020, 1, 1))
    CommitteePositionFactory(organisation=city.branch_a, position=Position.ORGANISATION, starts_on=dt.date(2020, 1, 1))
    assert problems_of(city.branch_a)[ProblemCode.COMMITTEE_TOO_SMALL] == "支部委员会现有委员2名，少于3名。"


@freeze_time("2025-06-10")
def test_a_small_branch_with_a_secretary_and_a_deputy_is_not_an_undersized_committee(city):
    members(city.org_b, 3)
    CommitteePositionFactory(organisation=city.org_b, position=Position.SECRETARY, starts_on=dt.date(2020, 1, 1))
    CommitteePositionFactory(organisation=city.org_b, position=Position.DEPUTY_SECRETARY,
                             starts_on=dt.date(2020, 1, 1))
    codes = set(problems_of(city.org_b))
    assert not codes & {ProblemCode.COMMITTEE_TOO_SMALL, ProblemCode.NO_COMMITTEE, ProblemCode.COMMITTEE_TOO_LARGE}


@freeze_time("2025-06-10")
def test_an_organisation_without_a_held_activity_for_the_silent_days_is_reported(city):
    activity(city.org_b, K.THEMED_DAY, dt.date(2025, 4, 30))
    activity(city.org_b, K.THEMED_DAY, dt.date(2025, 6, 1), status=ActivityStatus.CANCELLED)
    activity(city.org_b, K.THEMED_DAY, dt.date(2025, 6, 5), status=ActivityStatus.PLANNED)
    assert problems_of(city.org_b)[ProblemCode.SILENT] == "近30天没有已开展的组织生活（最近一次为2025年4月30日）。"
    assert "系统中没有已开展活动的记录" in problems_of(city.branch_a)[ProblemCode.SILENT]

    Threshold.objects.create(code=ThresholdCode.SILENT_DAYS, value=60, source="测试", effective_from=dt.date(2025, 1, 1))
    assert ProblemCode.SILENT not in problems_of(city.org_b)


@freeze_time("2025-06-10")
def test_a_joint_activity_keeps_an_organisation_from_being_silent(city):
    activity(city.branch_a, K.PARTY_LESSON, dt.date(2025, 6, 2), joint=[city.org_b])
    assert ProblemCode.SILENT not in problems_of(city.org_b)
    assert ProblemCode.SILENT not in problems_of(city.branch_a)


@freeze_time("2025-06-10")
def test_a_newly_established_organisation_is_not_silent_yet_and_general_branches_are_not_checked(city):
    new = OrganisationFactory(parent=city.root, established_on=dt.date(2025, 5, 25))
    assert ProblemCode.SILENT not in problems_of(new)
    assert problems_of(city.org_a) == {}


@freeze_time("2025-06-10")
def test_a_temporary_branch_is_checked_for_silence_only(city):
    temporary = OrganisationFactory(kind=OrganisationKind.TEMPORARY_BRANCH, parent=city.root)
    assert set(problems_of(temporary)) == {ProblemCode.SILENT}


@freeze_time("2025-06-10")
def test_problems_come_in_tree_order(city):
    problems = setup_problems(organisations=Organisation.objects.all())
    assert [p.organisation for p in problems][:2] == [city.branch_a, city.branch_a]
    assert problems[-1].organisation == city.org_b
    assert all(p.label for p in problems)


@freeze_time("2025-06-10")
def test_the_setup_checks_cost_the_same_queries_for_three_and_for_thirty_organisations(
        city, django_assert_num_queries, django_assert_max_num_queries):
    grow(city.org_a, 1)
    with django_assert_num_queries(6):
        small = setup_problems(organisations=Organisation.objects.all())
    grow(city.org_a, 27)
    with django_assert_max_num_queries(6):
        large = setup_problems(organisations=Organisation.objects.all())
    assert len(large) > len(small)


@freeze_time("2025-06-10")
def test_the_months_digest_is_the_head_of_its_gaps_with_their_totals(city, monkeypatch):
    from oversight import compliance

    monkeypatch.setattr(compliance, "DIGEST_ROWS", 1)
    activity(city.org_b, K.THEMED_DAY, dt.date(2025, 5, 15))
    fresh = matrix_for(organisations=branches(city), year=2025)
    for month in (5, 6):
        digest = compliance.cached_month_digest(organisations=branches(city), year=2025, month=month)
        gaps = compliance.month_gaps(fresh, month)
        red = [gap for gap in gaps if gap[2] == compliance.RED]
        assert digest == (tuple(gaps[:1]), len(gaps), tuple(red[:1]), len(red))
    assert digest.total == 2 and len(digest.gaps) == 1  # June: both branches still miss their themed day
