"""Past a few hundred organisations the activity form's organisation choices are searched, not listed."""

from django.urls import reverse

from core import lookups
from tests.factories import OrganisationFactory, PartyGroupFactory


def test_the_form_lists_every_organisation_while_there_are_few(city, client):
    client.force_login(city.admin)
    page = client.get(reverse("activities:activity_create")).content.decode()
    assert city.org_b.name in page
    assert 'id="id_organisation_search"' not in page


def test_with_many_organisations_the_form_holds_only_the_chosen_one_and_a_search_box(city, client, monkeypatch):
    monkeypatch.setattr(lookups, "SEARCH_THRESHOLD", 1)
    client.force_login(city.admin)
    page = client.get(reverse("activities:activity_create") + f"?organisation={city.branch_a.pk}").content.decode()
    assert 'id="id_organisation_search"' in page
    assert f'<option value="{city.branch_a.pk}" selected>' in page
    assert f'<option value="{city.org_b.pk}"' not in page


def test_the_form_counts_the_organisations_only_as_far_as_the_threshold(city, client, monkeypatch):
    # A province's 15,000 organisations were counted whole on every activity form.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(lookups, "SEARCH_THRESHOLD", 2)
    client.force_login(city.admin)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("activities:activity_create")).content.decode()
    assert 'id="id_organisation_search"' in page  # four organisations: past the threshold
    counts = [q["sql"] for q in queries.captured_queries
              if "COUNT(" in q["sql"] and 'FROM "branches_organisation"' in q["sql"]]
    assert counts and all("LIMIT 3" in sql for sql in counts)


def test_the_search_finds_organisations_by_name_and_keeps_the_selected_ones(city, client):
    client.force_login(city.admin)
    url = reverse("activities:choice_options")
    found = client.get(url, {"field": "joint_organisations", "q": "乙局", "joint_organisations": [city.branch_a.pk]})
    text = found.content.decode()
    assert f'<option value="{city.branch_a.pk}" selected>' in text
    assert f'<option value="{city.org_b.pk}">{city.org_b.name}</option>' in text


def test_a_secretary_searches_only_the_organisations_they_run_and_their_groups(city, client):
    group = PartyGroupFactory(organisation=city.branch_a)
    OrganisationFactory(name="乙局第二党支部", parent=city.org_b)
    client.force_login(city.secretary)
    url = reverse("activities:choice_options")
    assert "乙局" not in client.get(url, {"field": "organisation", "q": "乙局"}).content.decode()
    groups = client.get(url, {"field": "party_group", "organisation": city.branch_a.pk}).content.decode()
    assert f'value="{group.pk}"' in groups
    other = client.get(url, {"field": "party_group", "organisation": city.org_b.pk}).content.decode()
    assert f'value="{group.pk}"' not in other
