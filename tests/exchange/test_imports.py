"""Importing from Excel: every row checked first, then all written or none; files that are not sound workbooks
refused before anything reads them."""

import datetime as dt
import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from exchange.choices import JobStatus
from exchange.models import ImportJob
from members.models import Member
from tests.exchange.workbooks import huge_sheet_bytes, kind_bytes, person, roster_bytes, upload, workbook_bytes
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def post(client, content, kind="roster", name="名册.xlsx"):
    return client.post(reverse("exchange:index"), {"kind": kind, "file": upload(content, name)})


def confirm(client, job):
    return client.post(reverse("exchange:job_confirm", args=[job.pk]))


def last_job():
    return ImportJob.objects.order_by("-pk").first()


def test_a_valid_file_creates_exactly_its_rows(city, login):
    client = login(city.secretary)
    before = Member.objects.count()
    rows = [person(n, city.branch_a.name) for n in range(3)]
    response = post(client, roster_bytes(rows))
    job = last_job()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.status == JobStatus.READY and job.new_count == 3 and job.error_count == 0
    assert Member.objects.count() == before  # nothing until confirmed
    confirm(client, job)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert Member.objects.count() == before + 3
    created = Member.objects.get(id_number=rows[1]["公民身份号码"])
    assert (created.name, created.organisation, created.stage, created.admitted_on, created.phone) == (
        "导入党员1", city.branch_a, "FULL", dt.date(2010, 7, 1), "13700000001")
    assert created.history.count() == 1


def test_a_file_with_one_bad_row_in_500_creates_nothing_and_names_that_row_and_column(city, login):
    client = login(city.secretary)
    rows = [person(n, city.branch_a.name) for n in range(500)]
    rows[316]["公民身份号码"] = rows[316]["公民身份号码"][:17] + ("0" if rows[316]["公民身份号码"][17] != "0" else "1")
    before = Member.objects.count()
    post(client, roster_bytes(rows))
    job = last_job()
    assert job.status == JobStatus.INVALID and job.error_count == 1
    assert job.errors == [[318, "公民身份号码", rows[316]["公民身份号码"], "公民身份号码校验位不正确，请核对后重新输入。"]]
    page = client.get(job.get_absolute_url()).content.decode()
    assert "第 318 行" in page and "校验位不正确" in page and "下载错误报告" in page
    assert confirm(client, job).status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.INVALID
    assert Member.objects.count() == before


def test_the_error_report_puts_each_error_beside_its_row(city, login):
    client = login(city.secretary)
    rows = [person(1, city.branch_a.name), person(2, city.branch_a.name, 入党日期="2010-13-40")]
    post(client, roster_bytes(rows))
    job = last_job()
    response = client.get(reverse("exchange:job_errors", args=[job.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    table = [[c.value for c in row] for row in sheet.iter_rows()]
    assert table[0][:3] == ["Excel 行号", "错误说明", "姓名"]
    assert table[1][0] == 2 and table[1][1] is None
    assert table[2][0] == 3 and "入党日期：日期格式不正确" in table[2][1]


def test_the_same_file_twice_changes_nothing(city, login):
    client = login(city.secretary)
    content = roster_bytes([person(n, city.branch_a.name) for n in range(5)])
    post(client, content)
    confirm(client, last_job())
    snapshot = list(Member.objects.order_by("pk").values())
    history = Member.history.count()
    post(client, content)
    job = last_job()
    assert (job.status, job.new_count, job.changed_count, job.unchanged_count) == (JobStatus.READY, 0, 0, 5)
    confirm(client, job)
    assert list(Member.objects.order_by("pk").values()) == snapshot
    assert Member.history.count() == history


def test_a_changed_row_updates_the_member_matched_by_id_number(city, login):
    client = login(city.secretary)
    existing = MemberFactory(organisation=city.branch_a, name="王五", phone="13900000000")
    row = person(9, city.branch_a.name, 姓名="王五", 公民身份号码=existing.id_number, 手机号码="13811112222",
                 入党日期=existing.admitted_on, 转正日期=existing.full_on, 出生日期=existing.birth_date)
    post(client, roster_bytes([row]))
    job = last_job()
    assert (job.new_count, job.changed_count) == (0, 1)
    confirm(client, job)
    existing.refresh_from_db()
    assert existing.phone == "13811112222" and existing.job_title == "科员"


def test_a_secretary_cannot_import_into_another_organisation(city, login):
    client = login(city.secretary)
    before = Member.objects.count()
    post(client, roster_bytes([person(1, city.org_b.name),
                               person(2, city.branch_a.name, 公民身份号码=city.other_member.id_number,
                                      出生日期=city.other_member.birth_date)]))
    job = last_job()
    assert job.status == JobStatus.INVALID
    reasons = {(row, column): reason for row, column, _, reason in job.errors}
    assert "在您管理的党组织中找不到“乙局机关党支部”" in reasons[(2, "所在党组织")]
    assert "您管理范围以外" in reasons[(3, "公民身份号码")]
    confirm(client, job)
    assert Member.objects.count() == before
    city.other_member.refresh_from_db()
    assert city.other_member.organisation == city.org_b


def test_development_rules_and_duplicates_within_the_file_are_errors(city, login):
    client = login(city.secretary)
    young = person(3, city.branch_a.name, 发展阶段="入党申请人", 入党日期=None, 转正日期=None,
                   递交入党申请书日期=dt.date(2024, 1, 1))
    from members.idnumbers import make_id_number

    young["公民身份号码"] = make_id_number(region="340603", birth_date=dt.date(2010, 1, 1), sequence=3, female=False)
    rows = [person(1, city.branch_a.name), person(1, city.branch_a.name), young,
            person(4, city.branch_a.name, 转正日期=dt.date(2010, 8, 1))]
    post(client, roster_bytes(rows))
    job = last_job()
    reasons = {(row, column): reason for row, column, _, reason in job.errors}
    assert reasons[(3, "公民身份号码")] == "与第 2 行重复。"
    assert "年满 18 周岁" in reasons[(4, "递交入党申请书日期")]
    assert any(row == 5 and column == "转正日期" for row, column in reasons)


@pytest.mark.parametrize(("content", "name", "message"), [
    (b"PK\x03\x04" + b"\x00" * 200, "坏文件.xlsx", "文件已损坏"),
    (b"%PDF-1.4 not a workbook", "说明.xlsx", "不是 Excel 工作簿"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "旧格式.xls", "另存为” .xlsx"),
], ids=["damaged", "not-a-workbook", "old-xls"])
def test_a_file_that_is_not_a_sound_workbook_is_refused_and_nothing_is_kept(city, login, content, name, message):
    client = login(city.secretary)
    response = post(client, content, name=name)
    assert response.status_code == 400 and message in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_a_truncated_workbook_is_refused(city, login):
    client = login(city.secretary)
    content = roster_bytes([person(n, city.branch_a.name) for n in range(50)])
    response = post(client, content[: len(content) // 2])
    assert response.status_code == 400 and "损坏" in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_a_formula_cell_is_refused(city, login):
    client = login(city.secretary)
    row = person(1, city.branch_a.name, 姓名='=HYPERLINK("http://example.com","点我")')
    workbook = Workbook()
    sheet = workbook.active
    headers = list(row)
    sheet.append(headers)
    sheet.append([row[h] for h in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    before = Member.objects.count()
    response = post(client, buffer.getvalue())
    assert response.status_code == 400
    assert "第 2 行 A 列是公式" in response.content.decode()
    assert ImportJob.objects.count() == 0 and Member.objects.count() == before


def test_a_huge_sheet_is_refused(city, login):
    client = login(city.secretary)
    content = huge_sheet_bytes(100_000)
    assert content.count(b"") and len(content) < 10 * 1024 * 1024  # small on disk: only the row count is huge
    response = post(client, content)
    assert response.status_code == 400 and "数据超过 20,000 行" in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_a_decompression_bomb_is_refused_before_it_is_inflated(city, login):
    client = login(city.secretary)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            chunk = b" " * (1024 * 1024)
            for _ in range(64):
                member.write(chunk)
    assert len(buffer.getvalue()) < 200_000
    response = post(client, buffer.getvalue())
    assert response.status_code == 400 and "解压炸弹" in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_a_file_without_the_template_headers_names_the_missing_columns(city, login):
    client = login(city.secretary)
    post(client, workbook_bytes(["名字", "电话"], [["张三", "13900000000"]]))
    job = last_job()
    assert job.status == JobStatus.INVALID
    assert job.errors[0][0] == 1 and "缺少必填列：姓名、性别、公民身份号码、所在党组织、发展阶段" in job.errors[0][3]


def test_a_large_file_is_checked_and_written_in_the_background_with_progress(city, login, settings,
                                                                            django_capture_on_commit_callbacks):
    settings.IMPORT_SYNC_ROWS = 2
    client = login(city.secretary)
    with django_capture_on_commit_callbacks(execute=True):
        post(client, roster_bytes([person(n, city.branch_a.name) for n in range(3)]))
    job = last_job()
    assert job.status == JobStatus.READY and job.progress == 100 and job.new_count == 3
    with django_capture_on_commit_callbacks(execute=True):
        confirm(client, job)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert Member.objects.filter(name__startswith="导入党员").count() == 3
    fragment = client.get(reverse("exchange:job_progress", args=[job.pk])).content.decode()
    assert "hx-trigger" not in fragment and "已导入" in fragment


def test_a_check_in_progress_is_polled(city, login):
    from tests.exchange.access_exchange import secretary_job

    job = ImportJob.objects.get(**secretary_job(city, status=JobStatus.CHECKING, progress=40,
                                                progress_message="正在检查第 400 / 1,000 行"))
    client = login(city.secretary)
    fragment = client.get(reverse("exchange:job_progress", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in fragment and "40%" in fragment and "正在检查第 400" in fragment


def test_attendance_of_a_past_meeting_is_recorded_once(city, login):
    from activities.models import Activity, Attendance

    client = login(city.secretary)
    base = {"党组织": city.branch_a.name, "活动类型": "支部党员大会", "活动主题": "学习党章", "活动日期": dt.date(2025, 3, 15),
            "开始时间": "14:30"}
    other = MemberFactory(organisation=city.branch_a, name="李四")
    rows = [{**base, "姓名": city.member.name, "公民身份号码": city.member.id_number, "出勤情况": "出席"},
            {**base, "姓名": "李四", "公民身份号码": other.id_number, "出勤情况": "请假", "请假事由": "出差"}]
    content = kind_bytes("attendance", rows)
    post(client, content, kind="attendance")
    job = last_job()
    assert job.status == JobStatus.READY, job.errors
    confirm(client, job)
    activity = Activity.objects.get(title="学习党章")
    assert activity.status == "HELD" and activity.organisation == city.branch_a
    assert dict(Attendance.objects.filter(activity=activity).values_list("member__name", "status")) == {
        city.member.name: "PRESENT", "李四": "LEAVE"}
    post(client, content, kind="attendance")
    job = last_job()
    assert (job.new_count, job.changed_count, job.unchanged_count) == (0, 0, 2)
    assert Activity.objects.filter(title="学习党章").count() == 1


def test_attendance_needs_a_past_date_and_a_member_of_the_register(city, login):
    client = login(city.secretary)
    row = {"党组织": city.branch_a.name, "活动类型": "党课", "活动主题": "微党课", "活动日期": dt.date(2099, 1, 1),
           "姓名": "乙党员", "公民身份号码": city.other_member.id_number, "出勤情况": "出席"}
    post(client, kind_bytes("attendance", [row]), kind="attendance")
    reasons = {column: reason for _, column, _, reason in last_job().errors}
    assert "不能晚于今天" in reasons["活动日期"]
    assert "名册中没有这个公民身份号码" in reasons["公民身份号码"]


def test_organisations_are_imported_by_the_admin_only(city, login):
    from branches.models import Organisation

    row = {"党组织全称": "丙局机关党支部", "组织类型": "党支部", "上级党组织": city.root.name, "所在单位": "丙局"}
    row2 = {"党组织全称": "丙局第一党小组支部", "组织类型": "党支部", "上级党组织": "丙局机关党支部", "所在单位": "丙局"}
    content = kind_bytes("organisations", [row, row2])
    response = post(login(city.secretary), content, kind="organisations")
    assert response.status_code == 400 and ImportJob.objects.count() == 0
    client = login(city.admin)
    post(client, content, kind="organisations")
    job = last_job()
    assert job.status == JobStatus.READY, job.errors
    confirm(client, job)
    child = Organisation.objects.get(name="丙局第一党小组支部")
    assert child.parent.name == "丙局机关党支部" and child.unit.name == "丙局"
    assert child.path.startswith(child.parent.path)
    post(client, content, kind="organisations")
    assert last_job().unchanged_count == 2


def test_the_sweep_requeues_a_lost_import_and_fails_one_whose_worker_died(city, django_capture_on_commit_callbacks):
    from django.utils import timezone

    from exchange.services import imports_recover
    from tests.exchange.access_exchange import secretary_job

    long_ago = timezone.now() - dt.timedelta(hours=1)
    lost = ImportJob.objects.get(**secretary_job(city, status=JobStatus.CHECKING, queued_at=long_ago))
    died = ImportJob.objects.get(**secretary_job(city, status=JobStatus.WRITING, progress=1, claimed_at=long_ago))
    fresh = ImportJob.objects.get(**secretary_job(city, status=JobStatus.CHECKING, queued_at=timezone.now()))
    with django_capture_on_commit_callbacks(execute=True):
        assert imports_recover() == {"interrupted": 1, "requeued": 1}
    lost.refresh_from_db(), died.refresh_from_db(), fresh.refresh_from_db()
    assert (lost.status, lost.progress) == (JobStatus.READY, 100)  # checked by the re-queued task
    assert died.status == JobStatus.FAILED and "未导入任何数据" in died.failure
    assert fresh.status == JobStatus.CHECKING
