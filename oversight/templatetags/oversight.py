"""Template helpers of the oversight pages: `{% load oversight %}`."""

from django import template
from django.utils.html import format_html

from oversight.duties import DutyState

register = template.Library()

_BADGE_CLASS = {DutyState.DONE: "text-bg-success", DutyState.OVERDUE: "text-bg-danger",
                DutyState.DUE: "text-bg-warning"}


@register.filter
def duty_state_badge(state: str) -> str:
    """An assignment's state as a coloured badge: a filter, not an include — a list writes fifty of them."""
    state = DutyState(state) if state in DutyState.values else DutyState.DUE
    return format_html('<span class="badge {}">{}</span>', _BADGE_CLASS[state], state.label)
