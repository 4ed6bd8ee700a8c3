"""One workflow engine for every decided thing (reviews, nominations, ratings, transfers, development steps …).

A model that is decided by someone inherits `Decided` (status, decided_by, decided_at, comment, history kept by
the concrete model) and names its `Workflow`: the one table of legal moves, each with the timeline action it
writes. A move that is not in the table is refused with a Chinese `ValidationError`, whoever asks; who may ask
is the access module's business, never the engine's.

    NOMINATION = Workflow(NominationStatus, {
        (NominationStatus.SUBMITTED, NominationStatus.APPROVED): "批准",
        (NominationStatus.SUBMITTED, NominationStatus.REJECTED): "不予批准",
    }, noun="该推荐")
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


@dataclass(frozen=True)
class Workflow:
    """The legal moves of one status enum: {(from, to): action}. `decided` lists the targets that are
    decisions (they stamp decided_by / decided_at); by default every target that no move leaves is one."""

    states: type[models.TextChoices]
    moves: Mapping[tuple[str, str], str]
    noun: str = "该记录"
    decided: frozenset[str] | None = None
    # The refusal of any move out of a final state; {noun} and {current} (the state's label) are filled in.
    final_message: str = "{noun}已经“{current}”，不能再更改。"
    _finals: frozenset[str] = field(init=False, repr=False)

    def __post_init__(self):
        for source, target in self.moves:
            # A typo in a table should fail at import, not when a user first takes the step.
            self.states(source), self.states(target)
        finals = frozenset(s for s in self.states.values if not any(src == s for src, _ in self.moves))
        object.__setattr__(self, "_finals", finals)

    @property
    def finals(self) -> frozenset[str]:
        """States nothing leaves: a decided thing is history and stays as decided."""
        return self._finals

    def targets(self, current: str) -> list[str]:
        return [target for source, target in self.moves if source == current]

    def can(self, current: str, target: str) -> bool:
        return (current, target) in self.moves

    def is_decision(self, target: str) -> bool:
        return target in (self.decided if self.decided is not None else self._finals)

    def check(self, current: str, target: str) -> str:
        """The action a legal move writes; a ValidationError in Chinese for any other."""
        action = self.moves.get((current, target))
        if action is not None:
            return action
        current_label, target_label = self.states(current).label, self.states(target).label
        if current in self._finals:
            raise ValidationError(self.final_message.format(noun=self.noun, current=current_label), code="final")
        if current == target:
            raise ValidationError(f"{self.noun}已经是“{current_label}”状态。", code="same_status")
        raise ValidationError(f"{self.noun}当前为“{current_label}”，不能改为“{target_label}”。",
                              code="illegal_transition")

    def all_moves(self) -> Iterable[tuple[str, str]]:
        return self.moves.keys()


class Decided(models.Model):
    """Abstract: something a person decides. The concrete model overrides `status` with its choices and
    default, sets `workflow`, and keeps `history = HistoricalRecords()` itself (simple-history needs the
    concrete class)."""

    workflow: Workflow  # set by each concrete model

    status = models.CharField("状态", max_length=20)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="决定人", on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    comment = models.TextField("意见", blank=True)

    class Meta:
        abstract = True

    def move_to(self, target: str, *, by, comment: str | None = None, at=None) -> str:
        """Take one legal step (refused otherwise) and stamp who decided; the caller saves. Returns the action."""
        action = self.workflow.check(self.status, target)
        self.status = target
        if self.workflow.is_decision(target):
            self.decided_by = by
            self.decided_at = at or timezone.now()
        if comment is not None:
            self.comment = comment
        return action

    @property
    def next_states(self) -> list[str]:
        return self.workflow.targets(self.status)
