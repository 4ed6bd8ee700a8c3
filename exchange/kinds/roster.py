"""Roster imports: members with their stage dates, matched by ID number.

Two layouts fill the same register: ours (every field of the member form) and the national base data set's 16
items (what the national system exports, and what we export). A row whose member exists and whose values are the
same changes nothing, so importing the same file twice is harmless."""

import copy

from django.core.exceptions import ValidationError
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from audit.models import Action
from audit.services import action_log
from branches import access
from branches.models import Organisation, PartyGroup
from branches.versions import subtrees_changed
from members.choices import Education, EmploymentStatus, Gender, MembershipStatus, Stage
from members.models import Member
from members.rules import member_date_errors
from members.validators import birth_date_from_id_number, validate_id_number, validate_mobile

from .. import national
from .base import Column, ImportKind, Planned, register

GENDERS = {label: value for value, label in Gender.choices}
STAGES = {label: value for value, label in Stage.choices}
EDUCATIONS = {label: value for value, label in Education.choices}
EMPLOYMENT = {label: value for value, label in EmploymentStatus.choices}
LEFT = (MembershipStatus.TRANSFERRED_OUT, MembershipStatus.EXPELLED, MembershipStatus.DECEASED)
BATCH = 500


def _chunks(items, size=BATCH):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]


class BaseRosterKind(ImportKind):
    # Fields this layout carries: only these are compared and written for a member already on the register.
    carried: tuple[str, ...] = ()
    id_key = "id_number"
    organisation_key = "organisation"

    def row_key(self, values):
        from members.validators import normalise_id_number

        value = values.get(self.id_key)
        return normalise_id_number(str(value)) if isinstance(value, str) and value.strip() else None

    def prepare(self, rows):
        from members.validators import normalise_id_number

        ids = {normalise_id_number(v.get(self.id_key)) for _, v in rows if isinstance(v.get(self.id_key), str)}
        self.existing: dict[str, Member] = {}
        for chunk in _chunks(sorted(i for i in ids if i)):
            for member in Member.objects.filter(id_number__in=chunk).select_related("organisation"):
                self.existing[member.id_number] = member
        organisations = access.scoped(self.user, Organisation.objects.active(), via="", write=True)
        self.organisations: dict[str, list[Organisation]] = {}
        for organisation in organisations.only("pk", "name", "short_name", "path", "kind"):
            self.organisations.setdefault(organisation.name, []).append(organisation)
        self.groups = {(g.organisation_id, g.name): g
                       for g in PartyGroup.objects.filter(organisation__in=organisations).only("pk", "name",
                                                                                              "organisation_id")}

    def organisation(self, key: str) -> Organisation | None:
        name = self.text(key)
        if not name:
            return None
        found = self.organisations.get(name, [])
        if not found:
            self.error(key, f"在您管理的党组织中找不到“{name}”。请填写党组织全称（与平台中的名称一致）。")
            return None
        if len(found) > 1:
            self.error(key, f"有多个名为“{name}”的党组织，无法确定是哪一个，请联系工委管理员。")
            return None
        return found[0]

    def id_number(self) -> str:
        value = self.identity(self.id_key)
        if value:
            try:
                validate_id_number(value)
            except ValidationError as error:
                self.error(self.id_key, " ".join(error.messages))
                return ""
        return value

    def phone(self, key: str) -> str:
        value = self.text(key)
        if value:
            try:
                validate_mobile(value)
            except ValidationError as error:
                self.error(key, " ".join(error.messages))
        return value

    def fields(self) -> dict | None:
        """The row as member fields (every carried field present), or None after recording errors."""
        raise NotImplementedError

    def check_row(self, values):
        id_number = self.id_number()
        fields = self.fields()
        if not id_number or fields is None:
            return None
        fields["id_number"] = id_number
        if not fields.get("birth_date"):
            fields["birth_date"] = birth_date_from_id_number(id_number)
        existing = self.existing.get(id_number)
        if existing is not None:
            if not access.can_manage_organisation(self.user, existing.organisation):
                self.error(self.id_key, "该党员已登记在您管理范围以外的党组织，不能通过导入修改；如组织关系变动，"
                                        "请办理组织关系转接。")
                return None
            if existing.status in LEFT:
                self.error(self.id_key, f"该党员的党籍状态为“{existing.get_status_display()}”，不能通过导入修改。")
                return None
            member = copy.copy(existing)
        else:
            member = Member()
        for name, value in fields.items():
            setattr(member, name, value)
        if existing is not None and "party_group_id" not in self.carried and \
                member.organisation_id != existing.organisation_id:
            member.party_group = None  # the old organisation's party group does not move with the member
        try:
            member.clean_fields(exclude=["organisation", "party_group", "user"])
        except ValidationError as error:
            self.field_errors(error.message_dict)
            return None
        date_errors = member_date_errors(member, today=self.today)
        if date_errors:
            self.field_errors(date_errors)
            return None
        if existing is None:
            return Planned(row=0, action="create", obj=member)
        changed = [name for name in dict.fromkeys((*self.carried, "party_group_id"))
                   if getattr(existing, name) != getattr(member, name)]
        if not changed:
            return Planned(row=0, action="unchanged", obj=existing)
        return Planned(row=0, action="update", obj=member, changed=changed)

    def write(self, planned, *, by):
        now = timezone.now()
        created = [p.obj for p in planned if p.action == "create"]
        updated = [p.obj for p in planned if p.action == "update"]
        for member in created:
            member.status = member.status or MembershipStatus.ACTIVE
        bulk_create_with_history(created, Member, batch_size=BATCH, default_user=by,
                                 default_change_reason=f"Excel 导入（{self.name}）")
        if updated:
            changed = sorted({name for p in planned if p.action == "update" for name in p.changed})
            for member in updated:
                member.updated_at = now
            bulk_update_with_history(updated, Member, [*changed, "updated_at"], batch_size=BATCH,
                                     default_user=by, default_change_reason=f"Excel 导入（{self.name}）")
        # Bulk writes send no signals: the home figures of the organisations written to are counted again.
        subtrees_changed({member.organisation_id for member in created + updated})
        if created:
            action_log(actor=by, action=Action.MEMBER_CREATED, detail=f"Excel 导入（{self.name}）新增 {len(created)} 名")
        if updated:
            action_log(actor=by, action=Action.MEMBER_UPDATED, detail=f"Excel 导入（{self.name}）修改 {len(updated)} 名")


DATE_FIELDS = ("applied_on", "activist_on", "candidate_on", "admitted_on", "full_on")


@register
class RosterKind(BaseRosterKind):
    identifier = "roster"
    name = "党员名册（本平台格式）"
    description = "党员、预备党员、发展对象、入党积极分子和入党申请人，连同各阶段日期；按公民身份号码匹配，已有的更新，没有的新增。"
    sheet_title = "党员名册"
    columns = (
        Column("name", "姓名", required=True, sample="张三", width=10),
        Column("gender", "性别", required=True, choices=tuple(GENDERS), sample="男", width=6),
        Column("ethnicity", "民族", choices=national.ETHNICITIES, sample="汉族", width=8),
        Column("id_number", "公民身份号码", required=True, sample="34060219850517001X", width=22, text=True),
        Column("birth_date", "出生日期", sample="", date=True, note="留空则按公民身份号码填写"),
        Column("education", "学历", choices=tuple(EDUCATIONS), sample="大学本科", width=12),
        Column("employment_status", "工作状态", choices=tuple(EMPLOYMENT), sample="在职", width=10),
        Column("job_title", "职务/岗位", sample="科员", width=12),
        Column("phone", "手机号码", sample="13912345678", width=14, text=True),
        Column("organisation", "所在党组织", required=True, sample="", width=28, note="填写党组织全称"),
        Column("party_group", "党小组", sample="", width=12),
        Column("stage", "发展阶段", required=True, choices=tuple(STAGES), sample="正式党员", width=12),
        Column("applied_on", "递交入党申请书日期", sample="2008-03-01", date=True, width=16),
        Column("activist_on", "确定为积极分子日期", sample="2008-09-01", date=True, width=16),
        Column("candidate_on", "确定为发展对象日期", sample="2009-10-08", date=True, width=16),
        Column("admitted_on", "入党日期", sample="2010-01-05", date=True, note="接收为预备党员之日"),
        Column("full_on", "转正日期", sample="2011-01-05", date=True),
        Column("residential_community", "居住地社区", sample="相山区东山街道东山社区", width=20),
    )
    carried = ("name", "gender", "ethnicity", "id_number", "birth_date", "education", "employment_status",
               "job_title", "phone", "organisation_id", "party_group_id", "stage", *DATE_FIELDS,
               "residential_community")

    def fields(self):
        before = len(self.errors)
        organisation = self.organisation("organisation")
        group_name = self.text("party_group")
        group = None
        if organisation and group_name:
            group = self.groups.get((organisation.pk, group_name))
            if group is None:
                self.error("party_group", f"“{organisation.name}”没有名为“{group_name}”的党小组。")
        ethnicity = self.text("ethnicity") or "汉族"
        if ethnicity not in national.ETHNICITIES:
            self.error("ethnicity", "请填写民族全称，如“汉族”“回族”。")
        fields = {
            "name": self.text("name", 50),
            "gender": self.choice("gender", GENDERS),
            "ethnicity": ethnicity,
            "birth_date": self.date("birth_date"),
            "education": self.choice("education", EDUCATIONS, default=""),
            "employment_status": self.choice("employment_status", EMPLOYMENT, default=EmploymentStatus.SERVING),
            "job_title": self.text("job_title", 50),
            "phone": self.phone("phone"),
            "organisation": organisation,
            "party_group": group,
            "stage": self.choice("stage", STAGES),
            **{name: self.date(name) for name in DATE_FIELDS},
            "residential_community": self.text("residential_community", 100),
        }
        return fields if len(self.errors) == before else None


@register
class NationalRosterKind(BaseRosterKind):
    """The 16 items of the national 党员基本信息采集表, exactly as exchange.national exports them."""

    identifier = "national_roster"
    name = "党员基本信息（全国党员信息采集表格式）"
    description = ("全国党员管理信息系统《党员基本信息采集表》的 16 项，顺序和名称与国家采集表一致；"
                   "本平台“导出全国基础信息”的文件可直接导入。只含正式党员和预备党员。")
    sheet_title = "党员基本信息"
    columns = (
        Column("name", "姓名", required=True, sample="张三", width=10, field="name"),
        Column("gender", "性别", required=True, choices=tuple(national.GENDERS), sample="男", width=6, field="gender"),
        Column("id_number", "公民身份号码", required=True, sample="34060219850517001X", width=22, text=True,
               field="id_number"),
        Column("ethnicity", "民族", required=True, choices=national.ETHNICITIES, sample="汉族", width=8,
               field="ethnicity"),
        Column("birth_date", "出生日期", required=True, sample="1985-05-17", date=True, field="birth_date"),
        Column("education", "学历", choices=tuple(national.EDUCATION), sample="大学本科", width=12, field="education"),
        Column("category", "人员类别", required=True, choices=tuple(national.MEMBER_CATEGORIES), sample="正式党员",
               width=10, field="stage"),
        Column("organisation", "所在党支部", required=True, sample="", width=28, field="organisation"),
        Column("admitted_on", "入党日期", required=True, sample="2010-01-05", date=True, field="admitted_on"),
        Column("full_on", "转正日期", sample="2011-01-05", date=True, field="full_on"),
        Column("post", "工作岗位", sample="科员", width=12, field="job_title",
               note=f"在职党员填岗位；其他填{'、'.join(national.POSTS_NOT_SERVING)}"),
        Column("phone", "联系电话", sample="13912345678", width=14, text=True, field="phone"),
        Column("address", "家庭住址", sample="相山区东山街道东山社区", width=20, field="residential_community"),
        Column("standing", "党籍状态", required=True, choices=tuple(national.STANDING), sample="正常", width=10,
               field="status"),
        Column("lost_contact", "是否为失联党员", choices=tuple(national.YES_NO), sample="否", width=8),
        Column("mobile", "是否为流动党员", choices=tuple(national.YES_NO), sample="否", width=8),
    )
    carried = ("name", "gender", "ethnicity", "id_number", "birth_date", "education", "employment_status",
               "job_title", "organisation_id", "stage", "admitted_on", "full_on", "phone",
               "residential_community", "status")

    def fields(self):
        before = len(self.errors)
        organisation = self.organisation("organisation")
        post = self.text("post", 50)
        self._post_said = post not in national.POSTS_NOT_SERVING
        employment = national.POSTS_NOT_SERVING.get(post, EmploymentStatus.SERVING)
        job_title = "" if post in national.POSTS_NOT_SERVING or post == national.SERVING_WITHOUT_POST else post
        ethnicity = self.text("ethnicity")
        if ethnicity and ethnicity not in national.ETHNICITIES:
            self.error("ethnicity", "请填写民族全称，如“汉族”“回族”。")
        self.choice("lost_contact", national.YES_NO)
        self.choice("mobile", national.YES_NO)
        fields = {
            "name": self.text("name", 50),
            "gender": self.choice("gender", national.GENDERS),
            "ethnicity": ethnicity,
            "birth_date": self.date("birth_date"),
            "education": self.choice("education", national.EDUCATION, default=""),
            "stage": self.choice("category", national.MEMBER_CATEGORIES),
            "organisation": organisation,
            "admitted_on": self.date("admitted_on"),
            "full_on": self.date("full_on"),
            "employment_status": employment,
            "job_title": job_title,
            "phone": self.phone("phone"),
            "residential_community": self.text("address", 100),
            "status": self.choice("standing", national.STANDING),
        }
        return fields if len(self.errors) == before else None

    def check_row(self, values):
        planned = super().check_row(values)
        if planned is not None and planned.action == "update" and not self._post_said:
            # 离退休人员/学生/无固定职业 says nothing of the post: a retired member's last post is kept.
            existing = self.existing[planned.obj.id_number]
            if "job_title" in planned.changed:
                planned.obj.job_title = existing.job_title
                planned.changed.remove("job_title")
            if not planned.changed:
                return Planned(row=0, action="unchanged", obj=existing)
        return planned
