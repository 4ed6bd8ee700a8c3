"""Forms of the oversight pages (moved here from the views modules)."""

from django import forms

from activities.choices import REGULAR_KINDS
from branches.models import Organisation
from core.forms import DatePicker, ModelChoiceField, ModelMultipleChoiceField, MultipleFileField
from core.lookups import SearchSelect, SearchSelectMultiple, has_many_choices

from . import duties
from .evidence import ACCEPT
from .models import Duty, Exemption, ReviewItem

FIRST_YEAR = 2000
MAX_STATEMENT = 5000
DATE = DatePicker()
ALL, CHOSEN = "all", "chosen"


# --- standardisation reviews ---

class ReviewFillForm(forms.Form):
    """A statement and new evidence files for each item the secretary may still change."""

    def __init__(self, *args, items: list[ReviewItem], **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"statement_{item.pk}"] = forms.CharField(
                label="自评说明", required=False, initial=item.statement, max_length=MAX_STATEMENT,
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text="对照具体要求，写明本组织的落实情况。可先保存草稿，提交前补全。")
            self.fields[f"evidence_{item.pk}"] = MultipleFileField(accept=ACCEPT,
                label="上传佐证材料", required=False,
                help_text="照片（JPEG、PNG、WebP）或 PDF 文档，可一次选择多个。照片中的拍摄位置等信息会被自动去除。")

    def statements(self) -> dict[int, str]:
        # Only the statements that were posted: a field missing from the request must not blank a saved one.
        return {item.pk: self.cleaned_data[f"statement_{item.pk}"] for item in self.items
                if f"statement_{item.pk}" in self.data}

    def uploads(self) -> dict[int, list]:
        return {item.pk: self.cleaned_data[f"evidence_{item.pk}"] for item in self.items}


class ItemDecisionForm(forms.Form):
    comment = forms.CharField(label="审核意见", required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}),
                              help_text="选择“需整改”时必填，写明需要整改的内容。")


class ReviewDecisionForm(forms.Form):
    comment = forms.CharField(label="验收意见", required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="判定“验收不合格”时必填；退回整改时可补充说明。")


# --- the matrix ---

class ExemptionForm(forms.ModelForm):
    class Meta:
        model = Exemption
        fields = ["organisation", "activity_kind", "reason", "valid_from", "valid_until"]
        widgets = {
            "organisation": SearchSelect("organisations"),
            "valid_from": DatePicker(),
            "valid_until": DatePicker(),
        }
        help_texts = {
            "reason": "例如：党员人数较少，未划分党小组。",
            "valid_until": "留空表示长期有效，直至另行决定。",
        }

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].label_from_instance = lambda o: o.name
        self.fields["activity_kind"].choices = [("", "---------")] + [(k.value, k.label) for k in REGULAR_KINDS]

    def clean(self):
        data = super().clean()
        start, until = data.get("valid_from"), data.get("valid_until")
        if start and until and until < start:
            self.add_error("valid_until", "截止日期不能早于起始日期。")
        return data


# --- the responsibility list ---

class OrganisationChoices(ModelMultipleChoiceField):
    def label_from_instance(self, organisation):
        return organisation.name


class DutyForm(forms.Form):
    title = forms.CharField(label="事项", max_length=100)
    detail = forms.CharField(label="具体要求", required=False, max_length=5000,
                             widget=forms.Textarea(attrs={"rows": 5}))
    deadline = forms.DateField(label="完成时限", widget=DATE)
    target = forms.ChoiceField(label="布置给", choices=[(ALL, "全部党组织"), (CHOSEN, "选定的党组织")], initial=ALL,
                               widget=forms.RadioSelect)
    organisations = OrganisationChoices(None, label="选定的党组织", required=False,
                                        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
                                        help_text="选择“选定的党组织”时勾选。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        assignable = duties.assignable_organisations().order_by("path")
        self.fields["organisations"].queryset = assignable
        self.searchable = has_many_choices(assignable)
        if self.searchable:
            # Thousands of checkboxes at province scale: a searched list instead (the chosen ones stay chosen).
            self.fields["organisations"].widget = SearchSelectMultiple("organisations")
            self.fields["organisations"].widget.choices = self.fields["organisations"].choices
            self.fields["organisations"].help_text = "选择“选定的党组织”时，输入名称查找后选中（按住 Ctrl 可多选）。"

    def clean(self):
        data = super().clean()
        if data.get("target") == CHOSEN and not data.get("organisations"):
            self.add_error("organisations", "请至少勾选一个党组织，或选择“全部党组织”。")
        return data

    def chosen(self):
        if self.cleaned_data["target"] == ALL:
            return duties.assignable_organisations()
        return self.cleaned_data["organisations"]


class ReportForm(forms.Form):
    report = forms.CharField(label="完成情况", max_length=duties.MAX_REPORT, widget=forms.Textarea(attrs={"rows": 6}))
    evidence = MultipleFileField(accept=ACCEPT, label="佐证材料", required=False,
                                 help_text="选填。照片（JPEG、PNG、WebP）或 PDF 文档，可一次选择多个；"
                                           "照片中的拍摄位置等信息会被自动去除。")


class ListFilterForm(forms.Form):
    organisation = ModelChoiceField(Organisation.objects.none(), required=False, label="党组织",
                                    empty_label="全部", widget=SearchSelect("organisations"))
    state = forms.ChoiceField(choices=[("", "全部"), *duties.DutyState.choices], required=False, label="状态")
    duty = ModelChoiceField(Duty.objects.none(), required=False, label="事项", empty_label="全部")

    def __init__(self, *args, organisations, duties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].label_from_instance = lambda o: o.display_name
        self.fields["duty"].queryset = duties


class StateFilterForm(forms.Form):
    state = forms.ChoiceField(choices=[("", "全部"), *duties.DutyState.choices], required=False, label="状态")


# --- re-elections ---

class RateYearForm(forms.Form):
    year = forms.IntegerField(label="统计年度", min_value=FIRST_YEAR, max_value=2100, required=False)


class MemberChoiceField(ModelChoiceField):
    def label_from_instance(self, member):
        return member.name


class MembersChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, member):
        return member.name


class ElectionForm(forms.Form):
    elected_on = forms.DateField(label="选举日期", widget=DATE)
    starts_on = forms.DateField(label="任期开始", required=False, widget=DATE, help_text="留空则与选举日期相同。")
    number = forms.IntegerField(label="届次", required=False, min_value=1, help_text="留空则为上一届届次加一。")
    ends_on = forms.DateField(label="任期届满", required=False, widget=DATE,
                              help_text="留空则按任期规则自动计算。")
    secretary = MemberChoiceField(None, label="书记", required=False, empty_label="（暂不填写）")
    deputy_secretary = MemberChoiceField(None, label="副书记", required=False, empty_label="（不设或暂不填写）")
    members = MembersChoiceField(None, label="其他委员", required=False,
                                 widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
                                 help_text="选填。填写新一届班子后，原班子成员的职务在新任期开始前一天结束；"
                                           "不填写则保留原班子，可稍后在党组织页面调整。")

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("secretary", "deputy_secretary", "members"):
            self.fields[name].queryset = candidates
