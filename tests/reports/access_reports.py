"""Access rows for the reports (merged by tests/test_url_access.py).

The report belongs to organisation A (甲局党总支): A's secretary and the admin see it; B's secretary, the member
(who may not see reports at all) and the outsider must not learn that it exists (404). The list, where reports are
requested, is for admins and secretaries (403 for the others). Retry is POST only: a GET answers 405 once access
is settled."""

import datetime as dt

from django.core.files.base import ContentFile

from reports.choices import ReportKind, ReportStatus
from reports.models import Report
from tests.access_post import ALLOWED, with_post

OK, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, 403, 404, 405
LOGIN = "login"


def org_a_report(city) -> Report:
    report = Report.objects.filter(organisation=city.org_a).first()
    if report is None:
        report = Report.objects.create(kind=ReportKind.YEARLY, organisation=city.org_a,
                                       period_start=dt.date(2024, 1, 1), period_end=dt.date(2024, 12, 31),
                                       requested_by=city.secretary)
        report.xlsx.save("access.xlsx", ContentFile(b"PK"), save=False)
        report.pdf.save("access.pdf", ContentFile(b"%PDF-1.7"), save=False)
        report.status, report.progress = ReportStatus.DONE, 100
        report.save()
    return report


SCOPED = {"anonymous": LOGIN, "outsider": NOT_FOUND, "member": NOT_FOUND, "secretary": OK,
          "other_secretary": NOT_FOUND, "admin": OK}

MATRIX = {
    "reports:report_list": (lambda c: {}, {
        "anonymous": LOGIN, "outsider": FORBIDDEN, "member": FORBIDDEN, "secretary": OK, "other_secretary": OK,
        "admin": OK}),
    "reports:report_detail": (lambda c: {"pk": org_a_report(c).pk}, SCOPED),
    "reports:report_progress": (lambda c: {"pk": org_a_report(c).pk}, SCOPED),
    "reports:report_download": (lambda c: {"pk": org_a_report(c).pk, "fmt": "pdf"}, SCOPED),
    "reports:report_delete": (lambda c: {"pk": org_a_report(c).pk}, SCOPED),
    "reports:report_retry": (lambda c: {"pk": org_a_report(c).pk}, {**SCOPED, "secretary": NOT_ALLOWED,
                                                                    "admin": NOT_ALLOWED}),
}


# --- POSTs that differ from the GET (tests/access_post.py) ---
# An empty request form is a bad request (400) for those who may ask for reports.
MATRIX["reports:report_list"] = with_post(MATRIX["reports:report_list"],
                                          {"secretary": 400, "other_secretary": 400, "admin": 400})
MATRIX["reports:report_retry"] = with_post(MATRIX["reports:report_retry"], {"secretary": ALLOWED, "admin": ALLOWED})
