import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from honours import services
from honours.choices import Level, NominationStatus
from honours.models import Commendation, Nomination
from tests.honours.factories import NominationFactory, title

pytestmark = pytest.mark.django_db


def test_it_lets_a_secretary_nominate_a_member_of_their_organisation(city, client):
    client.force_login(city.secretary)
    response = client.post(reverse("honours:nomination_create"), {
        "title": title("优秀共产党员").pk, "level": Level.CITY_ORGANS, "year": 2024, "member": city.member.pk,
        "reasons": "带头攻坚，群众公认。"})
    nomination = Nomination.objects.get()
    assert response.status_code == 302
    assert (nomination.member, nomination.organisation, nomination.status) == (
        city.member, city.branch_a, NominationStatus.SUBMITTED)
    assert nomination.nominated_by == city.secretary


def test_it_refuses_a_secretary_nominating_another_organisations_member(city, client):
    client.force_login(city.secretary)
    response = client.post(reverse("honours:nomination_create"), {
        "title": title("优秀共产党员").pk, "level": Level.CITY_ORGANS, "year": 2024, "member": city.other_member.pk,
        "reasons": "理由"})
    assert response.status_code == 200
    assert "member" in response.context["form"].errors
    assert not Nomination.objects.exists()


def test_it_refuses_a_national_level_nomination(city, client):
    client.force_login(city.secretary)
    response = client.post(reverse("honours:nomination_create"), {
        "title": title("优秀共产党员").pk, "level": Level.NATIONAL, "year": 2024, "member": city.member.pk,
        "reasons": "理由"})
    assert "level" in response.context["form"].errors
    assert not Nomination.objects.exists()


def test_it_refuses_a_member_title_for_an_organisation(city, client):
    client.force_login(city.secretary)
    response = client.post(reverse("honours:nomination_create"), {
        "title": title("优秀共产党员").pk, "level": Level.CITY, "year": 2024, "organisation": city.branch_a.pk,
        "reasons": "理由"})
    assert "title" in response.context["form"].errors
    assert not Nomination.objects.exists()


def test_a_secretary_cannot_approve_their_own_nomination(city, client):
    nomination = NominationFactory(member=city.member, nominated_by=city.secretary)
    client.force_login(city.secretary)
    response = client.post(reverse("honours:nomination_detail", args=[nomination.pk]),
                           {"decision": "approve", "issuing_body": "中共市直机关工委"})
    assert response.status_code == 403
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.SUBMITTED and nomination.decided_by is None
    assert not Commendation.objects.exists()


def test_the_service_refuses_a_secretary_even_if_a_view_forgot_to_ask(city):
    nomination = NominationFactory(member=city.member)
    with pytest.raises(PermissionDenied):
        services.nomination_decide(nomination=nomination, by=city.secretary, approve=True)
    assert not Commendation.objects.exists()


def test_approving_creates_the_commendation_for_the_member(city, client):
    nomination = NominationFactory(member=city.member)
    client.force_login(city.admin)
    response = client.post(reverse("honours:nomination_detail", args=[nomination.pk]), {
        "decision": "approve", "comment": "同意", "issuing_body": "中共市直机关工委", "document_number": "市直工〔2024〕9号"})
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.APPROVED and nomination.decided_by == city.admin
    commendation = Commendation.objects.get()
    assert (commendation.member, commendation.organisation, commendation.nomination) == (city.member, None, nomination)
    assert (commendation.level, commendation.document_number) == (Level.CITY_ORGANS, "市直工〔2024〕9号")


def test_approving_an_organisations_nomination_commends_the_organisation(city):
    nomination = NominationFactory(member=None, organisation=city.branch_a, title=title("红旗党支部"))
    services.nomination_decide(nomination=nomination, by=city.admin, approve=True)
    commendation = Commendation.objects.get()
    assert (commendation.organisation, commendation.member) == (city.branch_a, None)


def test_rejecting_creates_no_commendation(city):
    nomination = NominationFactory(member=city.member)
    services.nomination_decide(nomination=nomination, by=city.admin, approve=False, comment="材料不足")
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.REJECTED and nomination.comment == "材料不足"
    assert not Commendation.objects.exists()


@pytest.mark.parametrize("first", [True, False])
def test_a_decided_nomination_cannot_be_decided_again(city, first):
    nomination = NominationFactory(member=city.member)
    services.nomination_decide(nomination=nomination, by=city.admin, approve=first)
    with pytest.raises(ValidationError):
        services.nomination_decide(nomination=nomination, by=city.admin, approve=True)
    assert Commendation.objects.count() == (1 if first else 0)


def test_a_secretary_sees_only_their_organisations_nominations(city, client):
    own = NominationFactory(member=city.member)
    foreign = NominationFactory(member=city.other_member)
    client.force_login(city.secretary)
    page = client.get(reverse("honours:nomination_list")).context["page"]
    assert list(page) == [own]
    assert client.get(reverse("honours:nomination_detail", args=[foreign.pk])).status_code == 404
