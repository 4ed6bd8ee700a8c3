"""Access rows for the register's transfers, leavings and categories (merged by tests/test_url_access.py).

A transfer has two sides: A's secretary sends (A's branch → B, or → an organisation C that B does not run); B's
secretary receives. Each side sees it; anyone else gets a 404. Accepting and returning are the receiver's (the
sender gets a 403), withdrawing the sender's. The member pages' register actions are A's secretary's (the member
themself: 403; B's secretary: 404)."""

import datetime as dt

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from members.choices import LeavingKind, MembershipStatus
from members.models import Leaving
from tests.factories import MemberFactory, OrganisationFactory
from tests.members.factories import MemberCategoryFactory, TransferFactory

OK, FORBIDDEN, NOT_FOUND = 200, 403, 404
LOGIN = "login"
PDF_NAME = "access-matrix/leaving.pdf"


def _to_c(city):
    c = OrganisationFactory(name="丙局党支部", parent=city.root)
    return {"pk": TransferFactory(member=city.member, to_organisation=c).pk}


def _to_b(city):
    return {"pk": TransferFactory(member=city.member, to_organisation=city.org_b).pk}


def _member(city):
    return {"pk": city.member.pk}


def _left_member(city):
    if not default_storage.exists(PDF_NAME):
        default_storage.save(PDF_NAME, ContentFile(b"%PDF-1.4 access matrix"))
    member = MemberFactory(organisation=city.branch_a, status=MembershipStatus.DECEASED, left_on=dt.date(2026, 3, 1))
    Leaving.objects.create(member=member, kind=LeavingKind.DECEASED, left_on=dt.date(2026, 3, 1), reason="病故",
                           document=PDF_NAME, document_content_type="application/pdf")
    return {"pk": member.pk}


def _category(city):
    return {"pk": MemberCategoryFactory(member=city.member).pk}


SECRETARIES = {"anonymous": LOGIN, "outsider": FORBIDDEN, "member": FORBIDDEN, "secretary": OK,
               "other_secretary": OK, "admin": OK}
A_SIDE = {"anonymous": LOGIN, "outsider": NOT_FOUND, "member": NOT_FOUND, "secretary": OK,
          "other_secretary": NOT_FOUND, "admin": OK}
RECEIVER_B = {"anonymous": LOGIN, "outsider": NOT_FOUND, "member": NOT_FOUND, "secretary": FORBIDDEN,
              "other_secretary": OK, "admin": OK}
SENDER_A = {"anonymous": LOGIN, "outsider": NOT_FOUND, "member": NOT_FOUND, "secretary": OK,
            "other_secretary": FORBIDDEN, "admin": OK}
MANAGES_MEMBER = {"anonymous": LOGIN, "outsider": NOT_FOUND, "member": FORBIDDEN, "secretary": OK,
                  "other_secretary": NOT_FOUND, "admin": OK}

MATRIX = {
    "members:transfer_list": (lambda c: {}, SECRETARIES),
    "members:transfer_in_create": (lambda c: {}, SECRETARIES),
    "members:category_list": (lambda c: {}, SECRETARIES),
    "members:register_summary": (lambda c: {}, SECRETARIES),
    "members:transfer_detail": (_to_c, A_SIDE),
    "members:transfer_letter": (_to_c, A_SIDE),
    "members:transfer_receipt": (_to_c, A_SIDE),
    "members:transfer_accept": (_to_b, RECEIVER_B),
    "members:transfer_return": (_to_b, RECEIVER_B),
    "members:transfer_cancel": (_to_b, SENDER_A),
    "members:transfer_create": (_member, MANAGES_MEMBER),
    "members:member_leave": (_member, MANAGES_MEMBER),
    "members:member_retire": (_member, MANAGES_MEMBER),
    "members:category_create": (_member, MANAGES_MEMBER),
    "members:leaving_document": (_left_member, A_SIDE),
    "members:category_edit": (_category, A_SIDE),
}
