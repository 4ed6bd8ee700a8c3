"""Access rows for the exchange app (merged by tests/test_url_access.py), and POST rows checked by
tests/exchange/test_access.py.

Importing and exporting are for admins and secretaries (a member or a login without a role: 403). An import
belongs to whoever uploaded it (admins see all): B's secretary does not learn it exists (404). The organisations
kind is the working committee's (403 for secretaries)."""

from django.core.files.base import ContentFile

from exchange.choices import JobStatus
from exchange.models import ImportJob
from tests.access_post import with_post

OK, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, 403, 404, 405
LOGIN = "login"


def secretary_job(city, **fields):
    from tests.exchange.workbooks import roster_bytes

    job = ImportJob(kind="roster", original_name="名册.xlsx", uploaded_by=city.secretary, total_rows=1,
                    status=fields.pop("status", JobStatus.INVALID), **fields)
    job.errors = [[2, "姓名", "", "“姓名”不能为空。"]]
    job.error_count = 1
    job.file.save("access.xlsx", ContentFile(roster_bytes([{"姓名": ""}])), save=False)
    job.save()
    return {"pk": job.pk}


def exchangers(status_for_secretaries, *, admin=None):
    return {"anonymous": LOGIN, "outsider": FORBIDDEN, "member": FORBIDDEN, "secretary": status_for_secretaries,
            "other_secretary": status_for_secretaries, "admin": admin or status_for_secretaries}


def owned(status):
    return {"anonymous": LOGIN, "outsider": FORBIDDEN, "member": FORBIDDEN, "secretary": status,
            "other_secretary": NOT_FOUND, "admin": status}


MATRIX = {
    # An upload without a file: the page again with its Chinese error, as 400 (tests/exchange/test_access.py).
    "exchange:index": with_post((lambda c: {}, exchangers(OK)), {"secretary": 400, "other_secretary": 400,
                                                                 "admin": 400}),
    "exchange:template": (lambda c: {"kind": "roster"}, exchangers(OK)),
    "exchange:national_export": (lambda c: {}, exchangers(OK)),
    "exchange:job_detail": (secretary_job, owned(OK)),
    "exchange:job_progress": (secretary_job, owned(OK)),
    "exchange:job_errors": (secretary_job, owned(OK)),
    "exchange:job_confirm": with_post((lambda c: secretary_job(c, status=JobStatus.READY), owned(NOT_ALLOWED)),
                                      {"secretary": 302, "admin": FORBIDDEN}),
}

# POSTs: URL name → (kwargs, data builder, {persona: status}). Confirming someone else's import is a 404; a member
# cannot upload (403); an admin may open a secretary's import but only its uploader confirms it (403).
POST_MATRIX = {
    "exchange:index": (lambda c: {}, {"anonymous": LOGIN, "outsider": FORBIDDEN, "member": FORBIDDEN,
                                      "secretary": 400, "other_secretary": 400, "admin": 400}),
    "exchange:job_confirm": (lambda c: secretary_job(c, status=JobStatus.READY), {
        "anonymous": LOGIN, "outsider": FORBIDDEN, "member": FORBIDDEN, "secretary": 302,
        "other_secretary": NOT_FOUND, "admin": FORBIDDEN}),
}
