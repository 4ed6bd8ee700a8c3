"""Writes of the development work. Every step is checked against the order of the 25 steps and the rule rows
in force on its date; the person's stage and dates on members.Member are recomputed in the same transaction."""

import datetime as dt
import io
import os
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from core.files import photo_prepare, removed_on_failure
from members import services as member_services
from members.choices import MembershipStatus, Stage
from members.models import Member
from rules.models import MemberEvent

from . import limits
from .choices import Outcome, People, StepStatus
from .models import DevelopmentPlan, DevelopmentRecord, DevelopmentStep, StepAttachment, StepDefinition, probation_end

# A step may be recorded once the steps it follows are done (approval steps: approved).
PREREQUISITES = {
    2: [1], 3: [1], 4: [3], 5: [3], 6: [3], 7: [3], 8: [7], 9: [7], 10: [7], 11: [7],
    12: [9, 10, 11], 13: [12], 14: [13], 15: [14], 16: [15], 17: [15, 16], 18: [17],
    19: [17], 20: [17], 21: [17], 22: [17], 23: [22], 24: [23], 25: [24],
}
# The conversion steps are taken again after an extension of probation (a new round).
CONVERSION_STEPS = {22, 23, 24}
PDF_MAGIC = b"%PDF-"
MAX_ATTACHMENTS = 10


@dataclass
class StepData:
    date: dt.date
    end_date: dt.date | None = None
    people: list[Member] = field(default_factory=list)
    votes_for: int | None = None
    votes_against: int | None = None
    votes_abstain: int | None = None
    voters_entitled: int | None = None
    training_days: int | None = None
    training_hours: int | None = None
    outcome: str = ""
    extension_months: int | None = None
    note: str = ""
    reason: str = ""

    FIELDS = ("date", "end_date", "votes_for", "votes_against", "votes_abstain", "voters_entitled",
              "training_days", "training_hours", "outcome", "extension_months", "note", "reason")

    @classmethod
    def from_cleaned(cls, data: dict) -> "StepData":
        values = {name: data.get(name) for name in cls.FIELDS if name in data}
        for text in ("outcome", "note", "reason"):
            values[text] = values.get(text) or ""
        return cls(people=list(data.get("people") or []), **values)


# --- reading a record's state (used by the checks, the timeline and the lists) ---------------------------------

class RecordState:
    """The recorded steps of one record, grouped by step number (one query)."""

    def __init__(self, record: DevelopmentRecord, steps=None):
        self.record = record
        if steps is None:
            steps = record.steps.select_related("definition").order_by("definition__number", "round", "pk")
        self.by_number: dict[int, list[DevelopmentStep]] = {}
        for step in steps:
            self.by_number.setdefault(step.definition.number, []).append(step)

    def latest(self, number: int) -> DevelopmentStep | None:
        steps = self.by_number.get(number)
        return steps[-1] if steps else None

    def done(self, number: int, round: int | None = None) -> DevelopmentStep | None:
        for step in reversed(self.by_number.get(number, [])):
            if (round is None or step.round == round) and step.counts:
                return step
        return None

    def date_of(self, number: int) -> dt.date | None:
        step = self.done(number)
        return step.date if step else None

    def extensions(self) -> list[DevelopmentStep]:
        return [s for s in self.by_number.get(24, []) if s.counts and s.outcome == Outcome.EXTENDED]

    @property
    def conversion_round(self) -> int:
        return 1 + len(self.extensions())

    def probation(self) -> tuple[dt.date | None, object]:
        """(end of probation, the rule) from the branch meeting's date, the rule then in force, extensions."""
        admitted = self.date_of(15)
        if admitted is None:
            return None, None
        days, rule = limits.probation_days(admitted)
        months = sum(s.extension_months or 0 for s in self.extensions())
        return probation_end(admitted, days, months), rule

    def round_for(self, number: int, definition: StepDefinition) -> int:
        if number in CONVERSION_STEPS:
            return self.conversion_round
        if definition.repeatable:
            return len(self.by_number.get(number, [])) + 1
        return 1


def _day(value: dt.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


# --- checks ---------------------------------------------------------------------------------------------------

def _check(record: DevelopmentRecord, definition: StepDefinition, round: int, data: StepData,
           state: RecordState, *, editing: DevelopmentStep | None = None) -> None:
    errors: dict[str, list[str]] = {}

    def add(name, message):
        errors.setdefault(name, []).append(message)

    number = definition.number
    today = timezone.localdate()
    if data.date is None:
        raise ValidationError({"date": "请填写日期。"})
    if data.date > today:
        add("date", "日期不能晚于今天。")
    if editing is None:
        existing = [s for s in state.by_number.get(number, []) if s.round == round]
        if existing and not definition.repeatable:
            raise ValidationError(f"第{number}步“{definition.name}”已经记录，请在原记录上修改。")
    for required in PREREQUISITES.get(number, []):
        needed_round = round if (required in CONVERSION_STEPS and number in CONVERSION_STEPS) else None
        before = state.done(required, needed_round)
        if before is None:
            previous = StepDefinition.objects.get(number=required)
            waiting = "（须经上级党委批准）" if previous.needs_approval else ""
            raise ValidationError(f"请先完成第{required}步“{previous.name}”{waiting}。")
        if before.date and data.date < before.date:
            add("date", f"日期不能早于第{required}步“{before.definition.name}”的日期（{_day(before.date)}）。")
    if number == 25:
        conversion = state.done(24)
        if conversion is None or conversion.outcome != Outcome.CONVERTED:
            raise ValidationError("转正经上级党委批准后，方可将材料归档。")

    # People: 培养联系人 one or two full members; exactly two 入党介绍人, full members.
    if definition.people:
        people = data.people
        label = People(definition.people).label
        if any(p.pk == record.member_id for p in people):
            add("people", f"{label}不能是本人。")
        if any(p.stage != Stage.FULL or p.status != MembershipStatus.ACTIVE for p in people):
            add("people", f"{label}须为在册的正式党员。")
        if definition.people == People.INTRODUCERS and len(people) != definition.people_count:
            add("people", f"须确定 {definition.people_count} 名{label}，当前选择了 {len(people)} 名。")
        if definition.people == People.CONTACTS and not 1 <= len(people) <= definition.people_count:
            add("people", f"须指定 1 至 {definition.people_count} 名{label}。")
    if definition.needs_votes:
        if data.votes_for is None:
            add("votes_for", "请填写赞成票数。")
        total = sum(v or 0 for v in (data.votes_for, data.votes_against, data.votes_abstain))
        if data.voters_entitled is not None and total > data.voters_entitled:
            add("voters_entitled", f"赞成、反对、弃权票合计 {total} 票，超过有表决权的正式党员数 {data.voters_entitled}。")
    if definition.needs_range and data.end_date is None:
        add("end_date", "请填写公示结束日期。")
    if definition.needs_outcome and not data.outcome:
        add("outcome", "请选择审批结果。")
    if errors:
        raise ValidationError(errors)

    # The rule rows, each judged by the rule in force on the event's date.
    breach = None
    member = record.member
    if definition.event == MemberEvent.APPLIED:
        breach = limits.interval_breach(MemberEvent.BIRTH, MemberEvent.APPLIED, member.birth_date, data.date)
    elif definition.event == MemberEvent.TALKED:
        breach = limits.interval_breach(MemberEvent.APPLIED, MemberEvent.TALKED, state.date_of(1), data.date)
    elif definition.event == MemberEvent.CANDIDATE:
        breach = limits.interval_breach(MemberEvent.ACTIVIST, MemberEvent.CANDIDATE, state.date_of(3), data.date)
    elif definition.needs_training:
        breach = limits.training_breach(on=data.date, days=data.training_days, hours=data.training_hours)
    if breach is None and definition.needs_range and number == 12:
        breach = limits.interval_breach(MemberEvent.PUBLICITY_FROM, MemberEvent.PUBLICITY_TO, data.date,
                                        data.end_date)
    if definition.event == MemberEvent.ADMITTED:
        publicity = state.done(12)
        if publicity and publicity.end_date and data.date <= publicity.end_date:
            raise ValidationError({"date": f"支部大会须在公示期结束（{_day(publicity.end_date)}）后召开。"})
    if definition.event == MemberEvent.CONVERSION_MEETING:
        ends, rule = state.probation()
        if ends and data.date < ends:
            source = f"（依据：{rule.source}）" if rule else ""
            raise ValidationError({"date": f"预备期至{_day(ends)}届满{source}，支部大会须在预备期满后讨论转正；"
                                           f"所填日期为{_day(data.date)}。"})
    if definition.needs_outcome and data.outcome == Outcome.EXTENDED:
        earlier = [s for s in state.extensions() if editing is None or s.pk != editing.pk]
        breach = breach or limits.extension_breach(on=data.date, months=data.extension_months,
                                                   earlier_extensions=len(earlier))
    if breach is not None:
        raise ValidationError(breach.message, code="rule")


def _decision_breach(step: DevelopmentStep, state: RecordState, approved_on: dt.date, reason: str):
    event = step.definition.event
    if event == MemberEvent.APPROVED:
        return limits.interval_breach(MemberEvent.ADMITTED, MemberEvent.APPROVED, state.date_of(15), approved_on,
                                      reason=reason)
    if event == MemberEvent.CONVERSION_APPROVED:
        meeting = state.done(23, step.round)
        return limits.interval_breach(MemberEvent.CONVERSION_MEETING, MemberEvent.CONVERSION_APPROVED,
                                      meeting.date if meeting else None, approved_on, reason=reason)
    return None


# --- attachments ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PreparedAttachment:
    name: str
    extension: str
    content_type: str
    content: bytes


def attachments_prepare(uploads) -> list[PreparedAttachment]:
    """Scans and photos through core.files (re-encoded, no metadata); PDFs must parse. All or none."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    uploads = [u for u in uploads or [] if u]
    if len(uploads) > MAX_ATTACHMENTS:
        raise ValidationError(f"一次最多上传 {MAX_ATTACHMENTS} 个文件。")
    prepared, errors = [], []
    for upload in uploads:
        name = os.path.basename(getattr(upload, "name", "") or "")[:80] or "未命名文件"
        upload.seek(0)
        head = upload.read(8)
        upload.seek(0)
        if head.startswith(PDF_MAGIC):
            content = upload.read()
            try:
                reader = PdfReader(io.BytesIO(content))
                if reader.is_encrypted or not len(reader.pages):
                    raise PdfReadError("empty or encrypted")
            except Exception:  # noqa: BLE001 - any parse failure means the file is refused
                errors.append(f"“{name}”不是可读取的 PDF 文件（不能加密，至少一页）。")
                continue
            prepared.append(PreparedAttachment(name, "pdf", "application/pdf", content))
            continue
        try:
            image = photo_prepare(upload, thumbnail=False)
        except ValidationError as error:
            errors.extend(error.messages)
            continue
        content_type = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}[image.extension]
        prepared.append(PreparedAttachment(name, image.extension, content_type, image.content))
    if errors:
        raise ValidationError({"attachments": errors})
    return prepared


def _store_attachments(step: DevelopmentStep, prepared: list[PreparedAttachment], written: list[str]) -> None:
    for item in prepared:
        attachment = StepAttachment(step=step, extension=item.extension, content_type=item.content_type,
                                    original_name=item.name)
        attachment.file.save(f"x.{item.extension}", ContentFile(item.content), save=False)
        written.append(attachment.file.name)
        attachment.save()


# --- writes ---------------------------------------------------------------------------------------------------

def _apply(step: DevelopmentStep, data: StepData) -> None:
    for name in StepData.FIELDS:
        setattr(step, name, getattr(data, name))
    if not step.definition.needs_outcome or step.outcome != Outcome.EXTENDED:
        step.extension_months = None


def step_record(*, record: DevelopmentRecord, definition: StepDefinition, data: StepData, by,
                attachments=()) -> DevelopmentStep:
    """Record one step (approval steps go straight to the superior committee)."""
    prepared = attachments_prepare(attachments)
    with removed_on_failure() as written, transaction.atomic():
        record = DevelopmentRecord.objects.select_for_update(of=("self",)).select_related("member").get(pk=record.pk)
        state = RecordState(record)
        round = state.round_for(definition.number, definition)
        _check(record, definition, round, data, state)
        step = DevelopmentStep(record=record, definition=definition, round=round, recorded_by=by)
        _apply(step, data)
        if definition.needs_approval:
            step.move_to(StepStatus.SUBMITTED, by=by)
        step.full_clean()
        step.save()
        step.people.set(data.people)
        _store_attachments(step, prepared, written)
        record_recompute(record=record, by=by)
    return step


def step_update(*, step: DevelopmentStep, data: StepData, by, attachments=()) -> DevelopmentStep:
    """Correct a recorded or returned step; a returned one goes back to the superior committee."""
    prepared = attachments_prepare(attachments)
    with removed_on_failure() as written, transaction.atomic():
        step = DevelopmentStep.objects.select_for_update(of=("self",)).select_related("definition", "record__member").get(
            pk=step.pk)
        if step.status == StepStatus.APPROVED:
            raise ValidationError("上级党委已批准的步骤不能再修改。")
        if step.status == StepStatus.SUBMITTED:
            raise ValidationError("该步骤已报上级党委，审批期间不能修改。")
        state = RecordState(step.record)
        _check(step.record, step.definition, step.round, data, state, editing=step)
        _apply(step, data)
        if step.status == StepStatus.RETURNED:
            step.move_to(StepStatus.SUBMITTED, by=by)
        step.full_clean()
        step.save()
        step.people.set(data.people)
        _store_attachments(step, prepared, written)
        record_recompute(record=step.record, by=by)
    return step


@transaction.atomic
def step_decide(*, step: DevelopmentStep, by, approve: bool, approved_on: dt.date | None = None,
                comment: str = "", reason: str = "") -> DevelopmentStep:
    """The superior committee approves (on a date, checked against the limit then in force) or returns a step."""
    step = DevelopmentStep.objects.select_for_update(of=("self",)).select_related("definition", "record__member").get(pk=step.pk)
    if not approve:
        if not comment.strip():
            raise ValidationError({"comment": "退回时请写明意见，便于支部修改。"})
        step.move_to(StepStatus.RETURNED, by=by, comment=comment)
        step.full_clean()
        step.save()
        return step
    approved_on = approved_on or timezone.localdate()
    if approved_on < step.date:
        raise ValidationError({"approved_on": f"批准日期不能早于报送日期（{_day(step.date)}）。"})
    if approved_on > timezone.localdate():
        raise ValidationError({"approved_on": "批准日期不能晚于今天。"})
    state = RecordState(step.record)
    breach = _decision_breach(step, state, approved_on, reason)
    if breach is not None:
        raise ValidationError(breach.message, code="rule")
    step.move_to(StepStatus.APPROVED, by=by, comment=comment)
    step.approved_on = approved_on
    if reason.strip():
        step.reason = reason.strip()
    step.full_clean()
    step.save()
    record_recompute(record=step.record, by=by)
    return step


def record_recompute(*, record: DevelopmentRecord, by) -> Member:
    """The person's stage and stage dates, derived from the steps that count (the same transaction)."""
    state = RecordState(record)
    member = Member.objects.select_for_update().get(pk=record.member_id)
    before = (member.stage, member.applied_on, member.activist_on, member.candidate_on, member.admitted_on,
              member.full_on, member.status)
    conversion = state.done(24)
    stage = None
    full_on = None
    if conversion and conversion.outcome == Outcome.CONVERTED:
        stage = Stage.FULL
        full_on = state.probation()[0]
    elif state.done(17):
        stage = Stage.PROBATIONARY
    elif state.done(7):
        stage = Stage.CANDIDATE
    elif state.done(3):
        stage = Stage.ACTIVIST
    elif state.done(1):
        stage = Stage.APPLICANT
    if stage is not None:
        member.stage = stage
        member.applied_on = state.date_of(1) or member.applied_on
        member.activist_on = state.date_of(3) if stage != Stage.APPLICANT else None
        member.candidate_on = state.date_of(7) if stage not in (Stage.APPLICANT, Stage.ACTIVIST) else None
        member.admitted_on = state.date_of(15) if stage in (Stage.PROBATIONARY, Stage.FULL) else None
        member.full_on = full_on
    cancelled = conversion.approved_on if conversion and conversion.outcome == Outcome.CANCELLED else None
    if cancelled and member.status == MembershipStatus.ACTIVE:
        # 取消预备党员资格: the person leaves the register; the record stays.
        member.status = MembershipStatus.EXPELLED
        member.left_on = cancelled
    after = (member.stage, member.applied_on, member.activist_on, member.candidate_on, member.admitted_on,
             member.full_on, member.status)
    if after != before:
        member_services.member_update(member=member, by=by, changed=["发展阶段及日期（由发展党员步骤计算）"])
    archived = state.date_of(25)
    if (record.archived_on, record.cancelled_on) != (archived, cancelled):
        record.archived_on, record.cancelled_on = archived, cancelled
        record.save(update_fields=["archived_on", "cancelled_on"])
    return member


# The dates an existing register already holds, as the steps they stand for (imported, not re-judged).
_IMPORTS = [(1, "applied_on"), (3, "activist_on"), (7, "candidate_on"), (15, "admitted_on")]


@transaction.atomic
def record_open(*, member: Member, by) -> DevelopmentRecord:
    """Open the development record of someone already on the register (an applicant, activist, candidate or
    probationary member); the dates already recorded become imported steps, so the stage stays as it was."""
    if DevelopmentRecord.objects.filter(member=member).exists():
        raise ValidationError("该人员已有发展档案。")
    if member.stage == Stage.FULL:
        raise ValidationError("正式党员无需建立发展档案。")
    if member.status != MembershipStatus.ACTIVE:
        raise ValidationError("该人员不在册，不能建立发展档案。")
    record = DevelopmentRecord(member=member, opened_by=by, opened_on=timezone.localdate())
    record.full_clean()
    record.save()
    definitions = {d.number: d for d in StepDefinition.objects.all()}
    for number, name in _IMPORTS:
        day = getattr(member, name)
        if day is None:
            continue
        step = DevelopmentStep(record=record, definition=definitions[number], date=day, imported=True,
                               recorded_by=by, note="由原有登记日期导入")
        step.save()
    if member.stage == Stage.PROBATIONARY and member.admitted_on:
        DevelopmentStep.objects.create(
            record=record, definition=definitions[17], date=member.admitted_on, approved_on=member.admitted_on,
            status=StepStatus.APPROVED, imported=True, recorded_by=by, decided_by=by, decided_at=timezone.now(),
            note="由原有登记导入（原登记未记录审批日期，以支部大会日期代替）")
    record_recompute(record=record, by=by)
    return record


def applicant_register(*, by, organisation, data: dict, applied_on: dt.date, note: str = "",
                       attachments=()) -> DevelopmentRecord:
    """A new applicant: the person on the register (stage 入党申请人), their record and step 1, all or nothing."""
    breach = limits.interval_breach(MemberEvent.BIRTH, MemberEvent.APPLIED, data.get("birth_date"), applied_on)
    if breach is not None:
        raise ValidationError({"applied_on": breach.message})
    with transaction.atomic():
        member = member_services.member_create(by=by, organisation=organisation, stage=Stage.APPLICANT,
                                               applied_on=applied_on, **data)
        record = DevelopmentRecord(member=member, opened_by=by, opened_on=timezone.localdate())
        record.full_clean()
        record.save()
        step_record(record=record, definition=StepDefinition.objects.get(number=1),
                    data=StepData(date=applied_on, note=note), by=by, attachments=attachments)
    return record


@transaction.atomic
def plan_set(*, organisation, year: int, planned: int, by) -> DevelopmentPlan:
    plan = DevelopmentPlan.objects.select_for_update().filter(organisation=organisation, year=year).first()
    plan = plan or DevelopmentPlan(organisation=organisation, year=year, planned=planned)
    plan.planned = planned
    plan.full_clean()
    plan.save()
    return plan
