"""Choices among thousands: past the threshold a select holds only the chosen option beside a search box, and
the search answers only what the user may choose from."""

import pytest
from django.urls import reverse

from core import lookups
from tests.community.factories import CampaignFactory
from tests.factories import MemberFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

DONATION = "community:donation_create"


@pytest.fixture
def campaign(db):
    return CampaignFactory()


def test_while_there_are_few_choices_the_select_lists_them_all(city, login, campaign):
    page = login(city.admin).get(reverse(DONATION, args=[campaign.pk])).content.decode()
    assert 'id="id_member_search"' not in page
    assert f'<option value="{city.member.pk}">' in page
    assert f'<option value="{city.org_b.pk}">' in page


@pytest.mark.parametrize("page", ["search-select", "plain-select", "members-and-checkboxes"])
def test_a_few_choices_are_read_in_one_query_without_a_cursor(city, login, campaign, monkeypatch, page):
    """QuerySet.iterator() (Django's ModelChoiceIterator) reads through a server-side cursor on PostgreSQL:
    DECLARE, FETCH and CLOSE for a select of twenty organisations. Searchable selects, plain selects, a member's
    choice and a group of checkboxes (core.forms.ChoicesReadAtOnce) read their rows in one query."""
    from django.db.models import QuerySet

    from honours.models import CommendationTitle

    def no_cursor(self, *args, **kwargs):
        raise AssertionError("the choices were read through QuerySet.iterator()")

    monkeypatch.setattr(QuerySet, "iterator", no_cursor)
    if page == "search-select":
        html = login(city.admin).get(reverse(DONATION, args=[campaign.pk])).content.decode()
        assert f'<option value="{city.member.pk}">' in html and f'<option value="{city.org_b.pk}">' in html
    elif page == "plain-select":
        title = CommendationTitle.objects.order_by("pk").first()
        html = login(city.admin).get(reverse("honours:commendation_list")).content.decode()
        assert f'<option value="{title.pk}">{title}</option>' in html
    else:
        from members.choices import Stage

        city.member.stage = Stage.FULL
        city.member.save()
        html = login(city.secretary).get(reverse("oversight:election_record", args=[city.branch_a.pk])).content
        assert html.decode().count(f'value="{city.member.pk}"') == 3  # secretary, deputy, and a member's box


def test_past_the_threshold_only_the_chosen_option_and_a_search_box_are_rendered(city, login, campaign, monkeypatch):
    monkeypatch.setattr(lookups, "SEARCH_THRESHOLD", 1)
    client = login(city.admin)
    url = reverse(DONATION, args=[campaign.pk])

    page = client.get(url).content.decode()
    assert 'id="id_member_search"' in page and 'id="id_organisation_search"' in page
    assert f'<option value="{city.member.pk}"' not in page
    assert reverse("choices", args=["members"]) in page

    # A form sent back with an error keeps what was chosen, still selected.
    again = client.post(url, {"member": city.member.pk, "amount": "", "donated_on": "2026-11-30"})
    assert again.status_code == 200
    assert f'<option value="{city.member.pk}" selected>' in again.content.decode()


def _counts(queries) -> int:
    """The widgets' counts: at most SEARCH_THRESHOLD + 1 (here 2) rows each."""
    return sum(q["sql"].startswith("SELECT COUNT(*)") and q["sql"].endswith("LIMIT 2) subquery")
               for q in queries)


def test_whether_to_search_is_counted_once_a_minute_per_choice_set(city, login, campaign, monkeypatch):
    """Only the widget's form depends on the count, so a process remembers it for COUNT_SECONDS."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(lookups, "SEARCH_THRESHOLD", 1)
    client = login(city.admin)
    url = reverse(DONATION, args=[campaign.pk])
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    with CaptureQueriesContext(connection) as second:
        page = client.get(url).content.decode()
    assert _counts(first.captured_queries) == 2  # members and organisations
    assert _counts(second.captured_queries) == 0
    assert 'id="id_member_search"' in page and 'id="id_organisation_search"' in page

    now = lookups.time.monotonic()
    monkeypatch.setattr(lookups.time, "monotonic", lambda: now + lookups.COUNT_SECONDS + 1)
    with CaptureQueriesContext(connection) as later:
        client.get(url)
    assert _counts(later.captured_queries) == 2


def test_a_secretarys_choices_are_counted_apart_from_an_admins(city, login):
    """The key is the scoped query: what an admin may choose from says nothing of a secretary's."""
    from branches.models import Organisation

    everything = Organisation.objects.all()
    theirs = Organisation.objects.filter(pk=city.branch_a.pk)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(lookups, "SEARCH_THRESHOLD", 1)
        assert lookups.has_many_choices(everything) is True
        assert lookups.has_many_choices(theirs) is False
        assert lookups.has_many_choices(Organisation.objects.none()) is False


def test_the_search_finds_by_name_and_keeps_the_selected(city, login):
    found = MemberFactory(organisation=city.branch_a, name="张建国")
    client = login(city.secretary)
    url = reverse("choices", args=["members"])

    text = client.get(url, {"q": "建国", "name": "member", "member": city.member.pk, "empty": "全部党员"}).content.decode()

    assert text.startswith('<option value="">全部党员</option>')
    assert f'<option value="{city.member.pk}" selected>' in text
    assert f'<option value="{found.pk}">张建国（' in text


def test_the_search_answers_only_what_the_user_may_choose_from(city, login):
    MemberFactory(organisation=city.org_b, name="乙局张三")
    OrganisationFactory(name="乙局第二党支部", parent=city.org_b)
    client = login(city.secretary)

    assert "乙局张三" not in client.get(reverse("choices", args=["members"]), {"q": "张三"}).content.decode()
    assert "乙局第二" not in client.get(reverse("choices", args=["organisations"]), {"q": "乙局"}).content.decode()
    # Names of organisations are public to those who run one (a transfer's destination).
    assert "乙局第二党支部" in client.get(reverse("choices", args=["any-organisations"]), {"q": "乙局"}).content.decode()
    assert client.get(reverse("choices", args=["nothing-like-this"])).status_code == 404
    assert login(city.member_user).get(reverse("choices", args=["members"]), {"q": "张"}).status_code == 403


GROUPED = [("", "全部"), (1, "第一<支部>"), (2, "第二 & 支部"), ("组", [(3, "第三支部"), (4, '"四"')])]
FLAT = [(None, "全部"), (1, "第一<支部>"), (2, "第二 & 支部"), ("3", '"三"'), (2, "又一个二")]


@pytest.mark.parametrize("multiple", [False, True])
@pytest.mark.parametrize("choices, value", [(GROUPED, 2), (GROUPED, [2, 4]), (FLAT, 2), (FLAT, [2, "3"]),
                                            (FLAT, None), (FLAT, ""), (FLAT, [])])
def test_options_are_written_as_djangos_own_select_writes_them(multiple, choices, value):
    """SearchSelect writes its select in Python (core.forms.select_html, flat choices straight from the choices
    by flat_options_html); the markup is Django's Select's, the first of two equal values alone selected."""
    import re

    from django import forms
    from django.forms.renderers import DjangoTemplates

    ours = (lookups.SearchSelectMultiple if multiple else lookups.SearchSelect)("organisations", attrs={"id": "x"})
    django_s = (forms.SelectMultiple if multiple else forms.Select)(attrs={"id": "x"})
    ours.choices = django_s.choices = choices

    def normalised(html):
        return re.sub(r">\s+<", "><", str(html)).strip()

    django_html = django_s.render("organisation", value, renderer=DjangoTemplates())
    assert normalised(ours.render("organisation", value)) == normalised(django_html)
    assert "第一&lt;支部&gt;" in ours.render("organisation", value)
    assert ours.render("organisation", value).count(" selected") == django_html.count(" selected")
