from urllib.parse import urlsplit

from django import forms

from .channels import webhook_host_allowed
from .choices import CHOOSABLE_KINDS, KIND_SPECS, Kind, Mode
from .models import NotificationSettings, WebhookEndpoint

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class SettingsForm(forms.ModelForm):
    """A member's activity reminders and e-mail; for secretaries also, per kind, immediate or weekly."""

    class Meta:
        model = NotificationSettings
        fields = ["day_before", "day_before_at", "soon", "soon_minutes", "changes", "by_email"]
        widgets = {"day_before_at": TIME}
        help_texts = {"soon_minutes": "5 至 1440 分钟", "by_email": "需要在账号中留有电子邮箱；站内通知总会保留"}

    def __init__(self, *args, duty_kinds: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["soon_minutes"].min_value = 5
        self.fields["soon_minutes"].max_value = 24 * 60
        self.fields["soon_minutes"].widget.attrs.update(min=5, max=24 * 60)
        if duty_kinds:
            for kind in CHOOSABLE_KINDS:
                self.fields[f"mode_{kind}"] = forms.ChoiceField(
                    label=Kind(kind).label, choices=Mode.choices, widget=forms.RadioSelect,
                    initial=self.instance.mode_for(kind),
                    help_text="默认：" + Mode(KIND_SPECS[kind].default_mode).label)

    def clean_soon_minutes(self):
        minutes = self.cleaned_data["soon_minutes"]
        if not 5 <= minutes <= 24 * 60:
            raise forms.ValidationError("请填写 5 至 1440 之间的分钟数。")
        return minutes

    def save(self, commit=True):
        modes = {kind: self.cleaned_data[f"mode_{kind}"] for kind in CHOOSABLE_KINDS if f"mode_{kind}" in self.fields}
        self.instance.modes = {**self.instance.modes, **modes}
        return super().save(commit)


class HttpsURLField(forms.URLField):
    def __init__(self, **kwargs):
        super().__init__(assume_scheme="https", **kwargs)


class WebhookForm(forms.ModelForm):
    class Meta:
        model = WebhookEndpoint
        fields = ["provider", "name", "url", "secret", "activity_notices", "duty_notices", "is_active"]
        field_classes = {"url": HttpsURLField}
        widgets = {"url": forms.URLInput(attrs={"placeholder": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"})}

    def clean_url(self):
        url = self.cleaned_data["url"]
        parts = urlsplit(url)
        # Plain http only for the local test robot: by host, not by prefix ("http://127.0.0.1@qyapi…" is WeCom).
        if parts.scheme != "https" and not (parts.scheme == "http" and parts.hostname == "127.0.0.1"):
            raise forms.ValidationError("机器人地址须以 https:// 开头。")
        if not webhook_host_allowed(url):
            raise forms.ValidationError("请填写企业微信或钉钉群机器人的地址（在群设置 → 群机器人 中复制）。")
        return url
