"""Word documents filled from the recorded steps (docxtpl), rendered in memory.

Templates ship in development/docx_templates/<KIND>.docx (built by docx_templates/build.py); an admin replaces
one by uploading a .docx as a DocumentTemplate of that kind. Placeholders are plain Jinja names
(`{{ name }}`, `{{ step_date }}` …, listed in PLACEHOLDERS). A template naming a placeholder we do not fill is
refused with a Chinese error before anything is rendered, and rendering runs with StrictUndefined: a document
is whole or not produced at all."""

import datetime as dt
import io
from pathlib import Path

import jinja2
from django.core.exceptions import ValidationError
from django.utils import timezone
from docxtpl import DocxTemplate

from .choices import DocumentKind, Outcome
from .models import DevelopmentStep, DocumentTemplate
from .services import RecordState

TEMPLATE_DIR = Path(__file__).resolve().parent / "docx_templates"

PLACEHOLDERS = {
    "name": "姓名", "gender": "性别", "birth_date": "出生日期", "ethnicity": "民族", "education": "学历",
    "job_title": "职务/岗位", "organisation": "党支部", "superior": "上级党委", "applied_on": "递交入党申请书日期",
    "activist_on": "确定为入党积极分子日期", "candidate_on": "确定为发展对象日期", "admitted_on": "支部大会接收日期",
    "step_name": "步骤名称", "step_number": "步骤序号", "step_date": "步骤日期", "end_date": "截止日期",
    "people": "本步骤涉及的人员", "contacts": "培养联系人", "introducers": "入党介绍人", "votes_for": "赞成票", "votes_against": "反对票", "votes_abstain": "弃权票",
    "voters_entitled": "有表决权的正式党员数", "training_days": "培训天数", "training_hours": "培训学时",
    "extension_months": "延长预备期月数", "probation_end": "预备期届满日期", "outcome": "审批结果",
    "note": "情况记录", "today": "制发日期",
}


def _day(value: dt.date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def _names(step: DevelopmentStep | None) -> str:
    return "、".join(p.name for p in step.people.all()) if step else ""


def document_available(step: DevelopmentStep) -> bool:
    kind = step.definition.document
    if not kind:
        return False
    return kind != DocumentKind.EXTENSION_DECISION or step.outcome == Outcome.EXTENDED


def context_for(step: DevelopmentStep) -> dict[str, str]:
    record = step.record
    member = record.member
    state = RecordState(record)
    superior = member.organisation.parent

    def number(value) -> str:
        return "" if value is None else str(value)

    return {
        "name": member.name, "gender": member.get_gender_display(), "birth_date": _day(member.birth_date),
        "ethnicity": member.ethnicity, "education": member.get_education_display(), "job_title": member.job_title,
        "organisation": member.organisation.name, "superior": superior.name if superior else "",
        "applied_on": _day(state.date_of(1)), "activist_on": _day(state.date_of(3)),
        "candidate_on": _day(state.date_of(7)), "admitted_on": _day(state.date_of(15)),
        "step_name": step.definition.name, "step_number": str(step.definition.number), "step_date": _day(step.date),
        "end_date": _day(step.end_date), "people": "、".join(p.name for p in step.people.all()),
        "contacts": _names(state.done(5)), "introducers": _names(state.done(9)),
        "votes_for": number(step.votes_for), "votes_against": number(step.votes_against),
        "votes_abstain": number(step.votes_abstain), "voters_entitled": number(step.voters_entitled),
        "training_days": number(step.training_days), "training_hours": number(step.training_hours),
        "extension_months": number(step.extension_months), "probation_end": _day(state.probation()[0]),
        "outcome": step.get_outcome_display() if step.outcome else "", "note": step.note,
        "today": _day(timezone.localdate()),
    }


def _template_bytes(kind: str) -> bytes:
    override = DocumentTemplate.objects.filter(kind=kind).first()
    if override and override.file:
        with override.file.open("rb") as handle:
            return handle.read()
    return (TEMPLATE_DIR / f"{kind}.docx").read_bytes()


def render(kind: str, context: dict[str, str], *, template: bytes | None = None) -> bytes:
    """The filled document's bytes; a ValidationError in Chinese for an unreadable template or a placeholder
    we do not fill (nothing half-filled ever leaves)."""
    label = DocumentKind(kind).label
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)
    try:
        document = DocxTemplate(io.BytesIO(template if template is not None else _template_bytes(kind)))
        wanted = document.get_undeclared_template_variables(environment)
    except ValidationError:
        raise
    except Exception as error:  # noqa: BLE001 - a broken upload is reported, not a 500
        raise ValidationError(f"文书模板“{label}”无法读取（{type(error).__name__}），请管理员检查模板文件。")
    unknown = sorted(set(wanted) - set(context))
    if unknown:
        names = "、".join("{{ " + name + " }}" for name in unknown)
        raise ValidationError(f"文书模板“{label}”中的占位符 {names} 没有对应的数据，无法生成文书。"
                              f"请管理员修改模板，可用的占位符有：" + "、".join(
                                  f"{{{{ {k} }}}}（{v}）" for k, v in PLACEHOLDERS.items()) + "。")
    try:
        document.render(context, environment)
    except jinja2.TemplateError as error:
        raise ValidationError(f"文书模板“{label}”填写失败：{error}。请管理员修改模板。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def step_document(step: DevelopmentStep) -> tuple[str, bytes]:
    """(file name, bytes) of the step's document."""
    if not document_available(step):
        raise ValidationError("该步骤没有需要生成的文书。")
    kind = step.definition.document
    content = render(kind, context_for(step))
    return f"{step.record.member.name}-{DocumentKind(kind).label}-{step.date:%Y%m%d}.docx", content
