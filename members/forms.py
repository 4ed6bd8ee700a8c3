from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password

from branches.models import Organisation, PartyGroup
from core.forms import DatePicker, ModelChoiceField, MonthPicker
from core.lookups import SearchSelect

from .choices import CategoryKind, EmploymentStatus, LeavingKind, Stage, TransferKind, TransferStatus
from .models import Member, MemberCategory
from .validators import normalise_id_number, validate_id_number, validate_mobile

DATE = DatePicker()
PERSONAL_FIELDS = ("id_number", "phone")


class MemberFilterForm(forms.Form):
    q = forms.CharField(label="姓名或手机号", required=False)
    organisation = ModelChoiceField(label="党组织", required=False, queryset=Organisation.objects.none(),
                                    empty_label="全部党组织", widget=SearchSelect("organisations"))
    stage = forms.ChoiceField(label="发展阶段", required=False, choices=[("", "全部阶段"), *Stage.choices])
    employment_status = forms.ChoiceField(label="工作状态", required=False,
                                          choices=[("", "全部"), *EmploymentStatus.choices])
    sort = forms.ChoiceField(
        label="排序", required=False,
        choices=[("name", "姓名"), ("organisation", "党组织"), ("stage", "发展阶段"), ("-admitted_on", "入党日期（新→旧）"),
                 ("admitted_on", "入党日期（旧→新）"), ("birth_date", "年龄（大→小）")],
    )

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations


class MemberForm(forms.ModelForm):
    """Create / edit a member. For users who may not see personal data in full,
    the ID number and phone start empty and an empty field keeps the stored value."""

    class Meta:
        model = Member
        fields = [
            "name", "gender", "ethnicity", "birth_date", "id_number", "phone", "education", "employment_status",
            "job_title", "organisation", "party_group", "stage", "applied_on", "activist_on", "candidate_on",
            "admitted_on", "full_on", "residential_community",
        ]
        widgets = {**{name: DATE for name in ["birth_date", "applied_on", "activist_on", "candidate_on",
                                              "admitted_on", "full_on"]},
                   "organisation": SearchSelect("organisations"), "party_group": SearchSelect("party-groups")}

    # Once a person has a development record (the development app's `development` relation), their stage and
    # stage dates are derived from the recorded steps and are no longer typed in here.
    STAGE_FIELDS = ("stage", "applied_on", "activist_on", "candidate_on", "admitted_on", "full_on")

    def __init__(self, *args, organisations, reveal_personal_data: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.stage_is_derived = bool(self.instance.pk) and hasattr(self.instance, "development")
        if self.stage_is_derived:
            for name in self.STAGE_FIELDS:
                del self.fields[name]
        self.fields["organisation"].queryset = organisations
        self.fields["party_group"].queryset = PartyGroup.objects.filter(organisation__in=organisations).select_related(
            "organisation")
        self.fields["id_number"].widget.attrs.update({"maxlength": 18, "autocomplete": "off", "inputmode": "text",
                                                      "placeholder": "18 位，最后一位可为 X"})
        self.fields["phone"].widget.attrs.update({"maxlength": 11, "inputmode": "numeric",
                                                  "placeholder": "11 位手机号码"})
        self.keeps_masked = bool(self.instance.pk) and not reveal_personal_data
        if self.keeps_masked:
            for name in PERSONAL_FIELDS:
                stored = getattr(self.instance, name)
                self.initial[name] = ""
                if stored:
                    masked = getattr(self.instance, f"masked_{name}")
                    self.fields[name].help_text = f"当前：{masked}。留空表示不修改。"

    def clean_id_number(self):
        value = normalise_id_number(self.cleaned_data.get("id_number") or "")
        if not value:
            return self.instance.id_number if self.keeps_masked else None
        validate_id_number(value)
        return value

    def clean_phone(self):
        value = (self.cleaned_data.get("phone") or "").strip()
        if not value:
            return self.instance.phone if self.keeps_masked else ""
        validate_mobile(value)
        return value


class AccountForm(forms.Form):
    username = forms.CharField(label="登录用户名", max_length=150,
                               help_text="建议使用手机号码；成员也可用手机号或邮箱登录。")
    email = forms.EmailField(label="电子邮箱（用于找回密码）", required=False)
    password = forms.CharField(label="初始密码", widget=forms.PasswordInput(render_value=True),
                               help_text="至少 10 位，请告知本人首次登录后修改。")

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("该用户名已被使用，请换一个。")
        return username

    def clean_password(self):
        password = self.cleaned_data["password"]
        validate_password(password)
        return password


# --- the register over time --------------------------------------------------------------------------------

MONTH = MonthPicker()


class MonthField(forms.DateField):
    """党费交至 a month: "2026-05" (a month input) or a full date; kept as the month's first day."""

    widget = MONTH
    input_formats = ["%Y-%m", "%Y-%m-%d"]

    def to_python(self, value):
        day = super().to_python(value)
        return day.replace(day=1) if day else day


class TransferForm(forms.Form):
    kind = forms.ChoiceField(label="转接类型", choices=[(TransferKind.WITHIN, TransferKind.WITHIN.label),
                                                       (TransferKind.OUT, TransferKind.OUT.label)],
                             widget=forms.RadioSelect, initial=TransferKind.WITHIN)
    to_organisation = ModelChoiceField(label="转入党组织（系统内）", required=False,
                                       queryset=Organisation.objects.none(),
                                       widget=SearchSelect("any-organisations"))
    outside_organisation = forms.CharField(label="转入党组织全称（系统外）", required=False, max_length=200)
    reason = forms.CharField(label="转接原因", max_length=200, help_text="如：工作调动、退休回原籍、升学")
    sent_on = forms.DateField(label="开具日期", widget=DATE)
    dues_paid_to = MonthField(label="党费交至", required=False)

    def __init__(self, *args, destinations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_organisation"].queryset = destinations

    def clean(self):
        data = super().clean()
        if data.get("kind") == TransferKind.WITHIN and not data.get("to_organisation"):
            self.add_error("to_organisation", "请选择转入的党组织。")
        if data.get("kind") == TransferKind.OUT and not (data.get("outside_organisation") or "").strip():
            self.add_error("outside_organisation", "请填写系统外转入党组织的全称。")
        return data


class TransferInForm(forms.ModelForm):
    """A letter from outside the system and the person it introduces."""

    to_organisation = ModelChoiceField(label="转入党组织", queryset=Organisation.objects.none(),
                                       widget=SearchSelect("organisations"))
    outside_organisation = forms.CharField(label="来自党组织（系统外）", max_length=200)
    incoming_letter_number = forms.CharField(label="来信介绍信编号", max_length=50)
    incoming_letter_date = forms.DateField(label="来信开具日期", widget=DATE)
    reason = forms.CharField(label="转接原因", max_length=200)
    accepted_on = forms.DateField(label="接收日期", widget=DATE)
    dues_paid_to = MonthField(label="党费交至", required=False)

    class Meta:
        model = Member
        fields = ["name", "gender", "ethnicity", "birth_date", "id_number", "phone", "education",
                  "employment_status", "job_title", "stage", "admitted_on", "full_on"]
        widgets = {name: DATE for name in ["birth_date", "admitted_on", "full_on"]}

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_organisation"].queryset = organisations
        self.fields["id_number"].required = True
        self.fields["stage"].choices = [(Stage.PROBATIONARY, Stage.PROBATIONARY.label),
                                        (Stage.FULL, Stage.FULL.label)]

    def clean_id_number(self):
        value = normalise_id_number(self.cleaned_data.get("id_number") or "")
        validate_id_number(value)
        return value

    def validate_unique(self):
        """The ID number's uniqueness is the service's business (a member who left by transfer comes back)."""

    def split(self) -> tuple[dict, dict]:
        letter_keys = ["to_organisation", "outside_organisation", "incoming_letter_number",
                       "incoming_letter_date", "reason", "accepted_on", "dues_paid_to"]
        data = dict(self.cleaned_data)
        return {k: data.pop(k) for k in letter_keys}, data


class AcceptForm(forms.Form):
    accepted_on = forms.DateField(label="接收日期", widget=DATE)
    note = forms.CharField(label="说明", required=False, max_length=200)


class ReturnForm(forms.Form):
    comment = forms.CharField(label="退回原因", max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class CancelForm(forms.Form):
    comment = forms.CharField(label="撤回原因", required=False, max_length=500,
                              widget=forms.Textarea(attrs={"rows": 2}))


class TransferFilterForm(forms.Form):
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态"), *TransferStatus.choices])
    kind = forms.ChoiceField(label="类型", required=False, choices=[("", "全部类型"), *TransferKind.choices])
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)


class LeavingForm(forms.Form):
    kind = forms.ChoiceField(label="离开方式", choices=LeavingKind.choices)
    left_on = forms.DateField(label="日期", widget=DATE, help_text="停止党籍、出党的决定日期，或去世日期")
    reason = forms.CharField(label="原因", max_length=300)
    document_number = forms.CharField(label="决定文号", required=False, max_length=100)
    document = forms.FileField(label="决定文件（PDF 或图片）", required=False,
                               widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/*"}))


class CategoryForm(forms.ModelForm):
    class Meta:
        model = MemberCategory
        fields = ["kind", "starts_on", "ends_on", "place", "contact", "pledge", "efforts"]
        widgets = {"starts_on": DATE, "ends_on": DATE, "pledge": forms.Textarea(attrs={"rows": 2}),
                   "efforts": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["kind"].disabled = True
        else:
            del self.fields["ends_on"]


class RetireForm(forms.Form):
    retired_on = forms.DateField(label="离退休日期", widget=DATE)


class CategoryFilterForm(forms.Form):
    kind = forms.ChoiceField(label="类别", required=False, choices=[("", "全部"), *CategoryKind.choices])

