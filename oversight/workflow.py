"""The standardisation review's states and the only ways between them.

    填报中 DRAFT ──提交──▶ SUBMITTED ──验收合格──▶ ACCEPTED (final)
                              │  ▲  └──验收不合格──▶ FAILED (final)
                         退回整改  重新提交
                              ▼  │
                            RETURNED

`TRANSITIONS` is the one table: a status change that is not a key in it is refused,
whoever asks. Who may ask (secretary fills and submits, admin decides) is the
views' and services' business; this module only knows what may follow what.
"""

from django.core.exceptions import ValidationError

from .choices import ReviewAction, ReviewStatus

# (from, to) → the timeline entry the step writes.
TRANSITIONS: dict[tuple[str, str], str] = {
    (ReviewStatus.DRAFT, ReviewStatus.SUBMITTED): ReviewAction.SUBMITTED,
    (ReviewStatus.SUBMITTED, ReviewStatus.RETURNED): ReviewAction.RETURNED,
    (ReviewStatus.SUBMITTED, ReviewStatus.ACCEPTED): ReviewAction.ACCEPTED,
    (ReviewStatus.SUBMITTED, ReviewStatus.FAILED): ReviewAction.FAILED,
    (ReviewStatus.RETURNED, ReviewStatus.SUBMITTED): ReviewAction.RESUBMITTED,
}

# The secretary writes statements and evidence only in these states (in RETURNED only the returned items).
EDITABLE = frozenset({ReviewStatus.DRAFT, ReviewStatus.RETURNED})
# The admin judges items only while the review waits for them.
UNDER_REVIEW = frozenset({ReviewStatus.SUBMITTED})
# Nothing leaves these: a decided review is history and stays as decided.
FINAL = frozenset(status for status in ReviewStatus.values
                  if not any(source == status for source, _ in TRANSITIONS))


def allowed_targets(status: str) -> list[str]:
    return [target for source, target in TRANSITIONS if source == status]


def transition_check(current: str, target: str) -> str:
    """The action a legal step writes to the timeline; a ValidationError in Chinese for any other step."""
    action = TRANSITIONS.get((current, target))
    if action is not None:
        return action
    current_label, target_label = ReviewStatus(current).label, ReviewStatus(target).label
    if current in FINAL:
        raise ValidationError(f"该验收已经“{current_label}”，结果不能再更改。", code="final")
    if current == target:
        raise ValidationError(f"该验收已经是“{current_label}”状态。", code="same_status")
    raise ValidationError(f"该验收当前为“{current_label}”，不能改为“{target_label}”。", code="illegal_transition")
