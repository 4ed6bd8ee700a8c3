"""The standardisation review's states and the only ways between them.

    填报中 DRAFT ──提交──▶ SUBMITTED ──验收合格──▶ ACCEPTED (final)
                              │  ▲  └──验收不合格──▶ FAILED (final)
                         退回整改  重新提交
                              ▼  │
                            RETURNED

`REVIEW` is the one table (a core.workflow.Workflow): a status change that is not in it is refused,
whoever asks. Who may ask (secretary fills and submits, admin decides) is the
views' and services' business; this module only knows what may follow what.
"""

from core.workflow import Workflow

from .choices import ReviewAction, ReviewStatus

# (from, to) → the timeline entry the step writes.
REVIEW = Workflow(ReviewStatus, {
    (ReviewStatus.DRAFT, ReviewStatus.SUBMITTED): ReviewAction.SUBMITTED,
    (ReviewStatus.SUBMITTED, ReviewStatus.RETURNED): ReviewAction.RETURNED,
    (ReviewStatus.SUBMITTED, ReviewStatus.ACCEPTED): ReviewAction.ACCEPTED,
    (ReviewStatus.SUBMITTED, ReviewStatus.FAILED): ReviewAction.FAILED,
    (ReviewStatus.RETURNED, ReviewStatus.SUBMITTED): ReviewAction.RESUBMITTED,
}, noun="该验收", final_message="{noun}已经“{current}”，结果不能再更改。")

# The names the services, views and tests use, all read from the one table.
TRANSITIONS = REVIEW.moves
FINAL = REVIEW.finals
allowed_targets = REVIEW.targets
transition_check = REVIEW.check

# The secretary writes statements and evidence only in these states (in RETURNED only the returned items).
EDITABLE = frozenset({ReviewStatus.DRAFT, ReviewStatus.RETURNED})
# The admin judges items only while the review waits for them.
UNDER_REVIEW = frozenset({ReviewStatus.SUBMITTED})
