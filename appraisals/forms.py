from django import forms

from activities.models import Activity
from core.forms import ModelChoiceField

from .choices import FollowUp, Grade


class AppraisalStartForm(forms.Form):
    meeting = ModelChoiceField(label="组织生活会", queryset=Activity.objects.none(),
                               help_text="民主评议党员结合年度组织生活会进行")

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].label_from_instance = (
            lambda a: f"{a.title}（{(a.actual_start or a.planned_start):%Y-%m-%d}，{a.get_status_display()}）")


class EntryForm(forms.Form):
    grade = forms.ChoiceField(label="等次", choices=[("", "—")] + Grade.choices, required=False)
    follow_up = forms.ChoiceField(label="组织处置", choices=[("", "—")] + FollowUp.choices, required=False)
    follow_up_note = forms.CharField(label="处置说明", max_length=300, required=False)

    def clean(self):
        data = super().clean()
        if data.get("grade") == Grade.UNQUALIFIED and (not data.get("follow_up")
                                                       or not (data.get("follow_up_note") or "").strip()):
            self.add_error("follow_up", "评为不合格的，须选择组织处置并写明说明。")
        return data


class DecideForm(forms.Form):
    comment = forms.CharField(label="意见", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
