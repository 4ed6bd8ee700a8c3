"""党员花名册: everyone on the roll of the scope on the day it is generated. Personal data is masked: the file
leaves the system, and an unmasked export would need its own permission and audit record."""

from members.choices import Education, EmploymentStatus, Gender, Stage
from members.models import Member
from members.validators import mask_id_number, mask_phone
from reports.choices import Period, ReportKind
from reports.exporters.base import COUNT, DATE, Column, Exporter, Sheet


class RosterExporter(Exporter):
    identifier = ReportKind.ROSTER
    name = "党员花名册"
    description = "在册党员及入党积极分子等名单；公民身份号码和手机号码已脱敏。"
    period = Period.SNAPSHOT

    def sheets(self) -> list[Sheet]:
        members = (Member.objects.active().filter(organisation__in=self.scope.values("pk"))
                   .order_by("organisation__path", "name", "pk")
                   .values_list("name", "gender", "ethnicity", "birth_date", "id_number", "phone", "education",
                                "stage", "admitted_on", "full_on", "organisation__name", "party_group__name",
                                "employment_status", "job_title"))
        genders, educations = dict(Gender.choices), dict(Education.choices)
        stages, employment = dict(Stage.choices), dict(EmploymentStatus.choices)

        def rows():
            for number, (name, gender, ethnicity, birth, id_number, phone, education, stage, admitted, full,
                         organisation, group, status, job) in enumerate(members.iterator(chunk_size=2000), 1):
                yield (number, name, genders.get(gender, ""), ethnicity, birth, mask_id_number(id_number or ""),
                       mask_phone(phone), educations.get(education, ""), stages.get(stage, ""), admitted, full,
                       organisation, group or "", employment.get(status, ""), job)

        return [Sheet("党员花名册", [
            Column("序号", 6, COUNT), Column("姓名", 10), Column("性别", 5), Column("民族", 7),
            Column("出生日期", 11, DATE), Column("公民身份号码", 21), Column("手机号码", 13), Column("学历", 11),
            Column("发展阶段", 11), Column("入党日期", 11, DATE), Column("转正日期", 11, DATE),
            Column("所在党组织", 26), Column("党小组", 12), Column("工作状态", 9), Column("职务/岗位", 14)],
            rows(), heading="党员花名册", note="公民身份号码、手机号码已按个人信息保护要求脱敏。", landscape=True)]
