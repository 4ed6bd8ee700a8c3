"""The year plan: proposed activities from the meeting-frequency rules, for a secretary to adjust."""

import datetime as dt

from django.db.models import Count

from branches.models import CommitteePosition, Organisation, PartyGroup
from rules.models import MeetingRequirement, Period, RequiredBody, Threshold, ThresholdCode

from .choices import ActivityKind
from .services import month_day

# Suggested day of month and start time per kind: only a starting point, the secretary edits each row.
SUGGESTED_DAY = {
    ActivityKind.COMMITTEE_MEETING: 5,
    ActivityKind.GROUP_MEETING: 10,
    ActivityKind.THEMED_DAY: 15,
    ActivityKind.GENERAL_MEETING: 20,
    ActivityKind.PARTY_LESSON: 25,
    ActivityKind.ORG_LIFE_MEETING: 10,
    ActivityKind.APPRAISAL_MEETING: 12,
}
SUGGESTED_TIME = dt.time(15, 0)
QUARTER_MONTH = {ActivityKind.GENERAL_MEETING: 2, ActivityKind.PARTY_LESSON: 1}  # offset within the quarter


def requirements_in_force(on: dt.date) -> list[MeetingRequirement]:
    seen, rows = set(), []
    for rule in MeetingRequirement.objects.in_force(on):
        if rule.activity_kind not in seen:
            seen.add(rule.activity_kind)
            rows.append(rule)
    return rows


def has_committee(organisation: Organisation, on: dt.date) -> bool:
    seats = CommitteePosition.objects.current(on).filter(organisation=organisation).count()
    return seats >= Threshold.value_of(ThresholdCode.COMMITTEE_MIN_SIZE, on)


def _months_for(rule: MeetingRequirement, year: int) -> list[int]:
    if rule.months:
        allowed = [int(m) for m in rule.months.split(",") if m.strip()]
        return [max(allowed)] if rule.period == Period.YEAR else allowed
    if rule.period == Period.MONTH:
        return list(range(1, 13))
    if rule.period == Period.QUARTER:
        offset = QUARTER_MONTH.get(rule.activity_kind, 2)
        return [q * 3 + 1 + offset for q in range(4)]
    if rule.period == Period.HALF_YEAR:
        return [6, 12]
    return [12]


def year_plan_proposal(*, organisation: Organisation, year: int, today: dt.date | None = None) -> list[dict]:
    today = today or dt.date.today()
    first_day = dt.date(year, 1, 1)
    committee = has_committee(organisation, first_day if year < today.year else today)
    groups = list(PartyGroup.objects.filter(organisation=organisation).annotate(n=Count("members")))
    rows = []
    for rule in requirements_in_force(first_day):
        if rule.applies_when == RequiredBody.COMMITTEE and not committee:
            continue
        if rule.applies_when == RequiredBody.GROUPS and not groups:
            continue
        kind = ActivityKind(rule.activity_kind)
        for month in _months_for(rule, year):
            day = month_day(year, month, SUGGESTED_DAY.get(kind, 15))
            if day < today:
                continue
            targets = groups if rule.applies_when == RequiredBody.GROUPS else [None]
            for group in targets:
                for _ in range(rule.times):
                    title = f"{month}月{kind.label}" + (f"（{group.name}）" if group else "")
                    rows.append({"kind": kind.value, "kind_label": kind.label, "party_group": group.pk if group else "",
                                 "title": title, "date": day, "start_time": SUGGESTED_TIME, "duration_minutes": 90,
                                 "include": True})
    rows.sort(key=lambda r: (r["date"], r["kind"]))
    return rows
