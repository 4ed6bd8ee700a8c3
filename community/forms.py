from django import forms
from django.utils import timezone

from core.documents import ACCEPT
from core.forms import DatePicker, ModelChoiceField
from core.lookups import SearchSelect
from members.models import Member

from .choices import Reporter
from .models import Campaign, ReporterType

DATE = DatePicker()



class AgreementForm(forms.Form):
    organisation = ModelChoiceField(None, label="党组织", widget=SearchSelect("organisations"))
    community = forms.CharField(label="共建社区/街道", max_length=100)
    signed_on = forms.DateField(label="签署日期", widget=DATE)
    scan = forms.FileField(label="协议扫描件", required=False, widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
                           help_text="选填。照片（JPEG、PNG、WebP）或 PDF 文档；仅本组织书记和工委可查看。")
    note = forms.CharField(label="备注", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations.active().order_by("path")


class ProjectForm(forms.Form):
    title = forms.CharField(label="项目名称", max_length=100)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    description = forms.CharField(label="内容", required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3}))


class ReportForm(forms.Form):
    reporter_type = ModelChoiceField(None, label="报到类型", empty_label=None)
    community = forms.CharField(label="报到社区", max_length=100, help_text="居住地所在社区（村）名称")
    reported_on = forms.DateField(label="报到日期", widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Types that have taken effect; a type an admin adds for the future is not offered yet.
        self.fields["reporter_type"].queryset = ReporterType.objects.filter(
            reporter=Reporter.MEMBER, effective_from__lte=timezone.localdate())


class ServiceForm(forms.Form):
    served_on = forms.DateField(label="服务日期", widget=DATE)
    hours = forms.DecimalField(label="服务时长（小时）", max_digits=5, decimal_places=1, min_value=0.5, max_value=24)
    description = forms.CharField(label="服务内容", max_length=200)


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["name", "kind", "starts_on", "ends_on", "description"]
        widgets = {"starts_on": DATE, "ends_on": DATE, "description": forms.Textarea(attrs={"rows": 3})}


class MemberChoice(ModelChoiceField):
    def label_from_instance(self, member):
        return f"{member.name}（{member.organisation.display_name}）"


class DonationForm(forms.Form):
    member = MemberChoice(None, label="捐款党员", required=False, help_text="党员个人捐款时选择",
                          widget=SearchSelect("members"))
    organisation = ModelChoiceField(None, label="捐款党组织", required=False, help_text="以党组织名义捐款时选择",
                                    widget=SearchSelect("organisations"))
    amount = forms.DecimalField(label="金额（元）", max_digits=12, decimal_places=2, min_value=0.01)
    donated_on = forms.DateField(label="捐款日期", widget=DATE)
    note = forms.CharField(label="备注", required=False, max_length=200)

    def __init__(self, *args, members, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members.active().select_related("organisation").order_by(
            "organisation__path", "name")
        self.fields["organisation"].queryset = organisations.active().order_by("path")

    def clean(self):
        data = super().clean()
        if bool(data.get("member")) == bool(data.get("organisation")):
            raise forms.ValidationError("请选择捐款党员或捐款党组织中的一项。")
        return data


class TemporaryBranchForm(forms.Form):
    name = forms.CharField(label="临时党支部名称", max_length=100)
    parent = ModelChoiceField(None, label="上级党组织", widget=SearchSelect("organisations"))
    secretary = MemberChoice(None, label="书记", widget=SearchSelect("members"))
    established_on = forms.DateField(label="成立日期", widget=DATE)

    def __init__(self, *args, organisations, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = organisations.active().order_by("path")
        self.fields["secretary"].queryset = Member.objects.party_members().filter(
            pk__in=members.values("pk")).select_related("organisation").order_by("organisation__path", "name")


class DissolveForm(forms.Form):
    dissolved_on = forms.DateField(label="撤销日期", widget=DATE)
