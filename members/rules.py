"""Checks of a member's dates against the rule tables (rules.models)."""

import contextvars
import datetime as dt
from contextlib import contextmanager

from django.core.exceptions import ValidationError

from rules.models import MemberEvent, StageInterval, Threshold, ThresholdCode

from .choices import Stage

# The order in which a member's dates must fall.
DATE_ORDER = ["applied_on", "activist_on", "candidate_on", "admitted_on", "full_on"]
REQUIRED_DATES = {
    Stage.APPLICANT: ["applied_on"],
    Stage.ACTIVIST: ["activist_on"],
    Stage.CANDIDATE: ["candidate_on"],
    Stage.PROBATIONARY: ["admitted_on"],
    Stage.FULL: ["admitted_on", "full_on"],
}
# Dates that belong to a later stage than the member's own must be empty.
LATER_DATES = {
    Stage.APPLICANT: ["activist_on", "candidate_on", "admitted_on", "full_on"],
    Stage.ACTIVIST: ["candidate_on", "admitted_on", "full_on"],
    Stage.CANDIDATE: ["admitted_on", "full_on"],
    Stage.PROBATIONARY: ["full_on"],
    Stage.FULL: [],
}


# Inside `rules_read_once()` each rule is read from the database once (a bulk import judges thousands of members).
_memo: contextvars.ContextVar[dict | None] = contextvars.ContextVar("member_rules_memo", default=None)


@contextmanager
def rules_read_once():
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def _remembered(key, compute):
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def member_date_errors(member, *, today: dt.date | None = None) -> dict[str, list[str]]:
    """Field → Chinese messages. Empty when the dates make sense."""
    today = today or dt.date.today()
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    labels = {f.name: f.verbose_name for f in member._meta.fields}
    dates = {name: getattr(member, name) for name in ["birth_date", *DATE_ORDER]}

    for name, value in dates.items():
        if value and value > today:
            add(name, f"{labels[name]}不能晚于今天。")

    birth = dates["birth_date"]
    if birth and member.id_number and len(member.id_number) == 18:
        id_birth = member.id_number[6:14]
        if birth.strftime("%Y%m%d") != id_birth:
            add("birth_date", "出生日期与公民身份号码中的出生日期不一致。")

    previous = None
    for name in DATE_ORDER:
        value = dates[name]
        if value is None:
            continue
        if previous and value < dates[previous]:
            add(name, f"{labels[name]}不能早于{labels[previous]}。")
        previous = name

    if member.stage:
        for name in REQUIRED_DATES.get(member.stage, []):
            if not dates[name]:
                add(name, f"{Stage(member.stage).label}须填写{labels[name]}。")
        for name in LATER_DATES.get(member.stage, []):
            if dates[name]:
                add(name, f"发展阶段为“{Stage(member.stage).label}”时不应填写{labels[name]}。")

    applied = dates["applied_on"]
    if birth and applied:
        min_age = _remembered(("min_age", applied),
                              lambda: Threshold.value_of(ThresholdCode.APPLICANT_MIN_AGE, applied))
        age = applied.year - birth.year - ((applied.month, applied.day) < (birth.month, birth.day))
        if age < min_age:
            add("applied_on", f"递交入党申请时须年满 {min_age} 周岁。")

    for rule in _intervals_for(member):
        start, end = getattr(member, rule.from_event, None), getattr(member, rule.to_event, None)
        if not start or not end:
            continue
        if rule.too_short(start, end):
            add(rule.to_event, f"{rule.name}：两者至少相隔 {rule.min_days} {rule.get_unit_display()}（依据：{rule.source}）。")
        # An approval past the plain limit may stand with a reason (recorded with the development step).
        if rule.too_long_even_with_reason(start, end):
            add(rule.to_event, f"{rule.name}：两者至多相隔 {rule.max_with_reason or rule.max_days} "
                               f"{rule.get_unit_display()}（依据：{rule.source}）。")
    return errors


def _intervals_for(member) -> list[StageInterval]:
    """Each interval between two of the member's own dates, judged by the rule in force on the later date
    (the day the event happened), so a rule changed later never re-judges an old record."""
    fields = frozenset({f.name for f in member._meta.fields} & set(MemberEvent.values))
    pairs = _remembered(("interval pairs", fields), lambda: list(
        StageInterval.objects.filter(from_event__in=fields, to_event__in=fields).exclude(from_event="birth_date")
        .values_list("from_event", "to_event").distinct()))
    rules = []
    for start_field, end_field in pairs:
        if start_field == end_field:
            continue
        end = getattr(member, end_field, None)
        if end is None or getattr(member, start_field, None) is None:
            continue
        rules += _remembered(("interval", start_field, end_field, end),
                             lambda: StageInterval.rules_for(start_field, end_field, end))  # noqa: B023 - used at once
    return rules


def raise_for_dates(member) -> None:
    errors = member_date_errors(member)
    if errors:
        raise ValidationError(errors)
