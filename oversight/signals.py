"""Whatever a compliance matrix is computed from changed: the cached matrices are out of date
(``compliance.cached_matrix_for`` keys them by a version these receivers bump, after the commit)."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from activities.models import Activity
from branches.models import CommitteePosition, Organisation, PartyGroup, Term
from branches.versions import subtrees_changed, watch
from core.cache import bump_now_and_at_commit
from members.models import Member
from members.signals import member_moved
from rules.models import MeetingRequirement, Threshold

from . import compliance, dashboard
from .models import Duty, DutyAssignment, Exemption, StandardisationReview

SOURCES = (Activity, CommitteePosition, Organisation, PartyGroup, MeetingRequirement, Threshold, Exemption)


def _changed(**kwargs) -> None:
    # Bumped now and again at commit: a reader between the two recomputes from the old rows under the new
    # version; the second bump makes sure that result is never read after the commit.
    compliance.matrix_changed()
    transaction.on_commit(compliance.matrix_changed)


for model in SOURCES:
    post_save.connect(_changed, sender=model, dispatch_uid=f"matrix-save-{model.__name__}")
    post_delete.connect(_changed, sender=model, dispatch_uid=f"matrix-delete-{model.__name__}")
m2m_changed.connect(_changed, sender=Activity.joint_organisations.through, dispatch_uid="matrix-joint")


# The admin home's city figures: decisions an admin looks for right after taking them (oversight.dashboard).
DECISIONS = (StandardisationReview, Term, Duty, DutyAssignment, Exemption, Organisation)


def _decided(**kwargs) -> None:
    bump_now_and_at_commit(dashboard.DECISIONS_VERSION_KEY)


for model in DECISIONS:
    post_save.connect(_decided, sender=model, dispatch_uid=f"dashboard-save-{model.__name__}")
    post_delete.connect(_decided, sender=model, dispatch_uid=f"dashboard-delete-{model.__name__}")


# A secretary's home figures and 待办, cached per subtree (oversight.dashboard): whatever they count, in the
# organisation it belongs to (and so in every subtree above it). Dues, development and transfers watch their own
# rows in their apps.
for model in (Activity, Member, Term, StandardisationReview, DutyAssignment, CommitteePosition):
    watch(model, lambda row: [row.organisation_id])
watch(Organisation, lambda organisation: [organisation.pk, organisation.parent_id])


def _joint_changed(instance=None, pk_set=None, reverse=False, **kwargs) -> None:
    # A joint organisation's meetings count the activity too (the setup checks' "no activity for N days").
    if reverse:
        subtrees_changed([instance.pk])
    else:
        subtrees_changed([instance.organisation_id, *(pk_set or ())])


def _member_moved(member=None, from_organisation=None, **kwargs) -> None:
    subtrees_changed([from_organisation.pk if from_organisation else None, member.organisation_id])


m2m_changed.connect(_joint_changed, sender=Activity.joint_organisations.through, dispatch_uid="subtree-joint")
member_moved.connect(_member_moved, dispatch_uid="subtree-member-moved")
