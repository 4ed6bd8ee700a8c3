import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from activities.choices import ActivityKind
from honours import services
from honours.choices import SelectionStatus, SelectionSubject
from honours.models import TopTenSelection
from tests.factories import ActivityFactory, UserFactory
from tests.honours.factories import BrandFactory, EntryFactory, SelectionFactory

pytestmark = pytest.mark.django_db


def _scored_selection(count: int):
    selection = SelectionFactory()
    entries = [EntryFactory(selection=selection) for _ in range(count)]
    services.scoring_open(selection=selection)
    jurors = [UserFactory(), UserFactory()]
    for index, entry in enumerate(entries):
        for juror in jurors:
            services.jury_score(entry=entry, juror=juror, score=50 + index)
    return selection, entries


def test_the_ten_with_the_highest_average_score_are_ranked_in_order():
    selection, entries = _scored_selection(12)
    services.selection_decide_by_scores(selection=selection)
    ranked = list(selection.entries.filter(rank__isnull=False).order_by("rank"))
    assert ranked == list(reversed(entries))[:10]
    assert selection.status == SelectionStatus.DECIDED
    assert selection.entries.filter(rank__isnull=True).count() == 2


def test_a_juror_scores_an_entry_once_and_may_change_it():
    selection, entries = _scored_selection(1)
    juror = UserFactory()
    services.jury_score(entry=entries[0], juror=juror, score=60)
    services.jury_score(entry=entries[0], juror=juror, score=90)
    assert entries[0].scores.filter(juror=juror).get().score == 90


def test_scores_are_refused_before_scoring_opens_and_after_the_decision():
    selection = SelectionFactory()
    entry = EntryFactory(selection=selection)
    with pytest.raises(ValidationError):
        services.jury_score(entry=entry, juror=UserFactory(), score=80)
    services.scoring_open(selection=selection)
    services.selection_decide_by_scores(selection=selection)
    entry.refresh_from_db()
    with pytest.raises(ValidationError):
        services.jury_score(entry=entry, juror=UserFactory(), score=80)


def test_deciding_by_scores_before_scoring_is_refused():
    selection = SelectionFactory()
    EntryFactory(selection=selection)
    with pytest.raises(ValidationError):
        services.selection_decide_by_scores(selection=selection)
    assert selection.status == SelectionStatus.SHORTLISTING


def test_a_decided_selection_cannot_be_decided_again_or_reopened():
    selection = SelectionFactory()
    entries = [EntryFactory(selection=selection) for _ in range(3)]
    services.selection_decide_by_marks(selection=selection, entries=entries[::-1])
    assert [e.pk for e in selection.entries.order_by("rank")] == [e.pk for e in entries[::-1]]
    with pytest.raises(ValidationError):
        services.selection_decide_by_marks(selection=selection, entries=entries)
    with pytest.raises(ValidationError):
        services.scoring_open(selection=selection)
    with pytest.raises(ValidationError):
        services.entry_add(selection=selection, brand=BrandFactory())


def test_the_admin_cannot_mark_more_than_ten_or_another_selections_entries():
    selection = SelectionFactory()
    entries = [EntryFactory(selection=selection) for _ in range(11)]
    with pytest.raises(ValidationError):
        services.selection_decide_by_marks(selection=selection, entries=entries)
    with pytest.raises(ValidationError):
        services.selection_decide_by_marks(selection=selection,
                                           entries=[EntryFactory(selection=SelectionFactory(year=2023))])
    assert selection.status == SelectionStatus.SHORTLISTING


def test_a_lecture_selection_takes_open_lectures_only(city):
    selection = SelectionFactory(subject=SelectionSubject.OPEN_LECTURE)
    lecture = ActivityFactory(organisation=city.branch_a, kind=ActivityKind.OPEN_LECTURE)
    meeting = ActivityFactory(organisation=city.branch_a, kind=ActivityKind.GENERAL_MEETING)
    services.entry_add(selection=selection, activity=lecture)
    with pytest.raises(ValidationError):
        services.entry_add(selection=selection, activity=meeting)
    with pytest.raises(ValidationError):
        services.entry_add(selection=selection, brand=BrandFactory())


def test_the_admin_runs_a_brand_selection_through_the_page(city, client):
    brands = [BrandFactory(year=2024) for _ in range(3)]
    client.force_login(city.admin)
    response = client.post(reverse("honours:selection_list"), {"year": 2024, "subject": SelectionSubject.BRAND})
    url = response["Location"]
    client.post(url, {"action": "add", "candidate": [b.pk for b in brands]})
    client.post(url, {"action": "open_scoring"})
    selection = TopTenSelection.objects.get()
    # Each brand's own entry (the entries are added in the choices' order, by name: "红色先锋100" before "…99").
    entries = {entry.brand_id: entry for entry in selection.entries.all()}
    for score, brand in zip([70, 90, 80], brands):
        client.post(url, {"action": "score", "entry": entries[brand.pk].pk, "score": score})
    client.post(url, {"action": "decide_scores"})
    selection.refresh_from_db()
    assert selection.status == SelectionStatus.DECIDED
    assert [e.brand for e in selection.entries.order_by("rank")] == [brands[1], brands[2], brands[0]]
    gallery = client.get(reverse("honours:brand_gallery")).content.decode()
    assert gallery.count("2024十佳") == 3


def test_an_illegal_step_through_the_page_changes_nothing(city, client):
    selection = SelectionFactory()
    client.force_login(city.admin)
    response = client.post(reverse("honours:selection_detail", args=[selection.pk]), {"action": "decide_scores"},
                           follow=True)
    assert "须先由评委打分" in response.content.decode()
    selection.refresh_from_db()
    assert selection.status == SelectionStatus.SHORTLISTING


def test_a_secretary_cannot_run_a_selection(city, client):
    selection = SelectionFactory()
    client.force_login(city.secretary)
    response = client.post(reverse("honours:selection_detail", args=[selection.pk]), {"action": "open_scoring"})
    assert response.status_code == 403
