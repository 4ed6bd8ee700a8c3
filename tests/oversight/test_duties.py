"""责任清单: assigning to all or some organisations, reporting completion with evidence, done / due / overdue at
the deadline's edges, who may do what, and the list's constant query count."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time
from PIL import Image
from pypdf import PdfWriter

from branches.choices import OrganisationStatus
from branches.models import Organisation
from oversight import duties as services
from oversight.choices import DutyStatus
from oversight.models import Duty, DutyAssignment, Evidence
from tests.factories import OrganisationFactory

DEADLINE = dt.date(2025, 6, 30)


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def png_upload(name="活动室.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf_upload(name="制度汇编.pdf") -> SimpleUploadedFile:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


def assign(city, *, organisations=None, deadline=DEADLINE, title="制定年度党建工作计划") -> Duty:
    with freeze_time("2025-01-02 09:00:00+08:00"):
        return services.duty_create(by=city.admin, title=title, deadline=deadline,
                                    organisations=organisations or [city.branch_a, city.org_b])


def assignment_of(duty, organisation) -> DutyAssignment:
    return DutyAssignment.objects.get(duty=duty, organisation=organisation)


# --- assigning ----------------------------------------------------------------------------------

@freeze_time("2025-01-02 09:00:00+08:00")
def test_an_admin_assigns_a_duty_to_every_active_organisation(city, login):
    dissolved = OrganisationFactory(name="已撤销支部", status=OrganisationStatus.DISSOLVED,
                                    dissolved_on=dt.date(2024, 1, 1))
    response = login(city.admin).post(reverse("oversight:duty_create"), {
        "title": "制定年度党建工作计划", "detail": "报送计划文本", "deadline": "2025-03-31", "target": "all"})
    duty = Duty.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("oversight:duty_detail", args=[duty.pk])
    assigned = set(duty.assignments.values_list("organisation__name", flat=True))
    # The working committee hands duties out; a dissolved organisation gets none.
    assert assigned == {city.org_a.name, city.branch_a.name, city.org_b.name}
    assert dissolved.name not in assigned
    assert (duty.created_by, duty.deadline) == (city.admin, dt.date(2025, 3, 31))
    assert DutyAssignment.history.filter(duty_id=duty.pk).count() == 3


@freeze_time("2025-01-02 09:00:00+08:00")
def test_an_admin_assigns_a_duty_to_chosen_organisations(city, login):
    login(city.admin).post(reverse("oversight:duty_create"), {
        "title": "建设党员活动室", "deadline": "2025-03-31", "target": "chosen",
        "organisations": [city.branch_a.pk, city.org_b.pk]})
    duty = Duty.objects.get()
    assert set(duty.assignments.values_list("organisation", flat=True)) == {city.branch_a.pk, city.org_b.pk}
    assert set(duty.assignments.values_list("status", flat=True)) == {DutyStatus.OPEN}


@freeze_time("2025-01-02 09:00:00+08:00")
@pytest.mark.parametrize(("posted", "field"), [
    ({"title": "建设党员活动室", "deadline": "2025-03-31", "target": "chosen"}, "organisations"),
    ({"title": "建设党员活动室", "deadline": "2025-01-01", "target": "all"}, "deadline"),
    ({"title": "", "deadline": "2025-03-31", "target": "all"}, "title"),
])
def test_a_duty_without_organisations_or_with_a_past_deadline_is_refused(city, login, posted, field):
    response = login(city.admin).post(reverse("oversight:duty_create"), posted)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Duty.objects.exists()


@pytest.mark.parametrize("persona", ["secretary", "other_secretary", "member_user"])
def test_only_admins_create_duties(city, login, persona):
    response = login(getattr(city, persona)).post(reverse("oversight:duty_create"), {
        "title": "建设党员活动室", "deadline": "2099-03-31", "target": "all"})
    assert response.status_code == 403
    assert not Duty.objects.exists()


# --- reporting ------------------------------------------------------------------------------------

@freeze_time("2025-03-10 09:00:00+08:00")
def test_a_secretary_reports_completion_with_a_photo_and_a_pdf(city, login, media):
    duty = assign(city)
    assignment = assignment_of(duty, city.branch_a)
    response = login(city.secretary).post(reverse("oversight:duty_report", args=[assignment.pk]), {
        "report": "已制定并印发年度计划。", "evidence": [png_upload(), pdf_upload()]})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == DutyStatus.DONE
    assert assignment.report == "已制定并印发年度计划。"
    assert assignment.reported_by == city.secretary
    assert assignment.completed_at.isoformat() == "2025-03-10T01:00:00+00:00"
    assert sorted(assignment.evidence.values_list("content_type", flat=True)) == ["application/pdf", "image/png"]
    assert len(stored_files(media)) == 2
    # The other organisation's assignment is untouched.
    assert assignment_of(duty, city.org_b).status == DutyStatus.OPEN


def test_the_report_can_be_text_only_and_is_required(city, login, media):
    assignment = assignment_of(assign(city, deadline=dt.date(2099, 1, 1)), city.branch_a)
    client = login(city.secretary)
    response = client.post(reverse("oversight:duty_report", args=[assignment.pk]), {"report": "  "})
    assert response.status_code == 200 and "report" in response.context["form"].errors
    response = client.post(reverse("oversight:duty_report", args=[assignment.pk]), {"report": "已完成。"})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == DutyStatus.DONE and not assignment.evidence.exists()


def test_a_file_that_is_not_a_photo_or_pdf_refuses_the_whole_report(city, login, media):
    assignment = assignment_of(assign(city, deadline=dt.date(2099, 1, 1)), city.branch_a)
    fake = SimpleUploadedFile("伪装.pdf", b"this is not a pdf at all", content_type="application/pdf")
    response = login(city.secretary).post(reverse("oversight:duty_report", args=[assignment.pk]), {
        "report": "已完成。", "evidence": [png_upload(), fake]})
    assert response.status_code == 200
    assert "伪装.pdf" in " ".join(response.context["form"].errors["evidence"])
    assignment.refresh_from_db()
    assert assignment.status == DutyStatus.OPEN
    assert not Evidence.objects.exists()
    assert stored_files(media) == []


def test_a_second_report_adds_to_the_first_and_keeps_its_completion_time(city, media):
    assignment = assignment_of(assign(city, deadline=dt.date(2099, 1, 1)), city.branch_a)
    with freeze_time("2025-03-10 09:00:00+08:00"):
        services.duty_report(assignment=assignment, by=city.secretary, report="初步完成。")
    with freeze_time("2025-03-20 09:00:00+08:00"):
        services.duty_report(assignment=assignment, by=city.secretary, report="全部完成。", uploads=[pdf_upload()])
    assignment.refresh_from_db()
    assert assignment.report == "全部完成。"
    assert assignment.completed_at.date() == dt.date(2025, 3, 10)
    assert assignment.evidence.count() == 1


def test_the_duty_page_links_each_assignments_evidence(city, login, media):
    assignment = assignment_of(assign(city, deadline=dt.date(2099, 1, 1)), city.branch_a)
    services.duty_report(assignment=assignment, by=city.secretary, report="已完成。", uploads=[pdf_upload()])
    evidence = assignment.evidence.get()
    page = login(city.admin).get(reverse("oversight:duty_detail", args=[assignment.duty_id])).content.decode()
    assert f'href="{reverse("oversight:evidence_file", args=[evidence.pk])}"' in page
    assert evidence.original_name in page


@pytest.mark.parametrize("persona", ["other_secretary", "member_user", "outsider"])
def test_nobody_reports_on_an_organisation_they_do_not_manage(city, login, media, persona):
    assignment = assignment_of(assign(city, deadline=dt.date(2099, 1, 1)), city.branch_a)
    response = login(getattr(city, persona)).post(reverse("oversight:duty_report", args=[assignment.pk]),
                                                  {"report": "冒名报告"})
    assert response.status_code == 404
    assignment.refresh_from_db()
    assert assignment.status == DutyStatus.OPEN


def test_a_secretary_removes_a_file_from_their_report_and_another_cannot(city, login, media):
    assignment = assignment_of(assign(city, deadline=dt.date(2099, 1, 1)), city.branch_a)
    services.duty_report(assignment=assignment, by=city.secretary, report="已完成。", uploads=[png_upload()])
    evidence = assignment.evidence.get()
    url = reverse("oversight:duty_evidence_delete", args=[evidence.pk])
    assert login(city.other_secretary).post(url).status_code == 404
    assert login(city.secretary).post(url).status_code == 302
    assert not Evidence.objects.exists()


# --- done / due / overdue -------------------------------------------------------------------------

@pytest.fixture
def three_assignments(city):
    """Branch A reported in time, organisation A has not reported, organisation B reported after the deadline."""
    duty = assign(city, organisations=[city.org_a, city.branch_a, city.org_b])
    with freeze_time("2025-06-01 09:00:00+08:00"):
        services.duty_report(assignment=assignment_of(duty, city.branch_a), by=city.secretary, report="按时完成")
    with freeze_time("2025-07-05 09:00:00+08:00"):
        services.duty_report(assignment=assignment_of(duty, city.org_b), by=city.other_secretary, report="补报")
    return duty


def states(duty, today) -> dict[str, str]:
    return {a.organisation.name: a.state for a in services.assignments_of(
        organisations=Organisation.objects.all(),
        today=today, duty=duty)}


@pytest.mark.parametrize(("now", "today", "org_a_state"), [
    ("2025-06-30 23:30:00+08:00", dt.date(2025, 6, 30), "due"),  # the deadline day itself is still in time
    ("2025-07-01 00:30:00+08:00", dt.date(2025, 7, 1), "overdue"),  # local date, though UTC is still June 30
])
def test_an_open_assignment_is_due_through_the_deadline_day_and_overdue_the_day_after(
        city, three_assignments, now, today, org_a_state):
    with freeze_time(now):
        totals = services.state_totals(organisations=Organisation.objects.all())
        overdue = list(services.overdue_assignments(organisations=Organisation.objects.all()))
    assert states(three_assignments, today) == {
        city.org_a.name: org_a_state, city.branch_a.name: "done", city.org_b.name: "done"}
    assert totals == {"done": 2, "due": int(org_a_state == "due"), "overdue": int(org_a_state == "overdue")}
    assert [a.organisation for a in overdue] == ([city.org_a] if org_a_state == "overdue" else [])


def test_counts_per_organisation_come_from_one_grouped_query(city, three_assignments, django_assert_num_queries):
    second = assign(city, organisations=[city.org_a], deadline=dt.date(2025, 12, 31), title="开展主题教育")
    assert second.assignments.count() == 1
    with django_assert_num_queries(1):
        rows = services.counts_by_organisation(organisations=Organisation.objects.all(),
                                               today=dt.date(2025, 7, 1))
    assert [(r["organisation__name"], r["done"], r["due"], r["overdue"]) for r in rows] == [
        (city.org_a.name, 0, 1, 1), (city.branch_a.name, 1, 0, 0), (city.org_b.name, 1, 0, 0)]


def test_overdue_assignments_are_limited_to_the_organisations_given(city, three_assignments):
    today = dt.date(2025, 7, 1)
    assert list(services.overdue_assignments(organisations=Organisation.objects.filter(pk=city.org_b.pk),
                                             today=today)) == []
    assert [a.organisation for a in services.overdue_assignments(organisations=[city.org_a], today=today)] == [
        city.org_a]


# --- the pages ------------------------------------------------------------------------------------

@freeze_time("2025-07-01 09:00:00+08:00")
def test_a_secretary_sees_their_organisations_counts_and_assignments_only(city, login, three_assignments):
    response = login(city.secretary).get(reverse("oversight:duty_list"))
    assert response.status_code == 200
    assert response.context["totals"] == {"done": 1, "due": 0, "overdue": 1}
    assert {r["organisation__name"] for r in response.context["by_organisation"]} == {city.org_a.name,
                                                                                      city.branch_a.name}
    assert {a.organisation for a in response.context["page"]} == {city.org_a, city.branch_a}
    assert response.context["duties"] is None  # the admins' overview of duties is not shown


def test_the_duty_filter_offers_the_duties_assigned_in_the_users_scope_and_a_new_one_at_once(city, login):
    ours = assign(city, organisations=[city.branch_a], title="甲支部的事项")
    theirs = assign(city, organisations=[city.org_b], title="乙支部的事项")
    offered = login(city.secretary).get(reverse("oversight:duty_list")).context["form"].fields["duty"].queryset
    assert list(offered) == [ours]
    admin = login(city.admin)
    overview = admin.get(reverse("oversight:duty_list")).context["duties"].value
    assert {d.title for d in overview} == {ours.title, theirs.title}
    assign(city, organisations=[city.org_b], title="新下达的事项")
    assert "新下达的事项" in {d.title for d in admin.get(reverse("oversight:duty_list")).context["duties"].value}


@freeze_time("2025-07-01 09:00:00+08:00")
def test_an_admin_filters_the_list_by_state_and_organisation(city, login, three_assignments):
    client = login(city.admin)
    response = client.get(reverse("oversight:duty_list"), {"state": "overdue"})
    assert [a.organisation for a in response.context["page"]] == [city.org_a]
    response = client.get(reverse("oversight:duty_list"), {"organisation": city.org_b.pk})
    assert [a.organisation for a in response.context["page"]] == [city.org_b]
    assert response.context["totals"] == {"done": 1, "due": 0, "overdue": 0}
    overview = client.get(reverse("oversight:duty_list")).context["duties"].value
    assert [(d.title, d.total, d.done, d.due, d.overdue) for d in overview] == [("制定年度党建工作计划", 3, 2, 0, 1)]


def test_an_admins_totals_are_counted_every_five_minutes_and_say_when(city, login, three_assignments):
    client = login(city.admin)
    with freeze_time("2025-07-01 09:00:00+08:00") as clock:
        first = client.get(reverse("oversight:duty_list"))
        assert first.context["totals"] == {"done": 2, "due": 0, "overdue": 1}
        assert "统计于 09:00" in first.content.decode()
        services.duty_report(assignment=assignment_of(three_assignments, city.org_a), by=city.secretary,
                             report="已完成")
        assert client.get(reverse("oversight:duty_list")).context["totals"]["done"] == 2
        secretary_page = login(city.secretary).get(reverse("oversight:duty_list"))
        assert secretary_page.context["totals"] == {"done": 2, "due": 0, "overdue": 0}  # live
        clock.tick(dt.timedelta(minutes=6))
        client = login(city.admin)
        assert client.get(reverse("oversight:duty_list")).context["totals"] == {"done": 3, "due": 0, "overdue": 0}


@freeze_time("2025-07-01 09:00:00+08:00")
def test_the_duty_page_shows_each_organisations_state(city, login, three_assignments):
    response = login(city.admin).get(reverse("oversight:duty_detail", args=[three_assignments.pk]))
    assert response.context["counts"] == {"total": 3, "done": 2, "due": 0, "overdue": 1}
    rows = {a.organisation.name: (a.state, a.late) for a in response.context["page"]}
    assert rows == {city.org_a.name: ("overdue", False), city.branch_a.name: ("done", False),
                    city.org_b.name: ("done", True)}
    page = response.content.decode()
    assert "逾期完成" in page
    assert page.count('<span class="badge text-bg-success">已完成</span>') == 2
    assert page.count('<span class="badge text-bg-danger">已逾期</span>') == 1


@freeze_time("2025-06-15 09:00:00+08:00")
def test_the_list_badges_each_assignment_by_its_state(city, login, three_assignments):
    page = login(city.admin).get(reverse("oversight:duty_list")).content.decode()
    assert page.count('<span class="badge text-bg-success">已完成</span>') == 2
    assert page.count('<span class="badge text-bg-warning">待完成</span>') == 1  # organisation A, before its deadline
    assert "text-bg-danger" not in page


def test_the_list_costs_the_same_number_of_queries_with_more_duties_and_organisations(
        city, client, django_assert_max_num_queries):
    def grow(n):
        branches = [OrganisationFactory(parent=city.org_a) for _ in range(n)]
        for i in range(n):
            duty = assign(city, organisations=[city.branch_a, *branches], deadline=DEADLINE + dt.timedelta(days=i),
                          title=f"任务{i}")
            services.duty_report(assignment=assignment_of(duty, city.branch_a), by=city.secretary, report="完成")

    for persona in ("secretary", "admin"):
        client.force_login(getattr(city, persona))
        url = reverse("oversight:duty_list")
        grow(2)
        with CaptureQueriesContext(connection) as small:
            assert client.get(url).status_code == 200
        grow(8)
        with django_assert_max_num_queries(len(small.captured_queries)):
            assert client.get(url).status_code == 200


def test_the_duty_page_costs_the_same_queries_with_more_organisations_reports_and_files(
        city, client, media, django_assert_max_num_queries):
    branches = [OrganisationFactory(parent=city.org_a) for _ in range(10)]

    def reported(organisations, title):
        duty = assign(city, organisations=organisations, deadline=dt.date(2099, 1, 1), title=title)
        for organisation in organisations:
            services.duty_report(assignment=assignment_of(duty, organisation), by=city.secretary,
                                 report=f"{organisation.name}已完成。",
                                 uploads=[pdf_upload(f"{organisation.name}.pdf")])
        return reverse("oversight:duty_detail", args=[duty.pk])

    client.force_login(city.admin)
    small, large = reported(branches[:2], "任务甲"), reported(branches, "任务乙")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(small).status_code == 200
    with django_assert_max_num_queries(len(queries.captured_queries)):
        page = client.get(large).content.decode()
    for organisation in branches:  # each row's organisation, report and file
        assert f"{organisation.name}已完成。" in page and f"{organisation.name}.pdf" in page


def test_past_two_hundred_organisations_they_are_searched_not_listed_as_checkboxes(city, login, monkeypatch):
    from core import lookups

    monkeypatch.setattr(lookups, "SEARCH_THRESHOLD", 1)
    client = login(city.admin)
    page = client.get(reverse("oversight:duty_create")).content.decode()
    assert 'id="id_organisations_search"' in page and 'type="checkbox"' not in page
    # A choice sent back with an error stays chosen.
    again = client.post(reverse("oversight:duty_create"), {"title": "", "deadline": "2099-03-31", "target": "chosen",
                                                           "organisations": [city.org_b.pk]})
    assert f'<option value="{city.org_b.pk}" selected>' in again.content.decode()


def test_the_duty_list_pages_its_rows_by_organisation(city, login, monkeypatch):
    from oversight.views import duties as views

    services.duty_create(by=city.admin, title="任务", deadline=dt.date(2099, 5, 1),
                         organisations=[city.branch_a, city.org_b], today=dt.date(2025, 4, 1))
    monkeypatch.setattr(views, "ROWS_PER_PAGE", 1)
    client = login(city.admin)
    first = client.get(reverse("oversight:duty_list"))
    assert len(first.context["by_organisation"].object_list) == 1 and "org_page=2" in first.content.decode()
    second = client.get(reverse("oversight:duty_list") + "?org_page=2").context["by_organisation"]
    assert second.object_list[0]["organisation_id"] != first.context["by_organisation"].object_list[0][
        "organisation_id"]


@freeze_time("2025-06-15 09:00:00+08:00")
@pytest.mark.parametrize("persona", ["admin", "secretary"])
def test_the_lists_order_is_kept_until_an_assignment_changes(city, login, persona):
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    duty = assign(city, organisations=[city.org_a, city.branch_a])
    client = login(getattr(city, persona))

    def listed():
        return [a.organisation for a in client.get(reverse("oversight:duty_list")).context["page"]]

    assert listed() == [city.org_a, city.branch_a]  # open ones in tree order
    with CaptureQueriesContext(connection) as second:
        assert listed() == [city.org_a, city.branch_a]
    sorted_ids = [q["sql"] for q in second.captured_queries
                  if re.match(r'SELECT "oversight_dutyassignment"\."id"( AS "pk")? FROM', q["sql"])]
    assert sorted_ids == [], "the order is read from the cache"
    services.duty_report(assignment=assignment_of(duty, city.org_a), by=city.secretary, report="已完成")
    assert listed() == [city.branch_a, city.org_a]  # done ones last, at once


@freeze_time("2025-07-01 09:00:00+08:00")
def test_a_secretarys_totals_are_kept_until_an_assignment_or_a_duty_of_theirs_changes(
        city, login, three_assignments, django_assert_max_num_queries):
    client = login(city.secretary)

    def totals():
        response = client.get(reverse("oversight:duty_list"))
        return response.context["totals"], {r["organisation__name"]: r["overdue"]
                                            for r in response.context["by_organisation"]}

    assert totals() == ({"done": 1, "due": 0, "overdue": 1}, {city.org_a.name: 1, city.branch_a.name: 0})
    with django_assert_max_num_queries(3):  # kept: the page's rows and the filter's choices only
        totals()
    services.duty_report(assignment=assignment_of(three_assignments, city.org_a), by=city.secretary,
                         report="已完成")
    assert totals() == ({"done": 2, "due": 0, "overdue": 0}, {city.org_a.name: 0, city.branch_a.name: 0})
    later = assign(city, organisations=[city.branch_a], title="新事项", deadline=dt.date(2025, 8, 1))
    assert totals()[0] == {"done": 2, "due": 1, "overdue": 0}
    later.deadline = dt.date(2025, 6, 1)  # a deadline moved: the duty alone changed
    later.save()
    assert totals()[0] == {"done": 2, "due": 0, "overdue": 1}


@freeze_time("2025-06-15 09:00:00+08:00")
def test_the_duty_pages_order_is_kept_until_an_assignment_changes(city, login):
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    duty = assign(city, organisations=[city.org_a, city.branch_a, city.org_b])
    client = login(city.admin)

    def listed(**params):
        return [a.organisation for a in client.get(reverse("oversight:duty_detail", args=[duty.pk]),
                                                   params).context["page"]]

    assert listed() == [city.org_a, city.branch_a, city.org_b]  # open ones in tree order
    with CaptureQueriesContext(connection) as second:
        assert listed() == [city.org_a, city.branch_a, city.org_b]
    # Only the page's rows are read (by their pks); nothing sorts all of the duty's assignments again.
    sorting = [q["sql"] for q in second.captured_queries if 'FROM "oversight_dutyassignment"' in q["sql"]
               and "ORDER BY" in q["sql"] and not re.search(r'"oversight_dutyassignment"\."id" IN \(', q["sql"])]
    assert sorting == [], "the order is read from the cache"
    services.duty_report(assignment=assignment_of(duty, city.org_a), by=city.secretary, report="已完成")
    assert listed() == [city.branch_a, city.org_b, city.org_a]  # done ones last, at once
    assert listed(state="done") == [city.org_a]  # each state's order apart
