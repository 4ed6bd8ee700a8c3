import datetime as dt

from django import forms
from django.urls import reverse
from django.utils import timezone

from branches.models import Organisation, PartyGroup
from core.files import ACCEPT
from core.forms import (
    DatePicker,
    DateTimePicker,
    ModelChoiceField,
    MonthPicker,
    MultipleFileField,
    PlainRadioSelect,
    PlainTextInput,
)
from core.lookups import SearchSelect, has_many_choices

from .choices import ActivityKind, ActivityStatus, AttendanceStatus, Theme, WishStatus
from .models import MAX_ACTIVITY_LENGTH, Activity, MicroWish

CHOICES_SHOWN = 50


def _only_selected(bound) -> None:
    """Limit a model choice field's rendered options to its selected value(s); validation still checks the
    whole queryset."""
    field = bound.field
    value = bound.value()
    values = [v for v in (value if isinstance(value, (list, tuple)) else [value]) if str(v or "").isdigit()]
    options = [(o.pk, field.label_from_instance(o)) for o in field.queryset.filter(pk__in=values)]
    empty = [("", field.empty_label)] if getattr(field, "empty_label", None) is not None else []
    field.widget.choices = empty + options


DATETIME = DateTimePicker()


class ActivityForm(forms.ModelForm):
    change_reason = forms.CharField(label="修改原因", required=False, max_length=200,
                                    help_text="该活动已开展，修改记录须写明原因，将记入修改历史。")

    class Meta:
        model = Activity
        fields = ["organisation", "kind", "theme", "title", "planned_start", "planned_end", "place", "host",
                  "lecturer", "agenda", "party_group", "joint_organisations", "is_open", "is_city_wide", "capacity",
                  "participant_count"]
        widgets = {"planned_start": DATETIME, "planned_end": DATETIME, "agenda": forms.Textarea(attrs={"rows": 4}),
                   "joint_organisations": forms.SelectMultiple(attrs={"size": 5})}

    def __init__(self, *args, organisations, all_organisations, is_admin: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["joint_organisations"].queryset = all_organisations
        self.fields["joint_organisations"].help_text = "与其他党组织联合开展时选择（按住 Ctrl 可多选）。"
        # A group's label names its organisation: loaded with it, not one query per option.
        self.fields["party_group"].queryset = (PartyGroup.objects.filter(organisation__in=organisations)
                                               .select_related("organisation"))
        # Past a few hundred organisations a select with every one of them is a page of megabytes: the choices
        # then hold only what is selected, and a search box fills them as the user types (choice_options).
        self.searchable = has_many_choices(all_organisations)
        if self.searchable:
            for name in ("organisation", "joint_organisations"):
                _only_selected(self[name])
            self.fields["organisation"].widget.attrs.update({
                "hx-get": reverse("activities:choice_options") + "?field=party_group", "hx-trigger": "change",
                "hx-target": "#id_party_group", "hx-include": "#id_organisation, #id_party_group"})
            organisation = self["organisation"].value()
            self.fields["party_group"].widget.choices = [("", "---------")] + [
                (group.pk, str(group)) for group in self.fields["party_group"].queryset.filter(
                    organisation_id=organisation if str(organisation or "").isdigit() else None)]
        self.fields["theme"].help_text = "主题党日请选择主题类别；其他主题可写在标题中。"
        if not is_admin:
            del self.fields["is_city_wide"]
        if not (self.instance.pk and self.instance.is_locked):
            del self.fields["change_reason"]
        else:
            self.fields["change_reason"].required = True

    def clean(self):
        data = super().clean()
        start, end = data.get("planned_start"), data.get("planned_end")
        if start and end and end <= start:
            self.add_error("planned_end", "结束时间须晚于开始时间。")
        elif start and end and end - start > MAX_ACTIVITY_LENGTH:
            self.add_error("planned_end", f"一项活动最长 {MAX_ACTIVITY_LENGTH.days} 天；更长的安排请分成几项活动。")
        group, organisation = data.get("party_group"), data.get("organisation")
        if group and organisation and group.organisation_id != organisation.pk:
            self.add_error("party_group", "所选党小组不属于主办党组织。")
        if data.get("kind") == ActivityKind.GROUP_MEETING and not group:
            self.add_error("party_group", "党小组会请选择党小组。")
        if data.get("theme") and data.get("kind") != ActivityKind.THEMED_DAY:
            data["theme"] = ""
        if data.get("capacity") and not data.get("is_open"):
            self.add_error("capacity", "只有公开活动（如开放式党课）需要报名名额。")
        return data


class ActivityFilterForm(forms.Form):
    organisation = ModelChoiceField(label="党组织", required=False, queryset=Organisation.objects.none(),
                                    empty_label="全部", widget=SearchSelect("organisations"))
    kind = forms.ChoiceField(label="类型", required=False, choices=[("", "全部类型"), *ActivityKind.choices])
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态"), *ActivityStatus.choices])
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class RecordForm(forms.ModelForm):
    """After the activity: when it really took place, who chaired and took minutes, what was decided.

    The actual times start as the planned ones; a date far from the plan is accepted only once the secretary
    confirms it (a mistyped month is the commonest slip)."""

    FAR_FROM_PLAN = dt.timedelta(days=3)

    confirm_date = forms.BooleanField(label="实际日期与计划相差较大，确认无误", required=False)

    class Meta:
        model = Activity
        fields = ["actual_start", "actual_end", "host", "lecturer", "recorder", "minutes", "resolutions",
                  "participant_count"]
        widgets = {"actual_start": DATETIME, "actual_end": DATETIME, "minutes": forms.Textarea(attrs={"rows": 8}),
                   "resolutions": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actual_start"].required = True
        self.fields["actual_end"].required = True
        if not self.instance.actual_start:
            # The instance's initial has the keys with None: fill them, not setdefault.
            self.initial["actual_start"] = self.instance.planned_start
            self.initial["actual_end"] = self.instance.planned_end
        if not self.instance.is_open:
            del self.fields["participant_count"]

    def clean(self):
        data = super().clean()
        start, end = data.get("actual_start"), data.get("actual_end")
        if start and end and end <= start:
            self.add_error("actual_end", "结束时间须晚于开始时间。")
        elif start and end and end - start > MAX_ACTIVITY_LENGTH:
            self.add_error("actual_end", f"一项活动最长 {MAX_ACTIVITY_LENGTH.days} 天，请核对结束时间。")
        planned = self.instance.planned_start
        # (A start in the future is refused by the service anyway, with its own message.)
        if (start and planned and start <= timezone.now() and abs(start - planned) > self.FAR_FROM_PLAN
                and not data.get("confirm_date")):
            local = timezone.localtime(planned)
            self.add_error("actual_start", f"实际开始日期与计划（{local:%Y年%-m月%-d日}）相差较大，请核对；"
                                           "确认无误请勾选下方“确认无误”后再保存。")
            self.show_confirm_date = True
        return data

    show_confirm_date = False


ATTENDANCE_CHOICES = [(s, label) for s, label in AttendanceStatus.choices if s != AttendanceStatus.EXPECTED]


class CancelForm(forms.Form):
    reason = forms.CharField(label="取消原因", max_length=200, widget=forms.TextInput(attrs={"placeholder": "如：与上级会议冲突，改期举行"}))


class ObserverForm(forms.Form):
    name = forms.CharField(label="列席人员姓名", max_length=50)
    unit = forms.CharField(label="单位/身份", max_length=100, required=False)


class ActivityPlanForm(forms.Form):
    organisation = ModelChoiceField(label="党组织", queryset=Organisation.objects.none(),
                                    widget=SearchSelect("organisations"))
    kind = forms.ChoiceField(label="活动类型", choices=ActivityKind.choices, initial=ActivityKind.THEMED_DAY)
    theme = forms.ChoiceField(label="主题类别", choices=[("", "—"), *Theme.choices], required=False)
    title = forms.CharField(label="标题", max_length=80, initial="主题党日")
    day_of_month = forms.IntegerField(label="每月几号", min_value=1, max_value=31, initial=15,
                                      help_text="当月没有这一天时（如 31 日）安排在当月最后一天。")
    start_time = forms.TimeField(label="开始时间", initial="15:00", widget=forms.TimeInput(attrs={"type": "time"}))
    duration_minutes = forms.IntegerField(label="时长（分钟）", min_value=15, max_value=600, initial=90)
    place = forms.CharField(label="地点", max_length=100, required=False)
    first_month = forms.DateField(label="从哪个月开始", widget=MonthPicker(),
                                  input_formats=["%Y-%m", "%Y-%m-%d"])
    months = forms.IntegerField(label="共几个月", min_value=1, max_value=24, initial=12)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


# --- from the pages of activities/views/calendar.py ---

class CalendarFilterForm(forms.Form):
    # A pk, or OWN_ORGANISATIONS: only what the user's own top organisations host (an admin's default).
    organisation = forms.RegexField(required=False, regex=r"^(own|[1-9][0-9]{0,9})$")
    kind = forms.ChoiceField(required=False, choices=[("", "全部类型"), *ActivityKind.choices])


# --- from the pages of activities/views/wishes.py ---

class ThemedDayChoiceField(ModelChoiceField):
    def label_from_instance(self, activity):
        return themed_day_label(activity)


def themed_days_for(organisations):
    """The themed days a wish may be published at: the last year's and the next four months', not cancelled."""
    now = timezone.now()
    return (Activity.objects.filter(organisation__in=organisations, kind=ActivityKind.THEMED_DAY,
                                    planned_start__gte=now - dt.timedelta(days=366),
                                    planned_start__lte=now + dt.timedelta(days=120))
            .exclude(status=ActivityStatus.CANCELLED).select_related("organisation").order_by("-planned_start"))


def themed_day_label(activity) -> str:
    local = timezone.localtime(activity.planned_start)
    return f"{local:%Y-%m-%d} {activity.title}（{activity.organisation.display_name}）"


class WishForm(forms.ModelForm):
    class Meta:
        model = MicroWish
        fields = ["organisation", "activity", "title", "description", "wisher_name", "wisher_contact"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "organisation": SearchSelect("organisations")}
        help_texts = {
            "wisher_name": "党员或群众（居民）的姓名。",
            "wisher_contact": "选填。仅书记和认领的党员可见。",
        }

    def __init__(self, *args, organisations, activity: Activity | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if activity is not None:
            # Entered from the themed day's page: organisation and day are given.
            del self.fields["organisation"], self.fields["activity"]
            return
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].label_from_instance = lambda o: o.display_name
        self.fields["activity"] = ThemedDayChoiceField(
            themed_days_for(organisations), required=False, label="发布的主题党日", empty_label="（不关联主题党日）",
            help_text="选填。须是所选党组织的主题党日。", widget=SearchSelect("themed-days"))

    def clean(self):
        data = super().clean()
        activity, organisation = data.get("activity"), data.get("organisation")
        if activity and organisation and activity.organisation_id != organisation.pk:
            self.add_error("activity", "所选主题党日不是该党组织的活动。")
        return data


class FulfilForm(forms.Form):
    note = forms.CharField(label="实现情况", widget=forms.Textarea(attrs={"rows": 4}), max_length=1000,
                           help_text="例如：何时、如何帮助许愿人实现了心愿。")
    photo = forms.FileField(label="照片", required=False, widget=forms.FileInput(attrs={"accept": ACCEPT}),
                            help_text="选填。JPEG、PNG 或 WebP；拍摄位置等信息会被自动去除。")


class BoardFilterForm(forms.Form):
    organisation = ModelChoiceField(Organisation.objects.none(), required=False, label="党组织",
                                    empty_label="全部", widget=SearchSelect("organisations"))
    status = forms.ChoiceField(choices=[("", "全部"), *WishStatus.choices], required=False, label="状态")

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].label_from_instance = lambda o: o.display_name


# --- from the pages of activities/views/core.py ---

class YearPlanRowForm(forms.Form):
    include = forms.BooleanField(label="安排", required=False)
    kind = forms.CharField(widget=forms.HiddenInput)
    party_group = forms.CharField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label="标题", max_length=100)
    date = forms.DateField(label="日期", widget=DatePicker())
    start_time = forms.TimeField(label="时间", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    duration_minutes = forms.IntegerField(widget=forms.HiddenInput, min_value=15, max_value=600)


# --- from the pages of activities/views/photos.py ---

class PhotoUploadForm(forms.Form):
    photos = MultipleFileField(label="选择照片", accept=ACCEPT, error_messages={"required": "请选择要上传的照片。"},
                                help_text="可一次选择多张（JPEG、PNG、WebP）。照片中的拍摄位置等信息会被自动去除。")


# --- from the pages of activities/views/checkin.py ---

class GuestForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    unit = forms.CharField(label="单位", max_length=100, help_text="例如：市财政局、某某社区。")


def attendance_form_class(rows):
    """A form with a status and a leave reason for each attendance row of an activity being recorded."""
    fields = {}
    for row in rows:
        fields[f"status_{row.pk}"] = forms.ChoiceField(label=str(row.member or row.guest_name),
                                                       choices=ATTENDANCE_CHOICES, widget=PlainRadioSelect)
        fields[f"reason_{row.pk}"] = forms.CharField(label="请假事由", required=False, max_length=200,
                                                     widget=PlainTextInput)
    return type("AttendanceForm", (forms.Form,), fields)
