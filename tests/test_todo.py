"""The secretary's 待办 gathers what every feature says needs doing, for that secretary's organisations only."""

import pytest

from core import todo
from oversight.choices import ReviewStatus
from oversight.models import StandardisationReview
from tests.members.factories import TransferFactory

pytestmark = pytest.mark.django_db


def _keys(user) -> set[str]:
    return {group.key for group in todo.todos_for(user)}


def test_a_transfer_sent_to_a_branch_waits_on_its_secretarys_home_page_only(city, login):
    transfer = TransferFactory(member=city.other_member, to_organisation=city.branch_a)

    assert "transfers-to-accept" in _keys(city.secretary)
    assert "transfers-to-accept" not in _keys(city.other_secretary)
    page = login(city.secretary).get("/").content.decode()
    assert f'href="/members/transfers/{transfer.pk}/"' in page
    assert "乙党员（来自" in page


def test_a_review_sent_back_is_on_the_to_do_list_until_it_is_resubmitted(city):
    review = StandardisationReview.objects.create(organisation=city.branch_a, year=2026,
                                                  status=ReviewStatus.RETURNED)
    assert "reviews-returned" in _keys(city.secretary)
    review.status = ReviewStatus.SUBMITTED
    review.save()
    assert "reviews-returned" not in _keys(city.secretary)


def test_nothing_to_do_shows_no_to_do_card(city, login):
    assert todo.todos_for(city.secretary) == []
    assert 'data-testid="todo"' not in login(city.secretary).get("/").content.decode()


def test_a_provider_is_registered_once_however_often_apps_are_readied():
    before = len(todo._providers)
    todo.register("activities.meetings_to_record", lambda user: [])
    assert len(todo._providers) == before
