from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password

from branches.models import Organisation, PartyGroup

from .choices import EmploymentStatus, Stage
from .models import Member
from .validators import normalise_id_number, validate_id_number, validate_mobile

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
PERSONAL_FIELDS = ("id_number", "phone")


class MemberFilterForm(forms.Form):
    q = forms.CharField(label="姓名或手机号", required=False)
    organisation = forms.ModelChoiceField(label="党组织", required=False, queryset=Organisation.objects.none(),
                                          empty_label="全部党组织")
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
        widgets = {name: DATE for name in ["birth_date", "applied_on", "activist_on", "candidate_on", "admitted_on",
                                            "full_on"]}

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
