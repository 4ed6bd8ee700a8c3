"""Access rows for the community app (merged by tests/test_url_access.py).

Everything belongs to organisation A's branch (or its member): B's secretary and the outsider must not learn
that A's agreement or report exists (404); the member may read the city-wide pages (lectures, campaigns) and
record their own reporting, but not open the secretaries' pages (403)."""

import datetime as dt

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from tests.access_post import ALLOWED, with_post
from tests.community.factories import AgreementFactory, CampaignFactory, ReportFactory

OK, REDIRECT, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, 302, 403, 404, 405
LOGIN = "login"

SCAN_NAME = "access-matrix/agreement.pdf"


def everyone(status):
    return {"outsider": status, "member": status, "secretary": status, "other_secretary": status, "admin": status}


def overseers_only():
    return {"anonymous": LOGIN, "outsider": FORBIDDEN, "member": FORBIDDEN, "secretary": OK, "other_secretary": OK,
            "admin": OK}


def branch_a_agreement(city):
    if not default_storage.exists(SCAN_NAME):
        default_storage.save(SCAN_NAME, ContentFile(b"%PDF-1.4 access matrix"))
    agreement = AgreementFactory(organisation=city.branch_a, scan=SCAN_NAME, scan_content_type="application/pdf",
                                 scan_name="协议.pdf")
    return {"pk": agreement.pk}


def member_report(city):
    return {"pk": ReportFactory(member=city.member).pk}


def campaign(city):
    return {"pk": CampaignFactory().pk}


def branch_a_temporary_branch(city):
    from community.services import temporary_branch_create

    link = temporary_branch_create(campaign=CampaignFactory(), parent=city.branch_a, name="抗洪临时党支部",
                                   secretary=city.member, established_on=dt.date(2024, 7, 2), by=None)
    return {"pk": link.pk}


MANAGED_ROW = {"anonymous": LOGIN, "outsider": NOT_FOUND, "member": NOT_FOUND, "secretary": OK,
               "other_secretary": NOT_FOUND, "admin": OK}

MATRIX = {
    "community:lecture_list": (lambda c: {}, {"anonymous": LOGIN, **everyone(OK)}),
    "community:agreement_list": (lambda c: {}, overseers_only()),
    "community:agreement_create": (lambda c: {}, overseers_only()),
    "community:agreement_detail": (branch_a_agreement, MANAGED_ROW),
    "community:agreement_edit": (branch_a_agreement, MANAGED_ROW),
    "community:project_add": (branch_a_agreement, MANAGED_ROW),
    "community:agreement_scan": (branch_a_agreement, MANAGED_ROW),
    # Only someone with a member record has reporting of their own.
    "community:my_reporting": (lambda c: {}, {
        "anonymous": LOGIN, "outsider": FORBIDDEN, "member": OK, "secretary": FORBIDDEN, "other_secretary": FORBIDDEN,
        "admin": FORBIDDEN}),
    "community:report_create": (lambda c: {}, {
        "anonymous": LOGIN, "outsider": FORBIDDEN, "member": OK, "secretary": FORBIDDEN, "other_secretary": FORBIDDEN,
        "admin": FORBIDDEN}),
    # The member's own report: nobody else records services on it, not even an admin.
    "community:service_create": (member_report, {
        "anonymous": LOGIN, "outsider": NOT_FOUND, "member": OK, "secretary": NOT_FOUND, "other_secretary": NOT_FOUND,
        "admin": NOT_FOUND}),
    "community:reporting_overview": (lambda c: {}, overseers_only()),
    # Confirming is a POST; GET is refused once the report is known to be the user's to confirm.
    "community:report_confirm": (member_report, {
        "anonymous": LOGIN, "outsider": NOT_FOUND, "member": NOT_FOUND, "secretary": NOT_ALLOWED,
        "other_secretary": NOT_FOUND, "admin": NOT_ALLOWED}),
    "community:campaign_list": (lambda c: {}, {"anonymous": LOGIN, **everyone(OK)}),
    "community:campaign_create": (lambda c: {}, {
        "anonymous": LOGIN, "outsider": FORBIDDEN, "member": FORBIDDEN, "secretary": FORBIDDEN,
        "other_secretary": FORBIDDEN, "admin": OK}),
    "community:campaign_detail": (campaign, {"anonymous": LOGIN, **everyone(OK)}),
    "community:donation_create": (campaign, overseers_only()),
    "community:temporary_branch_create": (campaign, overseers_only()),
    "community:temporary_branch_dissolve": (branch_a_temporary_branch, MANAGED_ROW),
}


# --- POSTs that differ from the GET (tests/access_post.py) ---
MATRIX["community:report_confirm"] = with_post(MATRIX["community:report_confirm"],
                                            {"secretary": ALLOWED, "admin": ALLOWED})
