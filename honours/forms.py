from django import forms
from django.utils import timezone

from core.documents import ACCEPT
from core.files import ACCEPT as PHOTO_ACCEPT
from core.forms import ModelChoiceField, MultipleFileField, PlainSelect, PlainTextarea
from core.lookups import SearchSelect
from members.models import Member

from .choices import NOMINABLE_LEVELS, Level, SelectionSubject
from .models import CommendationTitle

YEAR = {"min_value": 2000, "max_value": 2100}


def _this_year() -> int:
    return timezone.localdate().year


def _titles():
    return CommendationTitle.objects.in_force().order_by("sort_order", "pk")


class CommendationFilterForm(forms.Form):
    title = ModelChoiceField(None, label="称号", required=False, empty_label="全部称号")
    level = forms.ChoiceField(label="级别", required=False, choices=[("", "全部级别"), *Level.choices])
    year = forms.IntegerField(label="年度", required=False, **YEAR)
    organisation = ModelChoiceField(None, label="党组织", required=False, empty_label="全部党组织",
                                    widget=SearchSelect("organisations"))

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].queryset = CommendationTitle.objects.order_by("sort_order", "pk")
        self.fields["organisation"].queryset = organisations.order_by("path")


class CommendationForm(forms.Form):
    title = ModelChoiceField(None, label="称号")
    level = forms.ChoiceField(label="级别", choices=Level.choices)
    year = forms.IntegerField(label="年度", **YEAR)
    issuing_body = forms.CharField(label="授予机关", max_length=100)
    document_number = forms.CharField(label="文号", max_length=60, required=False)
    organisation = ModelChoiceField(None, label="受表彰党组织", required=False, widget=SearchSelect("organisations"),
                                    help_text="表彰党组织时选择；表彰党员时留空")
    member = ModelChoiceField(Member.objects.all(), label="受表彰党员编号", required=False,
                              widget=forms.NumberInput, help_text="表彰党员时填写党员编号（党员详情页地址中的数字）")
    certificate = forms.FileField(label="证书扫描件", required=False,
                                  widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
                                  help_text="选填。照片（JPEG、PNG、WebP）或 PDF 文档。")

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].queryset = _titles()
        self.fields["organisation"].queryset = organisations.order_by("path")
        self.initial.setdefault("year", _this_year())

    def clean(self):
        data = super().clean()
        if bool(data.get("organisation")) == bool(data.get("member")):
            raise forms.ValidationError("请选择一个受表彰党组织，或填写一名受表彰党员（二选一）。")
        return data


class NominationForm(forms.Form):
    title = ModelChoiceField(None, label="推荐称号")
    level = forms.ChoiceField(label="级别", choices=[(v, Level(v).label) for v in NOMINABLE_LEVELS])
    year = forms.IntegerField(label="年度", **YEAR)
    member = ModelChoiceField(None, label="被推荐党员", required=False, help_text="推荐党员时选择",
                              widget=SearchSelect("members"))
    organisation = ModelChoiceField(None, label="被推荐党组织", required=False, widget=SearchSelect("organisations"),
                                    help_text="推荐本组织时选择；推荐党员时留空")
    reasons = forms.CharField(label="推荐理由", max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))
    evidence = forms.FileField(label="证明材料", required=False,
                               widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
                               help_text="选填。照片（JPEG、PNG、WebP）或 PDF 文档。")

    def __init__(self, *args, organisations, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].queryset = _titles()
        # Only the secretary's own members and organisations can be chosen: anything else is "not a valid choice".
        self.fields["member"].queryset = members.select_related("organisation").order_by("organisation__path", "name")
        self.fields["organisation"].queryset = organisations.order_by("path")
        self.initial.setdefault("year", _this_year())

    def clean(self):
        data = super().clean()
        if bool(data.get("organisation")) == bool(data.get("member")):
            raise forms.ValidationError("请选择一名被推荐党员，或选择被推荐党组织（二选一）。")
        return data


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label="审核结果", choices=[("approve", "批准"), ("reject", "不批准")],
                                 widget=forms.RadioSelect)
    comment = forms.CharField(label="审核意见", required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    issuing_body = forms.CharField(label="授予机关", max_length=100, initial="中共市直机关工委")
    document_number = forms.CharField(label="文号", max_length=60, required=False)


class StarRatingForm(forms.Form):
    """One per member on the page of an organisation's star ratings: widgets written in Python (core.forms)."""
    stars = forms.TypedChoiceField(label="星级", coerce=int, required=False, empty_value=None, widget=PlainSelect,
                                   choices=[("", "未评定"), *((n, "★" * n) for n in range(1, 6))])
    reason = forms.CharField(label="评定理由", required=False, max_length=2000,
                             widget=PlainTextarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if data.get("stars") and not data.get("reason"):
            self.add_error("reason", "请填写评定理由。")
        return data


class RedFlagForm(forms.Form):
    summary = forms.CharField(label="申报材料摘要", max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"c{criterion.pk}"] = forms.IntegerField(
                label=f"{criterion.name}（满分{criterion.points}分）", min_value=0, max_value=criterion.points)

    def points(self) -> dict:
        return {criterion: self.cleaned_data[f"c{criterion.pk}"] for criterion in self.criteria}



class BrandForm(forms.Form):
    organisation = ModelChoiceField(None, label="党组织", widget=SearchSelect("organisations"))
    name = forms.CharField(label="品牌名称", max_length=60)
    summary = forms.CharField(label="简介", max_length=200)
    story = forms.CharField(label="品牌故事", required=False, max_length=20000,
                            widget=forms.Textarea(attrs={"rows": 8}))
    year = forms.IntegerField(label="创建年度", **YEAR)
    photos = MultipleFileField(label="照片", required=False, accept=PHOTO_ACCEPT, help_text="可一次选择多张（JPEG、PNG、WebP）。")

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations.order_by("path")
        self.initial.setdefault("year", _this_year())

    def clean_photos(self):
        return [photo for photo in self.cleaned_data.get("photos") or [] if photo]


class SelectionForm(forms.Form):
    year = forms.IntegerField(label="年度", **YEAR)
    subject = forms.ChoiceField(label="评选类别", choices=SelectionSubject.choices)


class EntryForm(forms.Form):
    candidate = forms.IntegerField(label="参评编号", help_text="品牌或开放式党课的编号")


class ScoreForm(forms.Form):
    score = forms.IntegerField(label="评分", min_value=0, max_value=100)
