from django import forms
from django.utils import timezone

from core.forms import DatePicker, ModelChoiceField, ModelMultipleChoiceField, MultipleFileField
from core.lookups import SearchSelect
from members.choices import Education, Gender, MembershipStatus, Stage
from members.models import Member
from members.validators import normalise_id_number, validate_id_number, validate_mobile

from .choices import Outcome, People

DATE = DatePicker()
ACCEPT = "image/jpeg,image/png,image/webp,application/pdf,.jpg,.jpeg,.png,.webp,.pdf"


def _date(label, required=True, **kwargs):
    return forms.DateField(label=label, required=required, widget=DATE, **kwargs)


def _count(label, required=False):
    return forms.IntegerField(label=label, required=required, min_value=0, max_value=9999)


class StepForm(forms.Form):
    """One step's form, with the fields its definition needs (one large forgiving form)."""

    def __init__(self, *args, definition, record, **kwargs):
        super().__init__(*args, **kwargs)
        self.definition = definition
        if definition.needs_range:
            self.fields["date"] = _date("公示开始日期")
            self.fields["end_date"] = _date("公示结束日期", help_text="公示期不少于 5 个工作日")
        elif definition.needs_approval:
            self.fields["date"] = _date("报送日期", help_text="保存后即报上级党委审批")
        else:
            self.fields["date"] = _date("日期")
        if definition.people:
            member = record.member
            self.fields["people"] = ModelMultipleChoiceField(
                label=People(definition.people).label, required=True, widget=forms.CheckboxSelectMultiple,
                queryset=Member.objects.filter(organisation__path__startswith=member.organisation.path,
                                               stage=Stage.FULL, status=MembershipStatus.ACTIVE)
                .exclude(pk=member.pk).order_by("name", "pk"),
                help_text=f"须为正式党员，{definition.people_count} 名" if definition.people == People.INTRODUCERS
                else f"正式党员，一至 {definition.people_count} 名")
        if definition.needs_votes:
            self.fields["voters_entitled"] = _count("应到会有表决权的正式党员数")
            self.fields["votes_for"] = _count("赞成票", required=True)
            self.fields["votes_against"] = _count("反对票")
            self.fields["votes_abstain"] = _count("弃权票")
        if definition.needs_training:
            self.fields["training_days"] = _count("培训天数")
            self.fields["training_hours"] = _count("培训学时", )
            self.fields["end_date"] = _date("结业日期", required=False)
        if definition.needs_outcome:
            self.fields["outcome"] = forms.ChoiceField(label="支部大会意见 / 审批结果", choices=Outcome.choices,
                                                       widget=forms.RadioSelect)
            self.fields["extension_months"] = _count("延长预备期（月）")
            self.fields["extension_months"].help_text = "仅延长预备期时填写：6 至 12 个月，只能延长一次"
        self.fields["note"] = forms.CharField(label="情况记录 / 意见", required=False,
                                              widget=forms.Textarea(attrs={"rows": 4}))
        self.fields["attachments"] = MultipleFileField(
            label="材料（扫描件或 PDF）" + ("（本步骤应上传）" if definition.needs_attachments else ""),
            required=False, accept=ACCEPT)

    def clean_end_date(self):
        end = self.cleaned_data.get("end_date")
        start = self.cleaned_data.get("date")
        if end and start and end < start:
            raise forms.ValidationError("截止日期不能早于开始日期。")
        return end


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label="审批意见", choices=[("approve", "批准"), ("return", "退回修改")],
                                 widget=forms.RadioSelect)
    approved_on = _date("批准日期", required=False)
    reason = forms.CharField(label="超出时限的理由", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="审批超过三个月（最长六个月）时须写明理由")
    comment = forms.CharField(label="意见", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="退回时必填")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["approved_on"].initial = timezone.localdate()


class ApplicantForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    gender = forms.ChoiceField(label="性别", choices=Gender.choices)
    ethnicity = forms.CharField(label="民族", max_length=20, initial="汉族")
    birth_date = _date("出生日期")
    id_number = forms.CharField(label="公民身份号码", max_length=18, required=False)
    phone = forms.CharField(label="手机号码", max_length=11, required=False)
    education = forms.ChoiceField(label="学历", choices=[("", "—"), *Education.choices], required=False)
    job_title = forms.CharField(label="职务/岗位", max_length=50, required=False)
    organisation = ModelChoiceField(label="所在党支部", queryset=None, widget=SearchSelect("organisations"))
    applied_on = _date("递交入党申请书日期")
    note = forms.CharField(label="情况记录", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    attachments = MultipleFileField(label="入党申请书扫描件", required=False, accept=ACCEPT)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations

    def clean_id_number(self):
        value = normalise_id_number(self.cleaned_data.get("id_number") or "")
        if value:
            validate_id_number(value)
        return value or None

    def clean_phone(self):
        value = (self.cleaned_data.get("phone") or "").strip()
        if value:
            validate_mobile(value)
        return value

    def member_fields(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in ("name", "gender", "ethnicity", "birth_date", "id_number", "phone",
                                              "education", "job_title")}


class PlanForm(forms.Form):
    organisation = ModelChoiceField(label="党组织", queryset=None, widget=SearchSelect("organisations"))
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    planned = forms.IntegerField(label="计划发展人数", min_value=0, max_value=9999)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["year"].initial = timezone.localdate().year


class OpenRecordForm(forms.Form):
    confirm = forms.BooleanField(label="确认为该人员建立发展档案（已登记的日期将作为已完成的步骤导入）")
