"""组织关系转接: within the system (sent → accepted or returned, one open at a time), to outside and from outside,
each side's view of it, and the figures of past years after a move."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.urls import reverse
from freezegun import freeze_time

from members import services
from members.choices import MembershipStatus, Stage, TransferKind, TransferStatus
from members.models import Member, MemberOrganisationPeriod, Transfer
from members.selectors import members_on, register_year
from tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    CommitteePositionFactory,
    MemberFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db


def _send(city, *, to=None, on=dt.date(2026, 3, 2), member=None):
    return services.transfer_send(member=member or city.member, to_organisation=to or city.org_b, reason="工作调动",
                                  sent_on=on, dues_paid_to=dt.date(2026, 2, 1), by=city.secretary)


def test_a_letter_gets_the_years_next_running_number_and_the_validity_of_the_rule(city):
    first = _send(city)
    second = _send(city, member=MemberFactory(organisation=city.branch_a))
    next_year = _send(city, member=MemberFactory(organisation=city.branch_a), on=dt.date(2027, 1, 4))
    assert (first.letter_year, first.letter_number, second.letter_number) == (2026, 1, 2)
    assert (next_year.letter_year, next_year.letter_number) == (2027, 1)
    assert first.letter_text == "（2026）第0001号"
    assert first.valid_until == dt.date(2026, 3, 2) + dt.timedelta(days=90)
    assert first.status == TransferStatus.SENT and first.stage == Stage.FULL


@freeze_time("2026-03-20")
def test_an_accepted_transfer_moves_the_member_with_their_history(city):
    seat = CommitteePositionFactory(organisation=city.branch_a, member=city.member, position="ORGANISATION")
    attended = AttendanceFactory(member=city.member, activity=ActivityFactory(organisation=city.branch_a,
                                 planned_start=dt.datetime(2026, 1, 10, 2, tzinfo=dt.UTC)),
                                 status="PRESENT")
    later = AttendanceFactory(member=city.member, activity=ActivityFactory(organisation=city.branch_a,
                              planned_start=dt.datetime(2026, 4, 10, 2, tzinfo=dt.UTC)))
    transfer = _send(city)
    services.transfer_accept(transfer=transfer, by=city.other_secretary, accepted_on=dt.date(2026, 3, 16))

    transfer.refresh_from_db()
    member = Member.objects.get(pk=city.member.pk)
    assert transfer.status == TransferStatus.ACCEPTED and transfer.decided_by == city.other_secretary
    assert member.organisation == city.org_b and member.party_group is None
    periods = list(MemberOrganisationPeriod.objects.filter(member=member).order_by("pk")
                   .values_list("organisation_id", "starts_on", "ends_on"))
    assert periods == [(city.branch_a.pk, None, dt.date(2026, 3, 16)), (city.org_b.pk, dt.date(2026, 3, 16), None)]
    # The history comes along: last January's attendance stays theirs; the old branch's April meeting does not
    # expect them any more, and their seat there ended the day before.
    assert type(attended).objects.filter(pk=attended.pk).exists()
    assert not type(later).objects.filter(pk=later.pk).exists()
    seat.refresh_from_db()
    assert seat.ends_on == dt.date(2026, 3, 15)
    # In which organisation on a date.
    where = dict(members_on(dt.date(2026, 3, 1)).filter(pk=member.pk).values_list("pk", "organisation_then"))
    assert where == {member.pk: city.branch_a.pk}
    where = dict(members_on(dt.date(2026, 3, 16)).filter(pk=member.pk).values_list("pk", "organisation_then"))
    assert where == {member.pk: city.org_b.pk}


def test_a_returned_transfer_leaves_the_member_where_they_were_and_keeps_the_reason(city):
    transfer = _send(city)
    services.transfer_return(transfer=transfer, by=city.other_secretary, reason="本人未来报到，单位信息有误")
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.RETURNED and transfer.comment == "本人未来报到，单位信息有误"
    assert Member.objects.get(pk=city.member.pk).organisation == city.branch_a
    assert not MemberOrganisationPeriod.objects.filter(member=city.member).exists()
    # Returned is final; and a new letter may now be issued.
    with pytest.raises(ValidationError):
        services.transfer_accept(transfer=transfer, by=city.other_secretary)
    assert _send(city).status == TransferStatus.SENT


def test_a_returned_transfer_needs_a_reason(city):
    with pytest.raises(ValidationError):
        services.transfer_return(transfer=_send(city), by=city.other_secretary, reason="  ")


def test_a_second_transfer_while_one_is_open_is_refused(city):
    _send(city)
    with pytest.raises(ValidationError, match="未办结"):
        _send(city, to=OrganisationFactory(parent=city.root))
    with pytest.raises(ValidationError, match="未办结"):
        services.transfer_out_send(member=city.member, outside_organisation="外省某党委", reason="调出",
                                   sent_on=dt.date(2026, 3, 3), by=city.secretary)
    assert Transfer.objects.filter(member=city.member).count() == 1


def test_the_form_shows_the_refusal_of_a_second_transfer_with_the_users_data(city, client):
    _send(city)
    client.force_login(city.secretary)
    response = client.post(reverse("members:transfer_create", args=[city.member.pk]), {
        "kind": "WITHIN", "to_organisation": city.org_b.pk, "reason": "再次调动",
        "sent_on": "2026-03-05"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "未办结的组织关系转接" in body and "再次调动" in body


def test_a_foreign_secretary_cannot_see_or_accept_a_transfer_between_others(city, client):
    c = OrganisationFactory(name="丙局党支部", parent=city.root)
    transfer = _send(city, to=c)
    client.force_login(city.other_secretary)
    for name in ("transfer_detail", "transfer_accept", "transfer_return", "transfer_letter"):
        assert client.get(reverse(f"members:{name}", args=[transfer.pk])).status_code == 404
    response = client.post(reverse("members:transfer_accept", args=[transfer.pk]), {"accepted_on": "2026-03-10"})
    assert response.status_code == 404
    assert client.get(reverse("members:transfer_list")).content.decode().count(city.member.name) == 0
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.SENT


def test_the_sender_cannot_accept_their_own_letter_and_the_receiver_cannot_withdraw_it(city, client):
    transfer = _send(city)
    client.force_login(city.secretary)
    assert client.post(reverse("members:transfer_accept", args=[transfer.pk]),
                       {"accepted_on": "2026-03-10"}).status_code == 403
    client.force_login(city.other_secretary)
    assert client.post(reverse("members:transfer_cancel", args=[transfer.pk]), {}).status_code == 403
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.SENT


def test_both_secretaries_see_the_transfer_in_their_list(city, client):
    transfer = _send(city)
    for user in (city.secretary, city.other_secretary):
        client.force_login(user)
        assert transfer.letter_text in client.get(reverse("members:transfer_list")).content.decode()


@freeze_time("2026-06-01")
def test_figures_for_last_year_are_unchanged_after_a_transfer_this_year(city):
    MemberFactory.create_batch(2, organisation=city.branch_a)
    leaving_for_outside = MemberFactory(organisation=city.branch_a)
    end_2025 = dt.date(2025, 12, 31)

    def by_organisation(day):
        return dict(members_on(day).filter(stage_then=Stage.FULL).order_by().values("organisation_then")
                    .annotate(n=Count("pk"))
                    .values_list("organisation_then", "n"))

    before = by_organisation(end_2025)
    last_year = register_year(organisations=[city.org_a], year=2025)
    services.transfer_accept(transfer=_send(city, on=dt.date(2026, 5, 4)), by=city.other_secretary,
                             accepted_on=dt.date(2026, 5, 20))
    services.transfer_out_send(member=leaving_for_outside, outside_organisation="外省某党委",
                               reason="调出", sent_on=dt.date(2026, 5, 21), by=city.secretary)
    assert by_organisation(end_2025) == before
    assert register_year(organisations=[city.org_a], year=2025) == last_year
    this_year = register_year(organisations=[city.org_a], year=2026)
    assert (this_year["out_within"], this_year["out_outside"], this_year["in_within"]) == (1, 1, 0)
    assert register_year(organisations=[city.org_b], year=2026)["in_within"] == 1


def test_a_transfer_to_outside_takes_the_member_off_the_register_and_the_receipt_completes_it(city):
    transfer = services.transfer_out_send(member=city.member, outside_organisation="中共某省某市委组织部",
                                          reason="调往外地工作", sent_on=dt.date(2026, 3, 2), by=city.secretary)
    member = Member.objects.get(pk=city.member.pk)
    assert member.status == MembershipStatus.TRANSFERRED_OUT and member.left_on == dt.date(2026, 3, 2)
    assert transfer.kind == TransferKind.OUT and transfer.letter_number == 1
    assert member.pk in set(members_on(dt.date(2026, 3, 1)).values_list("pk", flat=True))
    assert member.pk not in set(members_on(dt.date(2026, 3, 2)).values_list("pk", flat=True))
    services.transfer_accept(transfer=transfer, by=city.secretary, accepted_on=dt.date(2026, 3, 20),
                             note="回执已寄回")
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.ACCEPTED and transfer.receipt_note == "回执已寄回"


def _incoming(city, **person):
    fields = {"name": "王转入", "gender": "M", "ethnicity": "汉族", "birth_date": dt.date(1980, 5, 17),
              "stage": Stage.FULL, "admitted_on": dt.date(2010, 7, 1), "full_on": dt.date(2011, 7, 1),
              "id_number": MemberFactory.build().id_number}
    fields.update(person)
    return services.transfer_in_record(to_organisation=city.branch_a, outside_organisation="中共某县委组织部",
                                       incoming_letter_number="（2026）第17号", incoming_letter_date=dt.date(2026, 4, 1),
                                       reason="工作调入", accepted_on=dt.date(2026, 4, 8), by=city.secretary, **fields)


def test_a_letter_from_outside_registers_the_person_from_the_day_it_is_accepted(city):
    transfer = _incoming(city)
    member = transfer.member
    assert member.organisation == city.branch_a and member.status == MembershipStatus.ACTIVE
    assert transfer.status == TransferStatus.ACCEPTED and transfer.kind == TransferKind.IN
    assert member.pk not in set(members_on(dt.date(2025, 12, 31)).values_list("pk", flat=True))
    assert member.pk in set(members_on(dt.date(2026, 4, 8)).values_list("pk", flat=True))


def test_a_letter_from_outside_for_someone_already_on_the_register_is_refused(city):
    with pytest.raises(ValidationError, match="已在名册中"):
        _incoming(city, id_number=city.other_member.id_number)
    assert not Transfer.objects.exists()


def test_someone_who_left_by_transfer_comes_back_on_their_old_record(city):
    services.transfer_out_send(member=city.member, outside_organisation="外省某党委", reason="调出",
                               sent_on=dt.date(2025, 3, 2), by=city.secretary)
    back = _incoming(city, id_number=city.member.id_number, name=city.member.name)
    assert back.member.pk == city.member.pk
    member = Member.objects.get(pk=city.member.pk)
    assert member.status == MembershipStatus.ACTIVE and member.left_on is None
    on_register = lambda day: member.pk in set(members_on(day).values_list("pk", flat=True))
    assert on_register(dt.date(2025, 1, 1)) and not on_register(dt.date(2025, 12, 31))
    assert on_register(dt.date(2026, 4, 8))


def test_the_letter_prints_and_downloads_as_a_pdf(city, client):
    transfer = _send(city)
    client.force_login(city.secretary)
    page = client.get(reverse("members:transfer_letter", args=[transfer.pk])).content.decode()
    assert "中国共产党党员组织关系介绍信" in page and "（2026）第0001号" in page and "2026年2月" in page
    assert city.member.id_number not in page  # masked on the letter
    response = client.get(reverse("members:transfer_letter", args=[transfer.pk]) + "?format=pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    receipt = client.get(reverse("members:transfer_receipt", args=[transfer.pk])).content.decode()
    assert "回　执" in receipt and "特此回复" in receipt


def test_the_member_page_shows_the_transfer_history(city, client):
    transfer = _send(city)
    services.transfer_accept(transfer=transfer, by=city.other_secretary, accepted_on=dt.date(2026, 3, 16))
    client.force_login(city.other_secretary)
    page = client.get(reverse("members:member_detail", args=[city.member.pk])).content.decode()
    assert "组织关系转接" in page and city.branch_a.name in page and "已接收" in page


@pytest.mark.parametrize("literal_limit", [1000, 0])
def test_a_secretary_sees_exactly_the_transfers_into_or_out_of_their_tree(city, monkeypatch, literal_limit):
    """Whether their organisations are named as ids (up to LITERAL_ORGANISATIONS) or by tree path."""
    import branches.access
    from members.access import transfers_visible_to

    monkeypatch.setattr(branches.access, "LITERAL_ORGANISATIONS", literal_limit)
    c = OrganisationFactory(name="丙局党支部", parent=city.root)
    outgoing = _send(city, to=c)  # from branch A (below the secretary's org A) to C
    incoming = _send(city, member=city.other_member, to=city.branch_a)  # from org B into branch A
    elsewhere = _send(city, member=MemberFactory(organisation=city.org_b), to=c)
    assert set(transfers_visible_to(city.secretary)) == {outgoing, incoming}
    assert set(transfers_visible_to(city.other_secretary)) == {incoming, elsewhere}
