"""The national base data set's layout: the export's items and order, its scope and masking, and the round trip
export → import on a demo city."""

import io
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import Action, ActionLog
from exchange import national
from exchange.choices import JobStatus
from exchange.models import ImportJob
from members.choices import MembershipStatus, Stage
from members.models import Member
from tests.exchange.workbooks import upload
from tests.factories import CommitteePositionFactory, MemberFactory

pytestmark = pytest.mark.django_db

# What the national layout carries, compared before and after the round trip.
CARRIED = ("name", "gender", "ethnicity", "id_number", "birth_date", "education", "stage", "organisation_id",
           "admitted_on", "full_on", "phone", "residential_community", "status", "employment_status")


def export(client):
    response = client.get(reverse("exchange:national_export"))
    assert response.status_code == 200
    return response.content


def sheets(content):
    workbook = load_workbook(io.BytesIO(content))
    return {sheet.title: [[c.value for c in row] for row in sheet.iter_rows()] for sheet in workbook.worksheets}


def test_the_export_has_the_national_items_in_their_order_and_wording(city, login):
    CommitteePositionFactory(organisation=city.branch_a, member=city.member)
    content = export(login(city.admin))
    tables = sheets(content)
    assert list(tables)[:2] == ["党员基本信息", "党组织和所在单位基本信息"]
    members, organisations = tables["党员基本信息"], tables["党组织和所在单位基本信息"]
    assert members[0] == list(national.MEMBER_ITEMS) and len(members[0]) == 16
    assert organisations[0] == list(national.ORGANISATION_ITEMS) and len(organisations[0]) == 10
    row = next(r for r in members if r[0] == city.member.name)
    assert row[2] == city.member.id_number and row[6] == "正式党员" and row[7] == city.branch_a.name
    assert row[13:] == ["正常", "否", "否"]
    branch = next(r for r in organisations if r[0] == city.branch_a.name)
    assert branch[1] == city.member.name and branch[4] == "党支部" and branch[5] == "与上级党组织相同"
    assert "中共中央组织部" in tables["说明"][1][0]
    assert "民族" in tables["代码表"][0]
    assert ActionLog.objects.filter(actor=city.admin, action=Action.PERSONAL_DATA_VIEWED).exists()


def test_a_secretary_exports_their_organisations_only_and_personal_data_masked(city, login):
    tables = sheets(export(login(city.secretary)))
    names = {row[0] for row in tables["党员基本信息"][1:]}
    assert city.member.name in names and city.other_member.name not in names
    row = next(r for r in tables["党员基本信息"] if r[0] == city.member.name)
    assert row[2] == city.member.masked_id_number and "*" in row[11]
    assert {row[0] for row in tables["党组织和所在单位基本信息"][1:]} == {city.org_a.name, city.branch_a.name}
    assert not ActionLog.objects.filter(action=Action.PERSONAL_DATA_VIEWED).exists()


def test_applicants_and_members_who_left_are_not_in_the_national_roster(city, login):
    MemberFactory(organisation=city.branch_a, name="申请人", stage=Stage.APPLICANT, activist_on=None,
                  candidate_on=None, admitted_on=None, full_on=None)
    MemberFactory(organisation=city.branch_a, name="已转出", status=MembershipStatus.TRANSFERRED_OUT)
    names = {row[0] for row in sheets(export(login(city.admin)))["党员基本信息"][1:]}
    assert "申请人" not in names and "已转出" not in names


def test_the_national_template_has_the_16_items_and_their_lists(city, login):
    response = login(city.secretary).get(reverse("exchange:template", args=["national_roster"]))
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    assert [c.value for c in sheet[1]] == list(national.MEMBER_ITEMS)
    lists = {str(v.sqref).split(":")[0]: v.formula1 for v in sheet.data_validations.dataValidation}
    assert "代码表" in lists["B2"] and "代码表" in lists["H2"]  # 性别 and 所在党支部 come from lists
    assert city.branch_a.name in [c.value for c in workbook["代码表"]["D"]] or any(
        city.branch_a.name in [c.value for c in column] for column in workbook["代码表"].iter_cols())
    example = [[c.value for c in row] for row in workbook["填写说明"].iter_rows()]
    assert list(national.MEMBER_ITEMS) in example


def test_export_then_import_on_a_small_demo_city_equals_the_register(db, client):
    call_command("seed_demo", "--orgs", "10", "--members", "200", "--activity-years", "0", stdout=StringIO())
    from accounts.models import User

    admin = User.objects.get(username="admin")
    client.force_login(admin)
    content = export(client)
    party = Member.objects.filter(stage__in=[Stage.FULL, Stage.PROBATIONARY],
                                  status__in=[MembershipStatus.ACTIVE, MembershipStatus.SUSPENDED])
    register = {m["id_number"]: m for m in party.values(*CARRIED)}
    assert len(register) > 50
    everything = list(Member.objects.order_by("pk").values())

    # Onto the same register: nothing to change.
    client.post(reverse("exchange:index"), {"kind": "national_roster", "file": upload(content)})
    job = ImportJob.objects.latest("pk")
    assert job.errors == [] and job.status == JobStatus.READY
    assert (job.new_count, job.changed_count, job.unchanged_count) == (0, 0, len(register))
    client.post(reverse("exchange:job_confirm", args=[job.pk]))
    assert list(Member.objects.order_by("pk").values()) == everything

    # Onto a register without them: the same members come back.
    party.delete()
    client.post(reverse("exchange:index"), {"kind": "national_roster", "file": upload(content)})
    job = ImportJob.objects.latest("pk")
    assert job.errors == [] and job.new_count == len(register)
    client.post(reverse("exchange:job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    restored = {m["id_number"]: m for m in Member.objects.filter(id_number__in=register).values(*CARRIED)}
    assert restored == register


def test_the_export_costs_the_same_number_of_queries_with_more_members(city, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(city.admin)
    export(client)  # the first request fills the cached roles every page reads
    with CaptureQueriesContext(connection) as small:
        export(client)
    for organisation in (city.branch_a, city.org_b):
        MemberFactory.create_batch(20, organisation=organisation)
        CommitteePositionFactory(organisation=organisation)
    with CaptureQueriesContext(connection) as large:
        export(client)
    assert len(large) == len(small)
