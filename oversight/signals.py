"""Whatever a compliance matrix is computed from changed: the cached matrices are out of date
(``compliance.cached_matrix_for`` keys them by a version these receivers bump, after the commit)."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from activities.models import Activity
from branches.models import CommitteePosition, Organisation, PartyGroup, Term
from branches.versions import watch
from core.cache import bumped_by
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
bumped_by(dashboard.DECISIONS_VERSION_KEY, *DECISIONS)


# A secretary's home figures and 待办 are cached per subtree (branches/versions.py): every app watches its own
# rows there; these are oversight's.
for model in (StandardisationReview, DutyAssignment):
    watch(model, lambda row: [row.organisation_id])
