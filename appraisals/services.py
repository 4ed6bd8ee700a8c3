"""Writes for the democratic appraisal: start it at the year's 组织生活会, grade, submit, confirm or return.

The one-third rule for 优秀 is a `rules.Threshold` (APPRAISAL_EXCELLENT_DIVISOR: 优秀 at most 1/N of those
graded), judged on the meeting's date; a grading that breaks it is refused whole, with the numbers."""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from activities.choices import ActivityKind, ActivityStatus
from activities.models import Activity
from branches.models import Organisation
from members.choices import Stage
from members.models import Member
from rules.models import Threshold, ThresholdCode

from .choices import AppraisalStatus, Grade
from .models import Appraisal, AppraisalEntry

FALLBACK_DIVISOR = 3


def excellent_divisor(on) -> int:
    try:
        return Threshold.value_of(ThresholdCode.APPRAISAL_EXCELLENT_DIVISOR, on)
    except LookupError:
        return FALLBACK_DIVISOR


def meeting_day(meeting: Activity):
    return timezone.localtime(meeting.actual_start or meeting.planned_start).date()


@transaction.atomic
def appraisal_start(*, organisation: Organisation, meeting: Activity, by) -> Appraisal:
    """The appraisal of the meeting's year, with every full and probationary member of the organisation then."""
    if meeting.kind != ActivityKind.ORG_LIFE_MEETING or meeting.organisation_id != organisation.pk:
        raise ValidationError({"meeting": "请选择本组织的组织生活会。"})
    if meeting.status == ActivityStatus.CANCELLED:
        raise ValidationError({"meeting": "该组织生活会已取消。"})
    year = meeting_day(meeting).year
    if Appraisal.objects.filter(organisation=organisation, year=year).exists():
        raise ValidationError({"meeting": f"本组织{year}年度的民主评议已经开始，不能重复开展。"})
    appraisal = Appraisal(organisation=organisation, year=year, meeting=meeting, created_by=by)
    appraisal.full_clean()
    appraisal.save()
    members = Member.objects.party_members().filter(organisation=organisation).order_by("name", "pk")
    bulk_create_with_history([AppraisalEntry(appraisal=appraisal, member=m, stage=m.stage,
                                             graded=m.stage == Stage.FULL) for m in members],
                             AppraisalEntry, default_user=by)
    return appraisal


def _check_excellent_share(appraisal: Appraisal, entries: list[AppraisalEntry]) -> None:
    graded = sum(1 for e in entries if e.graded)
    excellent = sum(1 for e in entries if e.grade == Grade.EXCELLENT)
    divisor = excellent_divisor(meeting_day(appraisal.meeting))
    if excellent * divisor > graded:
        allowed = graded // divisor
        raise ValidationError(
            f"评为“优秀”的有 {excellent} 人，参评（评定等次）的正式党员 {graded} 人，"
            f"“优秀”不得超过{divisor}分之一，即至多 {allowed} 人。", code="too_many_excellent")


@transaction.atomic
def appraisal_grade(*, appraisal: Appraisal, grades: Mapping[int, dict], by) -> list[AppraisalEntry]:
    """Grades for members (member pk → {"grade", "follow_up", "follow_up_note"}), saved together or not at all."""
    appraisal = Appraisal.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=appraisal.pk)
    if appraisal.status != AppraisalStatus.DRAFT:
        raise ValidationError(f"该评议已经“{appraisal.get_status_display()}”，不能再修改等次。")
    entries = list(appraisal.entries.select_related("member"))
    by_member = {e.member_id: e for e in entries}
    changed = []
    for member_id, values in grades.items():
        entry = by_member.get(member_id)
        if entry is None:
            raise ValidationError("该党员不在本次评议名单中。")
        grade = values.get("grade", "")
        if grade and not entry.graded:
            raise ValidationError(f"{entry.member.name}是预备党员，参加评议但不评定等次。", code="probationary")
        entry.grade = grade
        entry.follow_up = values.get("follow_up", "")
        entry.follow_up_note = values.get("follow_up_note", "")
        try:
            entry.full_clean(exclude=["appraisal", "member"])
        except ValidationError as error:
            raise ValidationError(f"{entry.member.name}：" + "；".join(error.messages))
        changed.append(entry)
    _check_excellent_share(appraisal, entries)
    for entry in changed:
        entry._history_user = by
        entry.save()
    return entries


@transaction.atomic
def appraisal_submit(*, appraisal: Appraisal, by) -> Appraisal:
    missing = appraisal.entries.filter(graded=True, grade="").count()
    if missing:
        raise ValidationError(f"还有 {missing} 名正式党员没有评定等次，不能上报。")
    _check_excellent_share(appraisal, list(appraisal.entries.all()))
    appraisal.move_to(AppraisalStatus.SUBMITTED, by=by)
    appraisal.submitted_at = timezone.now()
    appraisal._history_user = by
    appraisal.save()
    return appraisal


@transaction.atomic
def appraisal_decide(*, appraisal: Appraisal, target: str, comment: str = "", by) -> Appraisal:
    """The superior committee (or the working committee) confirms the result, or returns it with a reason."""
    if target == AppraisalStatus.DRAFT and not comment.strip():
        raise ValidationError("退回修改须说明理由。")
    appraisal.move_to(target, by=by, comment=comment)
    appraisal._history_user = by
    appraisal.save()
    return appraisal
