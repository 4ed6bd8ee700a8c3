"""Reminder rules for secretaries and the lines of the admins' weekly digest (issue 6).

Each rule finds the facts due today and returns them as `Due`s; `notifications_create` inserts each keyed fact
once, so the daily sweep may run as often as it likes. The key's `period` is what makes a fact new:

- MEETINGS_DUE (from the 20th): the meetings the 三会一课 matrix requires this month that are neither held nor
  planned for the rest of the month (exemptions, committees and party groups as the matrix decides them).
  Period: the month. The themed day is left to its own rule below, so one fact is told once.
- THEMED_DAY_UNPLANNED (from the 10th): a themed day is required this month and none is planned or held
  (cancelled ones do not count). Period: the month.
- REELECTION_DUE: the current term ends within the warning months of the rule table, within 3 months, within
  1 month, or has ended without a re-election. Only the most urgent step reached is told, so a term
  discovered late is not announced three times on one day. Period: the step and the term's end.
- PROBATION_ENDING: a probationary member's probation (the admission→conversion rule's minimum) ends within
  30 days. Period: the end date.
- REVIEW_RETURNED: a standardisation review sent back in the last 14 days and not yet resubmitted. Period: the
  send-back event (also told at once by `review_returned_notify`, called from the send-back service).
- DUTY_DUE: an open responsibility-list assignment whose deadline is within 7 days (overdue ones go to the
  admins' digest instead). Period: the deadline.

Who is told: the secretaries of the organisation concerned, or, when it has none with a login, those of the
nearest organisation above it (who run it); plus the organisation's group robots that take duty notices.
The sweep costs a fixed number of queries whatever the number of members and organisations.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db.models import Count, F, Q
from django.urls import reverse

from activities.choices import ActivityKind, ActivityStatus
from activities.models import Activity
from branches.selectors import SecretaryDirectory
from branches.choices import OrganisationStatus
from branches.models import Organisation
from core.dates import local_midnight
from members.choices import MembershipStatus, Stage
from members.models import Member
from notifications.choices import Kind
from notifications.services import Due, notifications_create, webhooks_for
from rules.models import MemberEvent, StageInterval, Threshold, ThresholdCode

from . import compliance, elections
from .choices import DutyStatus, ReviewAction, ReviewStatus
from .duties import overdue_assignments
from .models import DutyAssignment, ReviewEvent, StandardisationReview

# The timing of the reminders is data (rules.Threshold, admin-editable); these apply only when a table was
# emptied (a test flushed it), like the seed's fallbacks.
FALLBACK_LIMITS = {
    ThresholdCode.REMIND_MEETINGS_FROM_DAY: 20,
    ThresholdCode.REMIND_THEMED_DAY_FROM_DAY: 10,
    ThresholdCode.REELECTION_SECOND_WARNING_MONTHS: 3,
    ThresholdCode.REELECTION_LAST_WARNING_MONTHS: 1,
    ThresholdCode.PROBATION_NOTICE_DAYS: 30,
    ThresholdCode.DUTY_NOTICE_DAYS: 7,
}
# Facts that name a member stay with the secretary: a group chat is not the place for them.
PERSONAL_KINDS = {Kind.PROBATION_ENDING}
RETURNED_LOOKBACK = dt.timedelta(days=14)
DIGEST_NAMES = 10


def _date_text(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _names(names: list[str]) -> str:
    shown = "、".join(names[:DIGEST_NAMES])
    return f"{shown}等" if len(names) > DIGEST_NAMES else shown


# --- who is told --------------------------------------------------------------------------------

class _Recipients(SecretaryDirectory):
    """The secretaries (read once, two queries) and, per sweep, the organisations' group robots."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.webhooks: dict[int, list[int]] = {}

    def load_webhooks(self, organisation_ids: Iterable[int]) -> None:
        self.webhooks = webhooks_for(organisation_ids, duty=True)

    def dues(self, *, kind: str, organisation_id: int, target: str, period: str, title: str, body: str,
             link: str) -> list[Due]:
        common = {"kind": kind, "target": target, "period": period, "title": title, "body": body, "link": link,
                  "organisation_id": organisation_id}
        hooks = [] if kind in PERSONAL_KINDS else self.webhooks.get(organisation_id, [])
        return ([Due(recipient_id=user_id, **common) for user_id in self.users_for(organisation_id)]
                + [Due(webhook_id=hook, **common) for hook in hooks])


@dataclass(frozen=True)
class _Fact:
    kind: str
    organisation_id: int
    target: str
    period: str
    title: str
    body: str
    link: str


def _to_dues(facts: list[_Fact], recipients: _Recipients) -> list[Due]:
    recipients.load_webhooks({fact.organisation_id for fact in facts})
    dues = []
    for fact in facts:
        dues += recipients.dues(kind=fact.kind, organisation_id=fact.organisation_id, target=fact.target,
                                period=fact.period, title=fact.title, body=fact.body, link=fact.link)
    return dues


# --- meetings and themed days -------------------------------------------------------------------


def _activities_this_month(organisation_ids: list[int], kinds: set[str], today: dt.date) -> dict[tuple[int, str],
                                                                                                 dict[str, int]]:
    """(organisation, kind) → {"ahead": planned from today to the month's end, "any": planned or held in the
    month}, for hosted and joint activities alike (two grouped queries)."""
    start = local_midnight(today.replace(day=1))
    end = local_midnight(today.replace(day=1) + relativedelta(months=1))
    today_start = local_midnight(today)
    counts: dict[tuple[int, str], dict[str, int]] = defaultdict(lambda: {"ahead": 0, "any": 0})
    in_month = Q(planned_start__gte=start, planned_start__lt=end) | Q(actual_start__gte=start, actual_start__lt=end)
    hosted = (Activity.objects.filter(in_month, organisation__in=organisation_ids, kind__in=kinds,
                                      status__in=[ActivityStatus.PLANNED, ActivityStatus.HELD])
              .values("organisation_id", "kind")
              .annotate(ahead=Count("pk", filter=Q(status=ActivityStatus.PLANNED, planned_start__gte=today_start)),
                        any=Count("pk")).order_by()
              .values_list("organisation_id", "kind", "ahead", "any"))
    Joint = Activity.joint_organisations.through
    joint = (Joint.objects.filter(organisation__in=organisation_ids, activity__kind__in=kinds,
                                  activity__status__in=[ActivityStatus.PLANNED, ActivityStatus.HELD])
             .filter(Q(activity__planned_start__gte=start, activity__planned_start__lt=end)
                     | Q(activity__actual_start__gte=start, activity__actual_start__lt=end))
             .exclude(activity__organisation_id=F("organisation_id"))
             .values("organisation_id", "activity__kind")
             .annotate(ahead=Count("activity_id", filter=Q(activity__status=ActivityStatus.PLANNED,
                                                           activity__planned_start__gte=today_start)),
                       any=Count("activity_id")).order_by()
             .values_list("organisation_id", "activity__kind", "ahead", "any"))
    for source in (hosted, joint):
        for organisation_id, kind, ahead, any_ in source:
            counts[(organisation_id, kind)]["ahead"] += ahead
            counts[(organisation_id, kind)]["any"] += any_
    return counts


def limits(today: dt.date) -> dict[str, int]:
    """The reminders' timing in force today, from the rule table (one query)."""
    return {**FALLBACK_LIMITS, **{code: value for code, value in Threshold.all_in_force(today).items()
                                  if code in FALLBACK_LIMITS}}


def _meeting_facts(today: dt.date, recipients: _Recipients, limit: dict[str, int]) -> list[_Fact]:
    themed_from, meetings_from = (limit[ThresholdCode.REMIND_THEMED_DAY_FROM_DAY],
                                  limit[ThresholdCode.REMIND_MEETINGS_FROM_DAY])
    if today.day < min(themed_from, meetings_from):
        return []
    matrix = compliance.matrix_for(organisations=Organisation.objects.active(), year=today.year, today=today)
    cells = {row.pk: row.cells[today.month - 1] for row in matrix.organisation_rows}
    required = {pk: [k for k in cell.kinds if k.required] for pk, cell in cells.items()}
    kinds = {k.kind for ks in required.values() for k in ks}
    if not kinds:
        return []
    planned = _activities_this_month(list(required), kinds, today)
    month_key, month_text = f"{today:%Y-%m}", f"{today.month}月"
    facts = []
    for pk, kind_counts in required.items():
        name = recipients.name(pk)
        themed = next((k for k in kind_counts if k.kind == ActivityKind.THEMED_DAY), None)
        if themed and today.day >= themed_from and not planned[(pk, themed.kind)]["any"]:
            facts.append(_Fact(
                Kind.THEMED_DAY_UNPLANNED, pk, f"organisation:{pk}", month_key,
                f"{name}：{month_text}主题党日尚未安排",
                f"按要求每月相对固定一天开展主题党日，{month_text}尚未安排。请确定日期和主题并发布活动。",
                f"{reverse('activities:activity_create')}?organisation={pk}&kind={ActivityKind.THEMED_DAY}"))
        if today.day < meetings_from:
            continue
        # The themed day has its own reminder above; a meeting planned for the rest of the month is not forgotten.
        missing = [(k, k.missing - planned[(pk, k.kind)]["ahead"]) for k in kind_counts
                   if k.kind != ActivityKind.THEMED_DAY and k.missing > planned[(pk, k.kind)]["ahead"]]
        if not missing:
            continue
        labels = "、".join(k.label + (f"（尚差{n}次）" if k.required > 1 else "") for k, n in missing)
        lines = "；".join(f"{k.label}：{k.window_label}应召开{k.required}次，已召开{k.counted}次" for k, _ in missing)
        facts.append(_Fact(
            Kind.MEETINGS_DUE, pk, f"organisation:{pk}", month_key, f"{name}：{month_text}尚未召开{labels}",
            f"按“三会一课”要求，{lines}。请在月底前召开并及时登记会议记录。",
            reverse("oversight:matrix_cell", args=[pk, today.year, today.month])))
    return facts


# --- re-elections -------------------------------------------------------------------------------

def _reelection_steps(warning: int, limit: dict[str, int]) -> list[int]:
    """Months before a term's end at which secretaries are reminded, most urgent first."""
    later = (limit[ThresholdCode.REELECTION_SECOND_WARNING_MONTHS], limit[ThresholdCode.REELECTION_LAST_WARNING_MONTHS])
    return sorted({m for m in (warning, *later) if 0 < m <= warning})


def _reelection_facts(today: dt.date, recipients: _Recipients, limit: dict[str, int]) -> list[_Fact]:
    warning = elections.warning_months(today)
    steps = _reelection_steps(warning, limit)
    # A step is reached when end − months <= today; month arithmetic clips month ends (31 Aug − 6 months =
    # 28 Feb), so today + months can fall short of such an end by up to three days: look a little further.
    horizon = today + relativedelta(months=max(steps, default=0)) + dt.timedelta(days=3)
    terms = (elections.with_current_term(elections.electing(Organisation.objects.all()))
             .filter(term_ends_on__isnull=False, term_ends_on__lte=horizon)
             .order_by("path").values_list("pk", "term_pk", "term_ends_on"))
    link = reverse("oversight:election_list")
    facts = []
    for pk, term_pk, ends_on in terms:
        name, end_text = recipients.name(pk), _date_text(ends_on)
        if ends_on < today:
            facts.append(_Fact(Kind.REELECTION_DUE, pk, f"term:{term_pk}", f"overdue:{ends_on.isoformat()}",
                               f"{name}：本届任期已于{end_text}届满，尚未换届",
                               "请尽快按《中国共产党基层组织选举工作条例》组织换届选举，并在系统中登记选举结果。", link))
            continue
        # The most urgent step reached: a term found late is told once, not once per step.
        step = next((m for m in steps if today >= ends_on - relativedelta(months=m)), None)
        if step is None:
            continue
        facts.append(_Fact(Kind.REELECTION_DUE, pk, f"term:{term_pk}", f"{step}m:{ends_on.isoformat()}",
                           f"{name}：本届任期将于{end_text}届满（{step}个月内），请做好换届准备",
                           f"本届任期将于{end_text}届满。请按规定提前向上级党组织报告，做好换届选举准备工作。", link))
    return facts


# --- probation ----------------------------------------------------------------------------------

def _probation_days_by_date() -> list[tuple[dt.date, int]]:
    """(effective from, minimum days) of the admission→conversion rule, oldest first (one query)."""
    return list(StageInterval.objects.filter(from_event=MemberEvent.ADMITTED, to_event=MemberEvent.FULL,
                                             min_days__isnull=False)
                .order_by("effective_from", "pk").values_list("effective_from", "min_days"))


def _probation_end(admitted_on: dt.date, rules: list[tuple[dt.date, int]]) -> dt.date:
    # The rule in force on the admission day (dates before the first rule take the first one).
    days = next((d for since, d in reversed(rules) if since <= admitted_on), rules[0][1])
    # The rule counts a year as 365 days; whole years keep the calendar date (10 Dec → 10 Dec) across leap days.
    years, rest = divmod(days, 365)
    return admitted_on + relativedelta(years=years) + dt.timedelta(days=rest)


def _probation_facts(today: dt.date, recipients: _Recipients, limit: dict[str, int]) -> list[_Fact]:
    notice_days = limit[ThresholdCode.PROBATION_NOTICE_DAYS]
    rules = _probation_days_by_date()
    if not rules:
        return []
    longest = max(days for _, days in rules)
    # Bounded in the database to admissions that could end soon; the exact end is computed per member.
    members = (Member.objects.filter(stage=Stage.PROBATIONARY, status=MembershipStatus.ACTIVE,
                                     admitted_on__isnull=False, organisation__status=OrganisationStatus.ACTIVE,
                                     admitted_on__gte=today - dt.timedelta(days=longest + 1),
                                     admitted_on__lte=today + dt.timedelta(days=notice_days))
               .order_by("organisation_id", "name", "pk").values_list("pk", "name", "organisation_id", "admitted_on"))
    facts = []
    for pk, name, organisation_id, admitted_on in members:
        ends_on = _probation_end(admitted_on, rules)
        if not 0 <= (ends_on - today).days <= notice_days:
            continue
        facts.append(_Fact(Kind.PROBATION_ENDING, organisation_id, f"member:{pk}", ends_on.isoformat(),
                           f"预备党员{name}的预备期将于{_date_text(ends_on)}届满",
                           f"{recipients.name(organisation_id)}预备党员{name}于{_date_text(admitted_on)}被接收为预备党员。"
                           "预备期满时请及时召开支部党员大会讨论其能否转为正式党员，并报上级党委审批。",
                           reverse("members:member_detail", args=[pk])))
    return facts


# --- standardisation send-backs -----------------------------------------------------------------

def _returned_facts(events: Iterable[tuple], recipients: _Recipients) -> list[_Fact]:
    facts = []
    for event_pk, review_pk, organisation_id, year, comment in events:
        facts.append(_Fact(Kind.REVIEW_RETURNED, organisation_id, f"review:{review_pk}", f"event:{event_pk}",
                           f"{recipients.name(organisation_id)}{year}年度标准化验收被退回整改",
                           f"审核意见：{comment}\n请按意见整改需整改的项目后重新提交。" if comment
                           else "请按审核意见整改需整改的项目后重新提交。",
                           reverse("oversight:review_detail", args=[review_pk])))
    return facts


_EVENT_FIELDS = ("pk", "review_id", "review__organisation_id", "review__year", "comment")


def _recent_returns(today: dt.date) -> list[tuple]:
    since = local_midnight(today) - RETURNED_LOOKBACK
    # A review already resubmitted needs no reminder of its send-back.
    return list(ReviewEvent.objects.filter(action=ReviewAction.RETURNED, at__gte=since,
                                           review__status=ReviewStatus.RETURNED)
                .order_by("pk").values_list(*_EVENT_FIELDS))


def review_returned_notify(*, event: ReviewEvent) -> int:
    """Tell the secretaries of a send-back at once, from the send-back service. Sent after the transaction
    commits (the daily sweep is the safety net, and its key makes a second telling a no-op)."""
    from notifications.tasks import dispatch_soon

    rows = list(ReviewEvent.objects.filter(pk=event.pk).values_list(*_EVENT_FIELDS))
    recipients = _Recipients.load()
    created = notifications_create(_to_dues(_returned_facts(rows, recipients), recipients))
    dispatch_soon()
    return created


# --- responsibility list ------------------------------------------------------------------------

def _duty_facts(today: dt.date, recipients: _Recipients, limit: dict[str, int]) -> list[_Fact]:
    notice = dt.timedelta(days=limit[ThresholdCode.DUTY_NOTICE_DAYS])
    assignments = (DutyAssignment.objects.filter(status=DutyStatus.OPEN, duty__deadline__gte=today,
                                                 duty__deadline__lte=today + notice,
                                                 organisation__status=OrganisationStatus.ACTIVE)
                   .order_by("duty__deadline", "pk")
                   .values_list("pk", "organisation_id", "duty__title", "duty__deadline"))
    facts = []
    for pk, organisation_id, title, deadline in assignments:
        days = (deadline - today).days
        when = "今天" if days == 0 else f"{days}天后（{deadline.month}月{deadline.day}日）"
        facts.append(_Fact(Kind.DUTY_DUE, organisation_id, f"assignment:{pk}", deadline.isoformat(),
                           f"{recipients.name(organisation_id)}：责任清单事项“{title}”{when}到期",
                           f"完成时限：{_date_text(deadline)}。完成后请报告完成情况并上传佐证材料。",
                           reverse("oversight:duty_report", args=[pk])))
    return facts


# --- the sweep ----------------------------------------------------------------------------------

def secretary_dues(*, today: dt.date) -> list[Due]:
    """Every reminder due to secretaries and their duty robots today (about twenty queries in all)."""
    recipients = _Recipients.load()
    limit = limits(today)
    facts = (_meeting_facts(today, recipients, limit) + _reelection_facts(today, recipients, limit)
             + _probation_facts(today, recipients, limit) + _returned_facts(_recent_returns(today), recipients)
             + _duty_facts(today, recipients, limit))
    return _to_dues(facts, recipients)


# --- the admins' weekly digest ------------------------------------------------------------------

def admin_digest_lines(*, today: dt.date) -> list[str]:
    """What the working committee should look at this week, one Chinese line each; empty when all is well."""
    organisations = Organisation.objects.all()
    lines = []
    window = elections.term_window(today)
    overdue = list(elections.overdue_terms(organisations=organisations, window=window).values_list("name", flat=True))
    if overdue:
        lines.append(f"{len(overdue)} 个党组织换届已逾期：{_names(overdue)}")
    last_month = today.replace(day=1) - dt.timedelta(days=1)
    # Last month's red cells are a fact of the month: told in the month's first weekly digest, not every week.
    first_week = today.day <= 7
    red = compliance.red_cells(organisations=organisations, year=last_month.year, month=last_month.month,
                               today=today) if first_week else []
    if red:  # in the matrix's tree order
        lines.append(f"上月（{last_month.month}月）“三会一课”未落实 {len(red)} 项（红色格）："
                     f"{_names([cell.organisation.display_name for cell in red])}")
    waiting = StandardisationReview.objects.filter(status=ReviewStatus.SUBMITTED).count()
    if waiting:
        lines.append(f"{waiting} 份标准化验收申请待审核")
    late = overdue_assignments(organisations=organisations, today=today).aggregate(
        n=Count("pk"), organisations=Count("organisation", distinct=True))
    if late["n"]:
        lines.append(f"{late['n']} 项责任清单任务已逾期未完成（涉及 {late['organisations']} 个党组织）")
    return lines
