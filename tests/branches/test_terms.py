import datetime as dt

from branches.choices import OrganisationKind
from branches.models import Term
from rules.models import TermLength
from tests.factories import OrganisationFactory


def test_a_term_without_an_end_date_gets_the_length_from_the_rules(db):
    branch = OrganisationFactory(kind=OrganisationKind.BRANCH)
    committee = OrganisationFactory(kind=OrganisationKind.PARTY_COMMITTEE)
    for organisation, years in ((branch, 3), (committee, 5)):
        term = Term(organisation=organisation, elected_on=dt.date(2024, 6, 1), starts_on=dt.date(2024, 6, 1))
        term.full_clean()
        assert term.ends_on == dt.date(2024 + years, 6, 1)


def test_a_changed_rule_applies_to_terms_starting_after_it(db):
    TermLength.objects.create(organisation_kind=OrganisationKind.BRANCH, years=4, source="试点文件",
                              effective_from=dt.date(2030, 1, 1))
    branch = OrganisationFactory(kind=OrganisationKind.BRANCH)
    assert Term.default_end(branch.kind, dt.date(2029, 12, 31)) == dt.date(2032, 12, 31)
    assert Term.default_end(branch.kind, dt.date(2030, 1, 1)) == dt.date(2034, 1, 1)
