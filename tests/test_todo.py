"""The secretary's 待办 gathers what every feature says needs doing, for that secretary's organisations only."""

import pytest

from core import todo
from oversight.choices import ReviewStatus
from oversight.models import StandardisationReview
from tests.members.factories import TransferFactory

pytestmark = pytest.mark.django_db


def _keys(user) -> set[str]:
    return {group.key for group in todo.todos_for(user)}


def _home_keys(user) -> set[str]:
    from oversight import dashboard

    return {group.key for group in dashboard.todos(user)}


def test_a_transfer_sent_to_a_branch_waits_on_its_secretarys_home_page_only(city, login):
    transfer = TransferFactory(member=city.other_member, to_organisation=city.branch_a)

    assert "transfers-to-accept" in _keys(city.secretary)
    assert "transfers-to-accept" not in _keys(city.other_secretary)
    page = login(city.secretary).get("/").content.decode()
    assert f'href="/members/transfers/{transfer.pk}/"' in page
    assert "乙党员（来自" in page


@pytest.mark.parametrize("listed", ["gathered", "cached for the home page"])
def test_a_review_sent_back_is_on_the_to_do_list_until_it_is_resubmitted(city, listed):
    keys = _keys if listed == "gathered" else _home_keys
    assert "reviews-returned" not in keys(city.secretary)  # the cached list is counted and kept
    review = StandardisationReview.objects.create(organisation=city.branch_a, year=2026,
                                                  status=ReviewStatus.RETURNED)
    assert "reviews-returned" in keys(city.secretary)
    review.status = ReviewStatus.SUBMITTED
    review.save()
    assert "reviews-returned" not in keys(city.secretary)


def test_nothing_to_do_shows_no_to_do_card(city, login):
    assert todo.todos_for(city.secretary) == []
    assert 'data-testid="todo"' not in login(city.secretary).get("/").content.decode()


def test_a_provider_is_registered_once_however_often_apps_are_readied():
    before = len(todo._providers)
    todo.register("activities.meetings_to_record", lambda user: [])
    assert len(todo._providers) == before


# --- the home page reads the 待办 from a cache per subtree (oversight.dashboard.todos) ---------------------

def test_the_cached_to_do_list_shows_a_new_transfer_at_once(city):
    assert _home_keys(city.secretary) == set()  # counted and kept
    TransferFactory(member=city.other_member, to_organisation=city.branch_a)
    assert "transfers-to-accept" in _home_keys(city.secretary)


def test_a_change_in_another_organisation_leaves_the_cached_to_do_list_alone(city, monkeypatch):
    _home_keys(city.secretary)  # counted and kept
    StandardisationReview.objects.create(organisation=city.org_b, year=2026, status=ReviewStatus.RETURNED)
    TransferFactory(member=city.other_member, to_organisation=city.root)

    def must_not_count(user):
        raise AssertionError("recounted for a change in another subtree")

    monkeypatch.setattr(todo, "_providers", [("boom", must_not_count)])
    assert _home_keys(city.secretary) == set()


@pytest.mark.parametrize("write", ["dues base", "dues payments", "development record", "development step"])
def test_the_rows_behind_the_to_do_list_move_their_subtrees_version(city, write):
    import datetime as dt
    from decimal import Decimal

    from branches.versions import subtree_versions
    from development.models import DevelopmentRecord, DevelopmentStep, StepDefinition
    from dues import services as dues_services

    member = city.member
    before = subtree_versions([city.org_a.pk]), subtree_versions([city.org_b.pk])
    if write == "dues base":
        dues_services.dues_base_set(member=member, effective_from=dt.date(2026, 1, 1), category="SERVING",
                                    monthly_income=Decimal("8000"), by=city.secretary)
    elif write == "dues payments":
        dues_services.dues_base_set(member=member, effective_from=dt.date(2026, 1, 1), category="SERVING",
                                    monthly_income=Decimal("8000"), by=city.secretary)
        before = subtree_versions([city.org_a.pk]), subtree_versions([city.org_b.pk])
        dues_services.dues_payments_record(member=member, first_month=dt.date(2026, 1, 1),
                                           last_month=dt.date(2026, 2, 1), paid_on=dt.date(2026, 2, 10),
                                           by=city.secretary)
    elif write == "development record":
        DevelopmentRecord.objects.create(member=member)
    else:
        record = DevelopmentRecord.objects.create(member=member)
        before = subtree_versions([city.org_a.pk]), subtree_versions([city.org_b.pk])
        DevelopmentStep.objects.create(record=record, definition=StepDefinition.objects.order_by("number").first(),
                                       date=dt.date(2026, 1, 5))
    after = subtree_versions([city.org_a.pk]), subtree_versions([city.org_b.pk])
    assert after[0] != before[0]  # branch A is below organisation A
    assert after[1] == before[1]
