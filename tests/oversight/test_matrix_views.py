"""The matrix page, a cell's drill-down, the Excel export, the set-up checks page and the exemptions."""

import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time
from openpyxl import load_workbook

from activities.choices import ActivityKind, ActivityStatus
from branches.models import Organisation
from oversight.compliance import matrix_for
from oversight.export_matrix import HEADERS, title_for
from oversight.models import Exemption
from tests.factories import MemberFactory, OrganisationFactory, PartyGroupFactory
from tests.oversight.test_compliance import activity, grow

K = ActivityKind
pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def frozen():
    with freeze_time("2025-06-10 10:00:00+08:00"):
        yield


def page(client, name="oversight:matrix", query="", **kwargs):
    response = client.get(reverse(name, kwargs=kwargs) + query)
    assert response.status_code == 200
    return response


# --- the matrix page ----------------------------------------------------------------------------

def test_a_secretary_sees_only_the_rows_of_the_organisations_they_run(city, login):
    html = page(login(city.secretary)).content.decode()
    assert "甲局第一党支部" in html and "甲局机关党总支" in html
    assert "乙局机关党支部" not in html


def test_an_admin_sees_every_branch_under_its_headers(city, login):
    response = page(login(city.admin))
    names = [(row.name, row.is_header) for row, _ in response.context["rows"]]
    assert names == [("市直机关工委", True), ("甲局机关党总支", True), ("甲局第一党支部", False),
                     ("乙局机关党支部", False)]


def test_each_cell_shows_held_against_required_and_links_to_its_drill_down(city, login):
    activity(city.branch_a, K.THEMED_DAY, dt.date(2025, 3, 15))
    html = page(login(city.admin)).content.decode()
    link = reverse("oversight:matrix_cell", kwargs={"org_pk": city.branch_a.pk, "year": 2025, "month": 3})
    assert f'<td class="c-a"><a href="{link}">1/3</a></td>' in html
    assert '<td class="c-r c-now"><a href="' in html, "June is in progress and marked"
    assert '<td class="c-f"></td>' in html, "months to come are grey and empty"


def test_the_year_selector_shows_another_year_and_ignores_nonsense(city, login):
    client = login(city.admin)
    assert page(client, query="?year=2023").context["year"] == 2023
    assert page(client, query="?year=abc").context["year"] == 2025
    assert page(client, query="?year=1900").context["year"] == 2025
    assert '<option value="2023" selected>' in page(client, query="?year=2023").content.decode()


def test_the_matrix_page_costs_the_same_queries_for_three_and_for_thirty_organisations(
        city, login, django_assert_max_num_queries):
    client = login(city.admin)
    grow(city.org_a, 1)
    with CaptureQueriesContext(connection) as small:
        page(client)
    grow(city.org_a, 27)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = page(client)
    assert len([row for row, cells in response.context["rows"] if cells is not None]) == 30


# --- a cell's drill-down ----------------------------------------------------------------------

def test_the_drill_down_lists_the_quarters_activities_and_says_which_count(city, login):
    activity(city.branch_a, K.GENERAL_MEETING, dt.date(2025, 2, 12))
    activity(city.branch_a, K.THEMED_DAY, dt.date(2025, 3, 5), status=ActivityStatus.CANCELLED)
    activity(city.org_b, K.PARTY_LESSON, dt.date(2025, 3, 20), joint=[city.branch_a])
    activity(city.branch_a, K.GENERAL_MEETING, dt.date(2025, 4, 2))
    response = page(login(city.secretary), "oversight:matrix_cell", org_pk=city.branch_a.pk, year=2025, month=3)

    rows = {a.title: (a.get_kind_display(), a.counts_as, a.is_joint) for a in response.context["activities"]}
    assert set(rows.values()) == {
        ("主题党日", "未开展，不计入", False), ("党课", "计入", True), ("支部党员大会", "计入", False)}
    assert {k.kind: (k.held, k.required) for k in response.context["cell"].kinds} == {
        K.GENERAL_MEETING: (1, 1), K.PARTY_LESSON: (1, 1), K.THEMED_DAY: (0, 1),
        K.COMMITTEE_MEETING: (0, 0), K.GROUP_MEETING: (0, 0)}
    html = response.content.decode()
    assert "缺 1 次" in html and "未设支部委员会，不作要求" in html and "与乙局机关党支部联合开展" in html
    assert "批准豁免" not in html, "only admins grant exemptions"


def test_the_drill_down_refuses_a_month_that_does_not_exist_or_an_organisation_without_meetings(city, login):
    client = login(city.admin)
    assert client.get(reverse("oversight:matrix_cell", args=[city.branch_a.pk, 2025, 13])).status_code == 404
    assert client.get(reverse("oversight:matrix_cell", args=[city.org_a.pk, 2025, 3])).status_code == 404


def test_an_admin_can_go_from_a_missing_meeting_to_granting_an_exemption(city, login):
    html = page(login(city.admin), "oversight:matrix_cell", org_pk=city.branch_a.pk, year=2025, month=5).content
    create = reverse("oversight:exemption_create")
    assert f"{create}?organisation={city.branch_a.pk}&amp;activity_kind=THEMED_DAY" in html.decode()


# --- the Excel export --------------------------------------------------------------------------

def workbook_from(response):
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return load_workbook(io.BytesIO(response.content))


def test_the_export_has_the_title_headers_and_the_same_cells_as_the_matrix(city, login):
    activity(city.branch_a, K.THEMED_DAY, dt.date(2025, 1, 15))
    activity(city.org_b, K.GENERAL_MEETING, dt.date(2025, 2, 15))
    response = login(city.admin).get(reverse("oversight:matrix_export") + "?year=2025")
    assert "attachment" in response["Content-Disposition"] and ".xlsx" in response["Content-Disposition"]
    sheet = workbook_from(response).active

    assert sheet["A1"].value == title_for(2025) == "2025年度市直机关“三会一课”落实情况"
    assert [c.value for c in sheet[3]] == HEADERS and HEADERS[1] == "1月" and HEADERS[-1] == "全年完成率"
    assert sheet.freeze_panes == "B4"
    matrix = matrix_for(organisations=Organisation.objects.all(), year=2025)
    exported = {r[0]: r[1:] for r in sheet.iter_rows(min_row=4, values_only=True)}
    for row in matrix.organisation_rows:
        assert list(exported[row.name][:12]) == [c.text or None for c in row.cells]
        assert exported[row.name][12] == pytest.approx(row.rate)
    assert exported["甲局第一党支部"][:6] == ("1/1", "0/1", "0/3", "0/1", "0/1", "0/3")
    assert exported["合计"][12] == pytest.approx(matrix.rate)


def test_the_export_is_laid_out_for_printing_on_a4_landscape(city, login):
    sheet = workbook_from(login(city.admin).get(reverse("oversight:matrix_export"))).active
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1
    assert sheet.print_title_rows == "$1:$3"
    assert sheet.column_dimensions["A"].width > sheet.column_dimensions["B"].width
    red = sheet["C6"]  # branch A (below two header rows), February: nothing held
    assert red.value == "0/1" and red.fill.fgColor.rgb.endswith("FFC7CE")


def test_a_secretary_exports_only_their_own_rows(city, login):
    sheet = workbook_from(login(city.secretary).get(reverse("oversight:matrix_export"))).active
    names = [r[0] for r in sheet.iter_rows(min_row=4, values_only=True)]
    assert names == ["甲局机关党总支", "甲局第一党支部", "合计"]
    assert "甲局机关党总支" in sheet["A2"].value


def test_the_export_costs_the_same_queries_for_three_and_for_thirty_organisations(
        city, login, django_assert_max_num_queries):
    client = login(city.admin)
    grow(city.org_a, 1)
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("oversight:matrix_export")).status_code == 200
    grow(city.org_a, 27)
    with django_assert_max_num_queries(len(small.captured_queries)):
        sheet = workbook_from(client.get(reverse("oversight:matrix_export"))).active
    assert sheet.max_row == 3 + 2 + 30 + 1  # title rows, two headers of the tree, branches, total


# --- set-up checks ------------------------------------------------------------------------------

def test_the_setup_checks_page_lists_problems_and_a_secretary_sees_only_their_own(city, login):
    MemberFactory.create_batch(3, organisation=city.org_b)
    activity(city.org_b, K.THEMED_DAY, dt.date(2025, 6, 1))
    admin_problems = page(login(city.admin), "oversight:setup_checks").context["problems"]
    assert {(p.organisation, p.code) for p in admin_problems} == {
        (city.branch_a, "TOO_FEW_FULL_MEMBERS"), (city.branch_a, "SILENT")}

    html = page(login(city.other_secretary), "oversight:setup_checks").content.decode()
    assert "没有发现问题" in html and "甲局第一党支部" not in html


def test_the_setup_checks_show_a_page_of_problems_and_count_them_all(city, login, monkeypatch):
    """A province can have thousands of problems: the table shows one page, the summary counts every one."""
    from oversight.views import matrix as views

    monkeypatch.setattr(views, "ROWS_PER_PAGE", 3)
    grow(city.org_a, 3)  # more silent, undersized branches
    client = login(city.admin)
    everything = page(client, "oversight:setup_checks").context["problems"]
    assert len(everything) > 3

    shown = []
    for _ in range(2):  # the second time round, each page's rows come from its kept fragment
        for number in range(1, (len(everything) + 2) // 3 + 1):
            html = page(client, "oversight:setup_checks", query=f"?page={number}").content.decode()
            rows = html.split("<tbody>")[1].split("</tbody>")[0]
            assert f"有 {len(everything)} 项需要关注" in html and 'aria-label="分页"' in html
            shown += [(name, message) for name, message in re.findall(
                r'<td><a href="[^"]+">([^<]+)</a></td>\s*<td[^>]*>[^<]+</td>\s*<td>([^<]+)</td>', rows)]
    expected = [(p.organisation.name, p.message) for p in everything]
    assert shown == expected * 2


# --- exemptions ---------------------------------------------------------------------------------

def test_an_admin_grants_an_exemption_and_the_requirement_leaves_the_matrix(city, login):
    PartyGroupFactory(organisation=city.branch_a)
    client = login(city.admin)
    before = matrix_for(organisations=Organisation.objects.filter(pk=city.branch_a.pk), year=2025)
    assert before.row_for(city.branch_a.pk).cells[6].required == 2, "July: a themed day and a group meeting"

    response = client.post(reverse("oversight:exemption_create"), {
        "organisation": city.branch_a.pk, "activity_kind": "GROUP_MEETING", "reason": "党员较少，暂不划分党小组",
        "valid_from": "2025-07-01", "valid_until": ""})
    assert response.status_code == 302 and response["Location"] == reverse("oversight:exemption_list")
    exemption = Exemption.objects.get()
    assert exemption.granted_by == city.admin and exemption.history.count() == 1
    from audit.models import Action, ActionLog
    log = ActionLog.objects.get(action=Action.EXEMPTION_GRANTED)
    assert (log.actor, log.organisation) == (city.admin, city.branch_a) and "党小组会" in log.detail

    after = matrix_for(organisations=Organisation.objects.filter(pk=city.branch_a.pk), year=2025)
    assert after.row_for(city.branch_a.pk).cells[4].required == 2, "May is before the exemption"
    assert after.row_for(city.branch_a.pk).cells[6].required == 1


def test_an_exemption_ending_before_it_starts_is_refused_in_chinese(city, login):
    response = login(city.admin).post(reverse("oversight:exemption_create"), {
        "organisation": city.branch_a.pk, "activity_kind": "THEMED_DAY", "reason": "抗洪",
        "valid_from": "2025-07-01", "valid_until": "2025-06-01"})
    assert response.status_code == 200
    assert response.context["form"].errors["valid_until"] == ["截止日期不能早于起始日期。"]
    assert not Exemption.objects.exists()


def test_only_meeting_kinds_and_branches_can_be_exempted(city, login):
    form = page(login(city.admin), "oversight:exemption_create",
                query=f"?organisation={city.org_b.pk}&activity_kind=PARTY_LESSON").context["form"]
    assert set(form.fields["organisation"].queryset) == {city.branch_a, city.org_b}
    assert "TRAINING" not in dict(form.fields["activity_kind"].choices)
    assert form.initial["organisation"] == str(city.org_b.pk) and form.initial["activity_kind"] == "PARTY_LESSON"


def test_a_secretary_cannot_grant_an_exemption_even_by_posting(city, login):
    response = login(city.secretary).post(reverse("oversight:exemption_create"), {
        "organisation": city.branch_a.pk, "activity_kind": "THEMED_DAY", "reason": "自己批准",
        "valid_from": "2025-07-01"})
    assert response.status_code == 403 and not Exemption.objects.exists()


def test_a_secretary_reads_the_exemptions_of_their_own_organisations_only(city, login):
    for organisation in (city.branch_a, city.org_b):
        Exemption.objects.create(organisation=organisation, activity_kind="GROUP_MEETING", reason=f"{organisation}理由",
                                 valid_from=dt.date(2025, 1, 1), granted_by=city.admin)
    response = page(login(city.secretary), "oversight:exemption_list")
    assert [e.organisation for e in response.context["exemptions"]] == [city.branch_a]
    assert "批准豁免</a>" not in response.content.decode()
    assert response.context["exemptions"][0].state == "有效"


def test_an_organisation_created_later_in_the_year_shows_grey_months_on_the_page(city, login):
    OrganisationFactory(parent=city.org_a, name="防汛临时党支部", kind="TEMPORARY_BRANCH",
                        established_on=dt.date(2025, 4, 8))
    row = next(r for r, _ in page(login(city.secretary)).context["rows"] if r.name == "防汛临时党支部")
    assert [c.css for c in row.cells[:4]] == ["c-x"] * 3 + ["c-r"]
