import datetime as dt

import pytest
from django.urls import reverse

from audit.models import Action, ActionLog
from members.idnumbers import make_id_number
from members.models import Member
from tests.factories import MemberFactory, PartyGroupFactory

BIRTH = dt.date(1988, 4, 9)
VALID_ID = make_id_number(region="340603", birth_date=BIRTH, sequence=7, female=True)


def form_data(city, **overrides):
    data = {
        "name": "林晓红", "gender": "F", "ethnicity": "汉族", "birth_date": BIRTH.isoformat(),
        "id_number": VALID_ID, "phone": "13855512345", "education": "BACHELOR", "employment_status": "SERVING",
        "job_title": "科员", "organisation": city.branch_a.pk, "party_group": "", "stage": "FULL",
        "applied_on": "2008-03-01", "activist_on": "2008-09-01", "candidate_on": "2009-10-01",
        "admitted_on": "2010-06-28", "full_on": "2011-06-28", "residential_community": "相山区东山社区",
    }
    data.update(overrides)
    return data


def test_a_secretary_adds_a_member_to_their_organisation(city, login):
    client = login(city.secretary)
    response = client.post(reverse("members:member_create"), form_data(city))
    member = Member.objects.get(name="林晓红")
    assert response.status_code == 302 and response["Location"] == member.get_absolute_url()
    assert member.organisation == city.branch_a and member.id_number == VALID_ID
    assert ActionLog.objects.filter(action=Action.MEMBER_CREATED, member=member, actor=city.secretary).exists()


@pytest.mark.parametrize(("field", "value", "message"), [
    ("id_number", VALID_ID[:17] + ("0" if VALID_ID[17] != "0" else "1"), "校验位不正确"),
    ("id_number", "34060319880409", "应为 18 位"),
    ("id_number", "3406031988A409123X", "只能由数字组成"),
    ("id_number", "340603198813401234", "出生日期"),
    ("phone", "1385551234", "11 位手机号码"),
    ("phone", "23855512345", "11 位手机号码"),
    ("birth_date", "1988-04-10", "与公民身份号码中的出生日期不一致"),
    ("admitted_on", "2099-01-01", "不能晚于今天"),
    ("activist_on", "2007-01-01", "不能早于递交入党申请书日期"),
    ("full_on", "2010-12-01", "至少相隔 365 天"),
    ("candidate_on", "2009-01-01", "至少相隔 1 年"),  # the rule row counts calendar years since issue 14
    ("applied_on", "2005-03-01", "年满 18 周岁"),
])
def test_bad_input_is_refused_in_chinese_and_the_form_keeps_what_was_typed(city, login, field, value, message):
    client = login(city.secretary)
    data = form_data(city, **{field: value})
    response = client.post(reverse("members:member_create"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and any(message in e for e in errors[field]), errors
    html = response.content.decode()
    assert 'value="林晓红"' in html and 'value="相山区东山社区"' in html and f'value="{value}"' in html
    assert not Member.objects.filter(name="林晓红").exists()


def test_a_probationary_member_may_not_have_a_conversion_date(city, login):
    response = login(city.secretary).post(reverse("members:member_create"),
                                          form_data(city, stage="PROBATIONARY"))
    assert "full_on" in response.context["form"].errors


def test_a_secretary_cannot_put_a_member_into_another_organisation_by_form_field(city, login):
    client = login(city.secretary)
    response = client.post(reverse("members:member_create"), form_data(city, organisation=city.org_b.pk))
    assert "organisation" in response.context["form"].errors
    response = client.post(reverse("members:member_edit", args=[city.member.pk]),
                           form_data(city, organisation=city.org_b.pk, id_number="", phone=""))
    assert "organisation" in response.context["form"].errors
    city.member.refresh_from_db()
    assert city.member.organisation == city.branch_a


def test_a_secretary_cannot_pick_a_party_group_of_another_organisation(city, login):
    foreign_group = PartyGroupFactory(organisation=city.org_b)
    response = login(city.secretary).post(reverse("members:member_create"),
                                          form_data(city, party_group=foreign_group.pk))
    assert "party_group" in response.context["form"].errors


def test_a_secretary_cannot_change_a_member_of_another_organisation(city, login):
    response = login(city.secretary).post(reverse("members:member_edit", args=[city.other_member.pk]),
                                          form_data(city, name="改名"))
    assert response.status_code == 404
    city.other_member.refresh_from_db()
    assert city.other_member.name == "乙党员"


def test_a_secretary_edits_without_seeing_the_id_number_and_empty_keeps_it(city, login):
    client = login(city.secretary)
    original_id, original_phone = city.member.id_number, city.member.phone
    page = client.get(reverse("members:member_edit", args=[city.member.pk])).content.decode()
    assert original_id not in page and original_phone not in page
    assert city.member.masked_id_number in page
    data = form_data(city, name="甲党员", id_number="", phone="", birth_date=city.member.birth_date.isoformat(),
                     applied_on="", activist_on="", candidate_on="", admitted_on="2004-10-01", full_on="2005-10-01")
    response = client.post(reverse("members:member_edit", args=[city.member.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    city.member.refresh_from_db()
    assert (city.member.id_number, city.member.phone) == (original_id, original_phone)
    assert not ActionLog.objects.filter(action=Action.PERSONAL_DATA_VIEWED).exists()


def test_personal_data_is_masked_on_pages_and_every_unmasked_view_is_logged(city, login):
    member = city.member
    for user in (city.secretary, city.member_user):
        page = login(user).get(member.get_absolute_url()).content.decode()
        assert member.id_number not in page and member.phone not in page
        assert member.masked_id_number in page
    client = login(city.admin)
    page = client.get(member.get_absolute_url()).content.decode()
    assert member.id_number not in page, "admins too see masked data until they ask"
    revealed = client.get(reverse("members:member_personal_data", args=[member.pk])).content.decode()
    assert member.id_number in revealed and member.phone in revealed
    log = ActionLog.objects.get(action=Action.PERSONAL_DATA_VIEWED)
    assert (log.actor, log.member) == (city.admin, member)


def test_masks_keep_only_the_ends():
    member = MemberFactory.build(id_number="340602198005171234", phone="13912345678")
    assert member.masked_id_number == "3406**********1234"
    assert member.masked_phone == "139****5678"
