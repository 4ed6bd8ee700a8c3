"""Template helpers of the oversight pages: `{% load oversight %}`."""

from django import template
from django.utils.html import format_html

from oversight.choices import ReviewStatus
from oversight.duties import DutyState

register = template.Library()

_BADGE_CLASS = {DutyState.DONE: "text-bg-success", DutyState.OVERDUE: "text-bg-danger",
                DutyState.DUE: "text-bg-warning"}


_DUTY_BADGES = {state.value: format_html('<span class="badge {}">{}</span>', _BADGE_CLASS[state], state.label)
                for state in DutyState}  # written once per process


@register.filter
def duty_state_badge(state: str) -> str:
    """An assignment's state as a coloured badge: a filter, not an include — a list writes fifty of them."""
    return _DUTY_BADGES.get(state, _DUTY_BADGES[DutyState.DUE.value])


_REVIEW_BADGE_CLASS = {ReviewStatus.ACCEPTED: "text-bg-success", ReviewStatus.FAILED: "text-bg-danger",
                       ReviewStatus.RETURNED: "text-bg-warning", ReviewStatus.SUBMITTED: "text-bg-primary"}


def _review_badge(status: str) -> str:
    label = ReviewStatus(status).label if status in ReviewStatus.values else status
    return format_html('<span class="badge {}" data-testid="review-status">{}</span>',
                       _REVIEW_BADGE_CLASS.get(status, "text-bg-secondary"), label)


_REVIEW_BADGES = {status: _review_badge(status) for status in ReviewStatus.values}  # written once per process


@register.filter
def review_status_badge(status: str) -> str:
    """A review's status as a coloured badge (the review list writes fifty: a filter, not an include)."""
    badge = _REVIEW_BADGES.get(status)
    return badge if badge is not None else _review_badge(status)
