"""The one workflow engine: every transition table, every legal and illegal move; and Decided.move_to."""

import itertools

import pytest
from django.core.exceptions import ValidationError
from django.db import models

from activities.wishes import WISH
from core.workflow import Workflow
from honours.choices import NominationStatus, RatingStatus
from honours.models import Nomination, RedFlagApplication, StarRating
from honours.workflow import NOMINATION, RED_FLAG, SELECTION, STAR_RATING
from oversight.models import StandardisationReview
from oversight.workflow import REVIEW

TABLES = {"review": REVIEW, "nomination": NOMINATION, "star_rating": STAR_RATING, "red_flag": RED_FLAG,
          "selection": SELECTION, "wish": WISH}

CASES = [(name, source, target) for name, table in TABLES.items()
         for source, target in itertools.product(table.states.values, repeat=2)]


@pytest.mark.parametrize(("table", "source", "target"), CASES, ids=[f"{n}:{s}->{t}" for n, s, t in CASES])
def test_each_table_allows_exactly_its_legal_moves(table, source, target):
    workflow = TABLES[table]
    if (source, target) in workflow.moves:
        assert workflow.can(source, target)
        assert workflow.check(source, target) == workflow.moves[(source, target)]
        assert target in workflow.targets(source)
    else:
        assert not workflow.can(source, target)
        with pytest.raises(ValidationError) as refused:
            workflow.check(source, target)
        message = refused.value.messages[0]
        assert message.startswith(workflow.noun)
        assert workflow.states(source).label in message
        assert target not in workflow.targets(source)


@pytest.mark.parametrize("table", TABLES)
def test_nothing_leaves_a_final_state_and_every_final_state_is_reachable(table):
    workflow = TABLES[table]
    for final in workflow.finals:
        assert workflow.targets(final) == []
    assert workflow.finals <= {target for _, target in workflow.moves}


def test_the_honours_tables_are_the_ones_the_services_used_before():
    assert set(NOMINATION.moves) == {(NominationStatus.SUBMITTED, NominationStatus.APPROVED),
                                     (NominationStatus.SUBMITTED, NominationStatus.REJECTED)}
    assert set(STAR_RATING.moves) == set(RED_FLAG.moves) == {(RatingStatus.SUBMITTED, RatingStatus.CONFIRMED)}
    assert NOMINATION.finals == {NominationStatus.APPROVED, NominationStatus.REJECTED}


class Light(models.TextChoices):
    RED = "RED", "红灯"
    GREEN = "GREEN", "绿灯"
    OFF = "OFF", "熄灭"


LIGHT = Workflow(Light, {(Light.RED, Light.GREEN): "放行", (Light.GREEN, Light.OFF): "关闭"}, noun="该信号灯")


def test_it_refuses_a_move_out_of_a_final_state_in_chinese():
    with pytest.raises(ValidationError) as refused:
        LIGHT.check(Light.OFF, Light.RED)
    assert refused.value.messages == ["该信号灯已经“熄灭”，不能再更改。"]
    assert refused.value.error_list[0].code == "final"


def test_it_refuses_a_move_to_the_same_state_and_a_skipped_step():
    with pytest.raises(ValidationError) as same:
        LIGHT.check(Light.RED, Light.RED)
    assert same.value.messages == ["该信号灯已经是“红灯”状态。"]
    with pytest.raises(ValidationError) as skipped:
        LIGHT.check(Light.RED, Light.OFF)
    assert skipped.value.messages == ["该信号灯当前为“红灯”，不能改为“熄灭”。"]


def test_a_table_with_a_state_that_does_not_exist_fails_when_it_is_written():
    with pytest.raises(ValueError):
        Workflow(Light, {(Light.RED, "BLUE"): "变蓝"})


def test_a_review_keeps_its_own_wording_for_a_decided_review():
    with pytest.raises(ValidationError) as refused:
        REVIEW.check("ACCEPTED", "SUBMITTED")
    assert refused.value.messages == ["该验收已经“验收合格”，结果不能再更改。"]


DECISIONS = [(Nomination, NominationStatus.SUBMITTED, NominationStatus.APPROVED),
             (Nomination, NominationStatus.SUBMITTED, NominationStatus.REJECTED),
             (StarRating, RatingStatus.SUBMITTED, RatingStatus.CONFIRMED),
             (RedFlagApplication, RatingStatus.SUBMITTED, RatingStatus.CONFIRMED),
             (StandardisationReview, "SUBMITTED", "ACCEPTED"),
             (StandardisationReview, "SUBMITTED", "FAILED")]


@pytest.mark.parametrize(("model", "source", "target"), DECISIONS)
def test_a_decision_stamps_who_decided_and_when(model, source, target, django_user_model, db):
    admin = django_user_model.objects.create(username="decider")
    row = model(status=source)
    assert row.move_to(target, by=admin, comment="同意。") == model.workflow.moves[(source, target)]
    assert (row.status, row.decided_by, row.comment) == (target, admin, "同意。")
    assert row.decided_at is not None


def test_a_step_that_is_not_a_decision_stamps_nobody(django_user_model, db):
    admin = django_user_model.objects.create(username="decider")
    review = StandardisationReview(status="SUBMITTED")
    review.move_to("RETURNED", by=admin)
    assert (review.status, review.decided_by, review.decided_at) == ("RETURNED", None, None)


def test_an_illegal_move_leaves_the_row_as_it_was(django_user_model, db):
    admin = django_user_model.objects.create(username="decider")
    rating = StarRating(status=RatingStatus.CONFIRMED)
    with pytest.raises(ValidationError):
        rating.move_to(RatingStatus.SUBMITTED, by=admin)
    assert (rating.status, rating.decided_by, rating.decided_at) == (RatingStatus.CONFIRMED, None, None)


def test_a_rating_still_answers_to_its_former_field_names(django_user_model, db):
    admin = django_user_model.objects.create(username="decider")
    rating = StarRating(status=RatingStatus.SUBMITTED)
    rating.move_to(RatingStatus.CONFIRMED, by=admin)
    assert (rating.confirmed_by, rating.confirmed_at) == (rating.decided_by, rating.decided_at)
    review = StandardisationReview(status="SUBMITTED")
    review.move_to("FAILED", by=admin, comment="缺少书报。")
    assert review.decision_comment == "缺少书报。"
