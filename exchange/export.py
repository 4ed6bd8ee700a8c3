"""Export in the national base data set's layout (see exchange.national for the items and their source).

Sheet 1 《党员基本信息》: the 16 member items, one row per full or probationary member on the register (正常 or
停止党籍). Sheet 2 《党组织和所在单位基本信息》: the 10 organisation items. Then the code lists and a 说明 sheet
with the source. Sheet 1 imports back unchanged as the "national_roster" kind.

ID numbers and phones are written in full only for users who may see personal data (admins), and the export is
recorded in the action log; anyone else gets them masked, as on every page."""

from django.db.models import Prefetch
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from audit.models import Action
from audit.services import action_log
from branches.choices import Position
from branches.models import CommitteePosition
from core import workbook as xlsx
from members.choices import MembershipStatus, Stage

from . import access, national

WIDTHS = {"姓名": 10, "公民身份号码": 22, "所在党支部": 30, "家庭住址": 24, "党组织名称": 34, "单位名称": 24,
          "统一社会信用代码": 22}


def member_rows(members, *, full: bool):
    for m in members:
        post = national.POSTS_OUT.get(m.employment_status) or m.job_title or national.SERVING_WITHOUT_POST
        yield [
            m.name, m.get_gender_display(), m.id_number if full else m.masked_id_number, m.ethnicity, m.birth_date,
            national.EDUCATION_OUT.get(m.education, ""),
            "正式党员" if m.stage == Stage.FULL else "预备党员",
            m.organisation.name, m.admitted_on, m.full_on, post,
            m.phone if full else m.masked_phone, m.residential_community,
            national.STANDING_OUT[m.status], "是" if m.status == MembershipStatus.SUSPENDED else "否", "否",
        ]


def organisation_rows(organisations, *, full: bool):
    for o in organisations:
        seats = {p.position: p.member for p in o.current_positions}
        secretary = seats.get(Position.SECRETARY)
        contact = seats.get(Position.ORGANISATION) or secretary
        phone = (contact.phone if full else contact.masked_phone) if contact else ""
        parent = o.parent
        if o.unit_id and (parent is None or parent.unit_id != o.unit_id):
            situation = "法人单位"
        else:
            situation = "与上级党组织相同"
        own_unit = situation == "法人单位"
        yield [
            o.name, secretary.name if secretary else "", contact.name if contact else "", phone,
            national.ORGANISATION_CATEGORIES.get(o.kind, ""), situation,
            o.unit.name if own_unit else "", national.UNIT_NATURE if own_unit else "", "是" if own_unit else "",
            "",
        ]


def party_members(user):
    return (access.members_for(user)
            .filter(stage__in=[Stage.FULL, Stage.PROBATIONARY],
                    status__in=[MembershipStatus.ACTIVE, MembershipStatus.SUSPENDED])
            .select_related("organisation").order_by("organisation__path", "name", "pk"))


def _sheet(workbook, title, headers, rows):
    sheet = workbook.create_sheet(title)
    for index, header in enumerate(headers, 1):
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS.get(header, 12)
    sheet.freeze_panes = "A2"
    sheet.append([xlsx.header_cell(sheet, h) for h in headers])
    count = 0
    for row in rows:
        sheet.append([xlsx.cell(sheet, v) for v in row])
        count += 1
    return count


def national_workbook(*, user, ip: str | None = None) -> bytes:
    full = access.can_see_personal_data(user)
    current = CommitteePosition.objects.current().select_related("member")
    organisations = (access.organisations_for(user).select_related("unit", "parent")
                     .prefetch_related(Prefetch("positions", queryset=current, to_attr="current_positions"))
                     .order_by("path"))
    workbook = Workbook(write_only=True)
    members = _sheet(workbook, "党员基本信息", national.MEMBER_ITEMS, member_rows(party_members(user).iterator(
        chunk_size=2000), full=full))
    _sheet(workbook, "党组织和所在单位基本信息", national.ORGANISATION_ITEMS, organisation_rows(organisations, full=full))
    codes = workbook.create_sheet("代码表")
    names = list(national.CODE_LISTS)
    codes.append([xlsx.header_cell(codes, n) for n in names])
    longest = max(len(v) for v in national.CODE_LISTS.values())
    for i in range(longest):
        codes.append([xlsx.cell(codes, national.CODE_LISTS[n][i] if i < len(national.CODE_LISTS[n]) else "")
                      for n in names])
    notes = workbook.create_sheet("说明")
    for line in [
        ("本文件按全国党员管理信息系统《党员基本信息采集表》（16项）和《党组织和所在单位基本信息采集表》（10项）的"
         "顺序和名称导出。"),
        f"依据：{national.SOURCE}。",
        *[f"来源：{url}" for url in national.SOURCE_URLS],
        ("“是否为失联党员”按党籍状态推算（停止党籍为“是”）；“是否为流动党员”平台尚未记录，一律为“否”；"
         "“单位性质类别”按党政机关填写；“统一社会信用代码”平台尚未记录，请补填。"),
        "本平台学历“中专/高中”导出为“中等专科”；非在职党员的工作岗位导出为“离退休人员”“学生”或“无固定职业”。",
        "公民身份号码和联系电话：工委管理员导出完整内容（已记入操作日志），其他用户导出为脱敏内容。",
        "第一个工作表可直接用“党员基本信息（全国党员信息采集表格式）”导入类型导回本平台。",
    ]:
        notes.append([xlsx.cell(notes, line)])
    if full:
        action_log(ip=ip, actor=user, action=Action.PERSONAL_DATA_VIEWED,
                   detail=f"导出全国党员基础信息：{members} 名党员的公民身份号码和联系电话")
    return xlsx.workbook_bytes(workbook)
