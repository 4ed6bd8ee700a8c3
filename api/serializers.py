"""What the API shows of each row, and the query parameters it accepts (validated: bad input is a 400)."""

from collections.abc import Mapping
from functools import partial
from inspect import isfunction, ismethod

from django.core.exceptions import ObjectDoesNotExist
from django.utils.functional import cached_property
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import SkipField
from rest_framework.relations import ManyRelatedField, PKOnlyObject, RelatedField

from activities.choices import ActivityKind, ActivityStatus, Theme
from activities.models import Activity
from branches.choices import OrganisationKind
from branches.models import Organisation
from members.choices import Education, Stage
from members.models import Member

from .services import RECORDABLE

MAX_ID = 2**63 - 1


class ReadsDirectly:
    """Rows written out as DRF writes them, without its per-field machinery on every row.

    DRF's `to_representation` asks each field for its value through `Field.get_attribute`, which inspects the
    signature of every callable it meets (a `get_kind_display` costs ~15 µs a row) and wraps every read in its
    exception handling: a 50-row page of activities spent ~5 ms there. Here a field whose source is an attribute
    path is read with getattr or a key (a method at its end called), and converted by the field's own to_representation;
    anything else, and any path that does not read cleanly (a missing related row), goes through the field as
    before. The output is DRF's (tests/api compare the two on every serializer that uses this)."""

    @cached_property
    def _direct_plan(self) -> list:
        return [(field.field_name, field, None if isinstance(field, (RelatedField, ManyRelatedField))
                 else tuple(field.source_attrs) or None) for field in self._readable_fields]

    def to_representation(self, instance):
        row = {}
        for name, field, attrs in self._direct_plan:
            try:
                if attrs is None:
                    raise LookupError
                attribute = instance
                for attr in attrs:  # as DRF: a key of a mapping, else an attribute
                    attribute = attribute[attr] if isinstance(attribute, Mapping) else getattr(attribute, attr)
                if isfunction(attribute) or ismethod(attribute) or isinstance(attribute, partial):
                    attribute = attribute()  # as DRF: a method or a get_FOO_display, never a manager
            except (LookupError, AttributeError, ObjectDoesNotExist):
                try:
                    attribute = field.get_attribute(instance)
                except SkipField:
                    continue
            value = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
            row[name] = None if value is None else field.to_representation(attribute)
        return row


class OrganisationSerializer(ReadsDirectly, serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    unit = serializers.CharField(source="unit.name", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Organisation
        fields = ["id", "name", "short_name", "kind", "kind_label", "parent", "unit", "status", "status_label",
                  "established_on", "dissolved_on", "address", "updated_at"]
        read_only_fields = fields


class MemberSerializer(ReadsDirectly, serializers.ModelSerializer):
    """ID number and phone are masked unless the context says the caller may see them (and the view logs it)."""

    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    stage_label = serializers.CharField(source="get_stage_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    id_number = serializers.SerializerMethodField(help_text="公民身份号码；无查看权限时脱敏，如 3406**********1234")
    phone = serializers.SerializerMethodField(help_text="手机号码；无查看权限时脱敏，如 139****0001")
    personal_data_masked = serializers.SerializerMethodField(help_text="身份证号与手机号是否已脱敏")
    # Declared: a read-only model field loses allow_blank, and the schema would not admit the empty value.
    education = serializers.ChoiceField(choices=Education.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Member
        fields = ["id", "name", "gender", "ethnicity", "birth_date", "id_number", "phone", "personal_data_masked",
                  "education", "employment_status", "job_title", "organisation", "organisation_name", "party_group",
                  "stage", "stage_label", "status", "status_label", "applied_on", "activist_on", "candidate_on",
                  "admitted_on", "full_on", "left_on", "updated_at"]
        read_only_fields = fields

    def _reveal(self) -> bool:
        return bool(self.context.get("reveal_personal_data"))

    @extend_schema_field(OpenApiTypes.STR)
    def get_id_number(self, member) -> str:
        return (member.id_number or "") if self._reveal() else member.masked_id_number

    @extend_schema_field(OpenApiTypes.STR)
    def get_phone(self, member) -> str:
        return member.phone if self._reveal() else member.masked_phone

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_personal_data_masked(self, member) -> bool:
        return not self._reveal()


class ActivitySerializer(ReadsDirectly, serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    expected = serializers.IntegerField(read_only=True, help_text="应到党员人数")
    present = serializers.IntegerField(read_only=True, help_text="出席人数（含列席与来宾）")
    on_leave = serializers.IntegerField(read_only=True, help_text="请假人数")
    absent = serializers.IntegerField(read_only=True, help_text="缺席人数")
    theme = serializers.ChoiceField(choices=Theme.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Activity
        fields = ["id", "organisation", "organisation_name", "kind", "kind_label", "theme", "title", "planned_start",
                  "planned_end", "actual_start", "actual_end", "place", "status", "status_label", "is_open",
                  "is_city_wide", "expected", "present", "on_leave", "absent", "updated_at"]
        read_only_fields = fields


# What the list reads of each activity: the serializer's own columns and its host's name (not the agenda, minutes
# and resolutions, read and dropped for fifty activities a page).
ACTIVITY_COLUMNS = (*[name for name in ActivitySerializer.Meta.fields
                      if name in {field.name for field in Activity._meta.concrete_fields}], "organisation__name")


class AttendanceWriteSerializer(serializers.Serializer):
    member = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="党员编号（须在应到名单中）")
    status = serializers.ChoiceField(choices=[(s.value, s.label) for s in RECORDABLE])
    leave_reason = serializers.CharField(required=False, allow_blank=True, max_length=200, default="",
                                         help_text="请假事由（请假时必填）")


class AttendanceSerializer(ReadsDirectly, serializers.Serializer):
    activity = serializers.IntegerField(source="activity_id")
    member = serializers.IntegerField(source="member_id")
    member_name = serializers.CharField(source="member.name")
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    leave_reason = serializers.CharField()
    recorded_at = serializers.DateTimeField()


class CellSerializer(ReadsDirectly, serializers.Serializer):
    month = serializers.IntegerField()
    state = serializers.CharField(help_text="g 全部开展，a 部分开展，r 均未开展，n 本月无要求，f 尚未到期，x 当月不存在")
    state_label = serializers.CharField()
    required = serializers.IntegerField(help_text="应开展次数")
    held = serializers.IntegerField(help_text="已开展次数（每类不超过应开展数）")
    current = serializers.BooleanField(help_text="是否为进行中的当月")


class ComplianceSerializer(ReadsDirectly, serializers.Serializer):
    organisation = serializers.IntegerField(source="pk")
    organisation_name = serializers.CharField(source="name")
    year = serializers.IntegerField()
    required = serializers.IntegerField(help_text="已结束月份的应开展次数")
    held = serializers.IntegerField(help_text="已结束月份的已开展次数")
    rate = serializers.FloatField(allow_null=True, help_text="完成率（0–1）；无要求时为空")
    cells = CellSerializer(many=True)


# --- query parameters -----------------------------------------------------------------------------

class OrganisationFilter(serializers.Serializer):
    organisation = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID,
                                            help_text="只看该党组织及其下级")
    kind = serializers.ChoiceField(required=False, choices=OrganisationKind.choices)
    updated_since = serializers.DateTimeField(required=False, help_text="只看此时间之后修改过的")


class MemberFilter(serializers.Serializer):
    organisation = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID,
                                            help_text="只看该党组织及其下级的党员")
    stage = serializers.ChoiceField(required=False, choices=Stage.choices)
    updated_since = serializers.DateTimeField(required=False, help_text="只看此时间之后修改过的")


class ActivityFilter(serializers.Serializer):
    organisation = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID,
                                            help_text="只看该党组织及其下级主办或联合开展的活动")
    kind = serializers.ChoiceField(required=False, choices=ActivityKind.choices)
    status = serializers.ChoiceField(required=False, choices=ActivityStatus.choices)
    date_from = serializers.DateField(required=False, help_text="计划开始日期不早于（本地日期）")
    date_until = serializers.DateField(required=False, help_text="计划开始日期不晚于（本地日期）")

    def validate(self, data):
        if data.get("date_from") and data.get("date_until") and data["date_from"] > data["date_until"]:
            raise serializers.ValidationError({"date_until": "结束日期不能早于开始日期。"})
        return data


class ComplianceFilter(serializers.Serializer):
    organisation = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID,
                                            help_text="只看该党组织及其下级")
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100, help_text="年份，默认今年")
    month = serializers.IntegerField(required=False, min_value=1, max_value=12, help_text="只返回该月的格子")
