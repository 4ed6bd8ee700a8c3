import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from freezegun import freeze_time

from development import documents
from development.choices import DocumentKind, Outcome
from development.models import DocumentTemplate

from .helpers import applicant, take, walk

pytestmark = pytest.mark.django_db


def _text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    return "\n".join(p.text for p in document.paragraphs)


def _date_text(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@freeze_time("2025-01-10")
def test_every_document_opens_in_word_with_the_persons_name_and_the_steps_date(city, client):
    record = walk(city, applicant(city, name="陈文书"), 23)
    take(city, record, 24, outcome=Outcome.EXTENDED, extension_months=6)
    client.force_login(city.secretary)
    seen = set()
    for step in record.steps.select_related("definition"):
        if not documents.document_available(step):
            continue
        response = client.get(reverse("development:step_document", args=[step.pk]))
        assert response.status_code == 200, step
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        text = _text(response.content)
        assert "陈文书" in text and _date_text(step.date) in text, (step, text)
        seen.add(step.definition.document)
    assert seen == set(DocumentKind.values)


@freeze_time("2024-07-01")
def test_the_admission_request_carries_the_votes_and_introducers(city):
    record = walk(city, applicant(city, name="投票人"), 15)
    _, content = documents.step_document(record.steps.get(definition__number=15))
    text = _text(content)
    assert "赞成9票，反对0票，弃权1票" in text and "介绍人0、介绍人1" in text and "甲局机关党总支" in text


def _template_with(text: str) -> bytes:
    document = Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@freeze_time("2024-07-01")
def test_a_template_with_an_unknown_placeholder_is_refused_with_a_clear_error(city, client):
    record = walk(city, applicant(city), 2)
    step = record.steps.get(definition__number=2)
    DocumentTemplate.objects.create(kind=DocumentKind.TALK_RECORD, file=SimpleUploadedFile(
        "talk.docx", _template_with("{{ name }} 的谈话，谈话人 {{ talker_title }}")))
    with pytest.raises(ValidationError, match=r"占位符 \{\{ talker_title \}\} 没有对应的数据"):
        documents.step_document(step)
    client.force_login(city.secretary)
    response = client.get(reverse("development:step_document", args=[step.pk]), follow=True)
    assert "talker_title" in response.content.decode() and response.redirect_chain


@freeze_time("2024-07-01")
def test_an_admins_template_replaces_the_shipped_one(city):
    record = walk(city, applicant(city, name="替换"), 2)
    DocumentTemplate.objects.create(kind=DocumentKind.TALK_RECORD, file=SimpleUploadedFile(
        "talk.docx", _template_with("本地格式：{{ name }}，{{ step_date }}")))
    _, content = documents.step_document(record.steps.get(definition__number=2))
    assert _text(content) == "本地格式：替换，2022年1月20日"


def test_a_broken_template_file_is_refused_not_a_server_error():
    with pytest.raises(ValidationError, match="无法读取"):
        documents.render(DocumentKind.TALK_RECORD, {}, template=b"not a docx")


def test_the_admin_refuses_to_store_a_template_it_cannot_fill(admin_client):
    from development.admin import DocumentTemplateForm

    form = DocumentTemplateForm(data={"kind": DocumentKind.TALK_RECORD, "note": ""}, files={
        "file": SimpleUploadedFile("t.docx", _template_with("{{ nonsense }}"))})
    assert not form.is_valid() and "nonsense" in str(form.errors)


