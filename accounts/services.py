"""Writes on a user's own account."""

from django.utils import timezone


def user_guide_dismiss(*, user) -> None:
    """The first-login guide is not shown again to this user (idempotent: the first dismissal's time stays)."""
    if user.guide_dismissed_at is None:
        user.guide_dismissed_at = timezone.now()
        user.save(update_fields=["guide_dismissed_at"])
