"""Who may see and change oversight records (standardisation reviews, duties, the matrix), built on the tree
rules of branches.access (re-exported here, so the oversight views import one access module)."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from branches.access import *  # noqa: F403
from branches.access import __all__ as _tree_rules
from branches.access import get_managed_object, is_admin, managed_paths, scoped_to_managed
from branches.models import Organisation

from .models import StandardisationReview

__all__ = [*_tree_rules, "review_can_fill", "review_can_decide", "require_review_filler",
           "require_review_decider", "reviews_visible_to", "get_review_for"]


# --- standardisation reviews ------------------------------------------------------------------
# Nobody passes their own review: the organisation's secretaries fill it in, an admin who is not one of them
# decides it.

def _is_secretary_of(user, organisation: Organisation) -> bool:
    return any(organisation.path.startswith(path) for path in managed_paths(user))


def review_can_fill(user, review: StandardisationReview) -> bool:
    """The organisation's own secretaries (or those of an organisation above it) write the self-assessment."""
    return _is_secretary_of(user, review.organisation)


def review_can_decide(user, review: StandardisationReview) -> bool:
    """Admins judge; an admin who is also this organisation's secretary may not judge its review."""
    return is_admin(user) and not _is_secretary_of(user, review.organisation)


def require_review_filler(user, review: StandardisationReview) -> None:
    if not review_can_fill(user, review):
        raise PermissionDenied("只有本党组织的书记（党务工作者）可以填报自评。")


def require_review_decider(user, review: StandardisationReview) -> None:
    if not is_admin(user):
        raise PermissionDenied("只有工委管理员可以审核验收。")
    if not review_can_decide(user, review):
        raise PermissionDenied("您是该党组织的书记，不能审核本组织的验收。")


def reviews_visible_to(user) -> QuerySet[StandardisationReview]:
    """Admin: every review; secretary: those of their organisations and below; anyone else: none."""
    return scoped_to_managed(user, StandardisationReview.objects.all())


def get_review_for(user, pk) -> StandardisationReview:
    """A review the user may open, or 404."""
    return get_managed_object(
        user, StandardisationReview.objects.select_related("organisation", "organisation__unit", "decided_by"), pk)
