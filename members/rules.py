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

    for rule in _remembered(("intervals", today), lambda: _intervals_in_force(today)):
        start, end = getattr(member, rule.from_event, None), getattr(member, rule.to_event, None)
        if not start or not end:
            continue
        days = (end - start).days
        if rule.min_days is not None and days < rule.min_days:
            add(rule.to_event, f"{rule.name}：两者至少相隔 {rule.min_days} 天（依据：{rule.source}）。")
        if rule.max_days is not None and days > rule.max_days:
            add(rule.to_event, f"{rule.name}：两者至多相隔 {rule.max_days} 天（依据：{rule.source}）。")
    return errors


def _intervals_in_force(on: dt.date) -> list[StageInterval]:
    fields = {choice for choice in MemberEvent.values}
    seen, rules = set(), []
    for rule in StageInterval.objects.in_force(on):
        key = (rule.from_event, rule.to_event)
        if key not in seen and rule.from_event in fields and rule.to_event in fields:
            seen.add(key)
            rules.append(rule)
    return rules


def raise_for_dates(member) -> None:
    errors = member_date_errors(member)
    if errors:
        raise ValidationError(errors)
