"""The development limits, judged by the rule in force on the day the event happened (rules.StageInterval).

Each check returns a `Breach` naming the rule (name, source, limit, actual) or None. A breach the rules allow as
an exception (`allowed_with_reason`) stands only when the step carries a reason."""

import datetime as dt
from dataclasses import dataclass

from rules.models import IntervalUnit, MemberEvent, StageInterval


@dataclass(frozen=True)
class Breach:
    name: str
    source: str
    limit: str
    actual: str
    allowed_with_reason: bool = False

    @classmethod
    def of(cls, rule: StageInterval, actual: str, *, allowed_with_reason: bool = False) -> "Breach":
        return cls(rule.name, rule.source, rule.limit_text(), actual, allowed_with_reason)

    @property
    def message(self) -> str:
        text = f"不符合“{self.name}”（依据：{self.source}）：规定{self.limit}，实际{self.actual}。"
        if self.allowed_with_reason:
            text += "如确有特殊情况，请填写“超出时限的理由”后再提交。"
        return text


def _day(value: dt.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def _actual(rule: StageInterval, start: dt.date, end: dt.date) -> str:
    days = (end - start).days
    span = f"{_day(start)}至{_day(end)}"
    if rule.unit == IntervalUnit.DAY:
        return f"{span}相隔 {days} 天"
    if rule.unit == IntervalUnit.WORKING_DAY:
        return f"{span}共 {rule.measure(start, end)} 个工作日"
    return f"{span}相隔 {days} 天（约 {rule.measure(start, end)} {rule.get_unit_display()}）"


def interval_breach(from_event: str, to_event: str, start: dt.date | None, end: dt.date | None,
                    *, reason: str = "") -> Breach | None:
    """Between two events' dates; the rule is the one in force on the later event's date."""
    if start is None or end is None:
        return None
    for rule in StageInterval.rules_for(from_event, to_event, end):
        if rule.too_short(start, end):
            return Breach.of(rule, _actual(rule, start, end))
        if rule.too_long_even_with_reason(start, end):
            return Breach.of(rule, _actual(rule, start, end))
        if rule.too_long(start, end) and not reason.strip():
            return Breach.of(rule, _actual(rule, start, end), allowed_with_reason=True)
    return None


def training_breach(*, on: dt.date, days: int | None, hours: int | None) -> Breach | None:
    """集中培训: any one of the rows in force (at least 3 days, or at least 24 hours) suffices."""
    rules = sorted(StageInterval.rules_for(MemberEvent.TRAINING, MemberEvent.TRAINING, on),
                   key=lambda rule: rule.unit != IntervalUnit.DAY)
    if not rules:
        return None
    recorded = {IntervalUnit.DAY: days, IntervalUnit.HOUR: hours}
    if any(recorded.get(rule.unit) is not None and not rule.amount_breaks(recorded[rule.unit]) for rule in rules):
        return None
    actual = "、".join(f"{value} {unit.label}" for unit, value in recorded.items() if value is not None) or "未填写"
    return Breach("、".join(rule.name for rule in rules), "；".join(sorted({rule.source for rule in rules})),
                  "或".join(rule.limit_text() for rule in rules) + "（满足其一即可）", actual)


def extension_breach(*, on: dt.date, months: int | None, earlier_extensions: int) -> Breach | None:
    """延长预备期: its length in months and how often it may happen (rules in force on the decision's date)."""
    for rule in StageInterval.rules_for(MemberEvent.EXTENSION, MemberEvent.EXTENSION, on):
        if months is None or rule.amount_breaks(months):
            return Breach.of(rule, f"延长 {months if months is not None else '（未填写）'} 个月")
        if rule.max_times is not None and earlier_extensions >= rule.max_times:
            return Breach.of(rule, f"此前已延长 {earlier_extensions} 次")
    return None


def probation_days(admitted_on: dt.date) -> tuple[int, StageInterval | None]:
    """The probation's length in days by the rule in force on the admission day (the branch meeting)."""
    rules = [r for r in StageInterval.rules_for(MemberEvent.ADMITTED, MemberEvent.FULL, admitted_on)
             if r.min_days is not None]
    if not rules:
        return 365, None
    rule = rules[0]
    days = rule.min_days if rule.unit == IntervalUnit.DAY else rule.min_days * 365
    return days, rule
