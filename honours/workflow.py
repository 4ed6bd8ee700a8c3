"""The honours decisions and the only ways between their states, each a core.workflow table.

A move not in its table is refused with a Chinese ValidationError, whoever asks; who may ask (secretaries
nominate and rate, admins decide and confirm) is honours/access.py's and the services' business."""

from core.workflow import Workflow

from .choices import NominationStatus, RatingStatus, SelectionStatus

NOMINATION = Workflow(NominationStatus, {
    (NominationStatus.SUBMITTED, NominationStatus.APPROVED): "批准",
    (NominationStatus.SUBMITTED, NominationStatus.REJECTED): "不予批准",
}, noun="该推荐")

STAR_RATING = Workflow(RatingStatus, {
    (RatingStatus.SUBMITTED, RatingStatus.CONFIRMED): "确认",
}, noun="该评定")

RED_FLAG = Workflow(RatingStatus, {
    (RatingStatus.SUBMITTED, RatingStatus.CONFIRMED): "确认",
}, noun="该申报")

# The admin either opens scoring to the jury or marks the ten directly. A selection is not a Decided row (no
# single decider or comment: the jury scores, the admin closes it), but it moves by the same engine.
SELECTION = Workflow(SelectionStatus, {
    (SelectionStatus.SHORTLISTING, SelectionStatus.SCORING): "开始评委打分",
    (SelectionStatus.SHORTLISTING, SelectionStatus.DECIDED): "评定十佳",
    (SelectionStatus.SCORING, SelectionStatus.DECIDED): "评定十佳",
}, noun="该评选")
