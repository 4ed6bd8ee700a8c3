"""Committees by term: each term keeps its seats; the matrix asks for 支委会 only in the months the branch had a
committee; the organisation page shows past terms with their committees."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from branches.models import CommitteePosition
from oversight.compliance import NO_COMMITTEE, matrix_for
from tests.factories import CommitteePositionFactory, MemberFactory, TermFactory

pytestmark = pytest.mark.django_db


def _committee(organisation, term, *, starts_on, ends_on=None):
    for position in ("SECRETARY", "DEPUTY_SECRETARY", "ORGANISATION"):
        CommitteePositionFactory(organisation=organisation, term=term, position=position, starts_on=starts_on,
                                 ends_on=ends_on, member=MemberFactory(organisation=organisation))


def test_the_matrix_asks_for_committee_meetings_only_while_the_past_terms_committee_sat(city):
    branch = city.branch_a
    old = TermFactory(organisation=branch, number=1, elected_on=dt.date(2022, 7, 1), starts_on=dt.date(2022, 7, 1),
                      ends_on=dt.date(2025, 7, 1))
    TermFactory(organisation=branch, number=2, elected_on=dt.date(2025, 7, 1), starts_on=dt.date(2025, 7, 1),
                ends_on=dt.date(2028, 7, 1))
    _committee(branch, old, starts_on=dt.date(2022, 7, 1), ends_on=dt.date(2025, 6, 30))
    # The new term elected a secretary only (the branch shrank).
    CommitteePositionFactory(organisation=branch, position="SECRETARY", starts_on=dt.date(2025, 7, 1),
                             member=MemberFactory(organisation=branch))
    matrix = matrix_for(organisations=type(branch).objects.filter(pk=branch.pk), year=2025,
                        today=dt.date(2026, 3, 1))
    row = matrix.row_for(branch.pk)

    def committee_asked(month):
        kinds = {k.kind: k for k in row.cells[month - 1].kinds}
        meeting = kinds.get("COMMITTEE_MEETING")
        return meeting is not None and meeting.not_asked != NO_COMMITTEE

    assert committee_asked(3) and committee_asked(6)
    assert not committee_asked(8) and not committee_asked(12)


def test_a_seat_belongs_to_a_term_of_its_own_organisation_and_starts_within_it(city):
    term = TermFactory(organisation=city.org_b, elected_on=dt.date(2022, 7, 1), starts_on=dt.date(2022, 7, 1),
                       ends_on=dt.date(2025, 7, 1))
    seat = CommitteePosition(organisation=city.branch_a, member=city.member, position="ORGANISATION", term=term,
                             starts_on=dt.date(2023, 1, 1))
    with pytest.raises(ValidationError):
        seat.full_clean()
    seat.organisation, seat.starts_on = city.org_b, dt.date(2026, 1, 1)
    with pytest.raises(ValidationError):
        seat.full_clean()


def test_the_organisation_page_shows_past_terms_with_their_committees(city, client):
    branch = city.branch_a
    old = TermFactory(organisation=branch, number=1, elected_on=dt.date(2022, 7, 1), starts_on=dt.date(2022, 7, 1),
                      ends_on=dt.date(2025, 7, 1))
    TermFactory(organisation=branch, number=2, elected_on=dt.date(2025, 7, 1), starts_on=dt.date(2025, 7, 1),
                ends_on=dt.date(2028, 7, 1))
    CommitteePositionFactory(organisation=branch, term=old, position="SECRETARY", starts_on=dt.date(2022, 7, 1),
                             ends_on=dt.date(2025, 6, 30), member=MemberFactory(organisation=branch, name="前任书记"))
    client.force_login(city.secretary)
    page = client.get(reverse("branches:organisation_detail", args=[branch.pk])).content.decode()
    past = page[page.index('data-testid="past-terms"'):]
    assert "历届委员会" in page and "第1届" in past and "前任书记" in past
