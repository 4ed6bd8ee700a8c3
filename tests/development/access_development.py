"""Access rows for the development app (merged by tests/test_url_access.py); POSTs are in test_access.py.

The record belongs to a person in organisation A's branch: A's secretary records (and, running the organisation
above the branch, approves); the person sees their own timeline; B's secretary and the outsider learn nothing
(404). Lists are the secretaries' and the working committee's."""

import datetime as dt

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

OK, REDIRECT, FORBIDDEN, NOT_FOUND = 200, 302, 403, 404
LOGIN = "login"
SCAN = "access-matrix/development.pdf"


def everyone(status):
    return {"outsider": status, "member": status, "secretary": status, "other_secretary": status, "admin": status}


def _record(city):
    from development.models import DevelopmentRecord, DevelopmentStep, StepDefinition

    record, created = DevelopmentRecord.objects.get_or_create(member=city.member)
    if created:
        DevelopmentStep.objects.create(record=record, definition=StepDefinition.objects.get(number=1),
                                       date=dt.date(2024, 1, 10))
        DevelopmentStep.objects.create(record=record, definition=StepDefinition.objects.get(number=2),
                                       date=dt.date(2024, 1, 20))
        DevelopmentStep.objects.create(record=record, definition=StepDefinition.objects.get(number=4),
                                       date=dt.date(2024, 3, 5), status="SUBMITTED")
    return record


def record(city):
    return {"pk": _record(city).pk}


def step(number):
    def kwargs(city):
        return {"pk": _record(city).steps.get(definition__number=number).pk}
    return kwargs


def attachment(city):
    from development.models import StepAttachment

    if not default_storage.exists(SCAN):
        default_storage.save(SCAN, ContentFile(b"%PDF-1.4 access matrix"))
    item = StepAttachment.objects.create(step=_record(city).steps.get(definition__number=1), file=SCAN,
                                         extension="pdf", content_type="application/pdf", original_name="申请书.pdf")
    return {"pk": item.pk}


def mine(city):
    _record(city)
    return {}


def applicant_member(city):
    from members.choices import Stage
    from tests.factories import MemberFactory

    person = MemberFactory(organisation=city.branch_a, stage=Stage.APPLICANT, applied_on=dt.date(2024, 5, 1),
                           activist_on=None, candidate_on=None, admitted_on=None, full_on=None)
    return {"member_pk": person.pk}


SECRETARIES = {"anonymous": LOGIN, "outsider": FORBIDDEN, "member": FORBIDDEN, "secretary": OK,
               "other_secretary": OK, "admin": OK}
RECORD_READ = {"anonymous": LOGIN, "outsider": NOT_FOUND, "member": OK, "secretary": OK,
               "other_secretary": NOT_FOUND, "admin": OK}
RECORD_WRITE = {"anonymous": LOGIN, "outsider": NOT_FOUND, "member": FORBIDDEN, "secretary": OK,
                "other_secretary": NOT_FOUND, "admin": OK}

MATRIX = {
    "development:overview": (lambda c: {}, SECRETARIES),
    "development:record_list": (lambda c: {}, SECRETARIES),
    "development:applicant_new": (lambda c: {}, SECRETARIES),
    "development:plan_edit": (lambda c: {}, SECRETARIES),
    # Only those with an organisation below theirs (B has none) and the working committee approve.
    "development:approval_queue": (lambda c: {}, {**SECRETARIES, "other_secretary": FORBIDDEN}),
    "development:my_timeline": (mine, {"anonymous": LOGIN, "outsider": NOT_FOUND, "member": REDIRECT,
                                       "secretary": NOT_FOUND, "other_secretary": NOT_FOUND, "admin": NOT_FOUND}),
    "development:timeline": (record, RECORD_READ),
    "development:checklist": (record, RECORD_READ),
    "development:record_open": (applicant_member, {"anonymous": LOGIN, "outsider": NOT_FOUND, "member": NOT_FOUND,
                                                   "secretary": OK, "other_secretary": NOT_FOUND, "admin": OK}),
    "development:step_new": (lambda c: {**record(c), "number": 3}, RECORD_WRITE),
    "development:step_edit": (step(2), RECORD_WRITE),
    "development:step_decide": (step(4), RECORD_WRITE),
    "development:step_document": (step(2), RECORD_WRITE),
    "development:attachment": (attachment, RECORD_READ),
}
