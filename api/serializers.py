"""What the API shows of each row, and the query parameters it accepts (validated: bad input is a 400)."""

from collections.abc import Mapping
from functools import partial, partialmethod
from inspect import getattr_static, isfunction, ismethod

from django.core.exceptions import ObjectDoesNotExist
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
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
    """Rows written out as DRF writes them, without its per-field machinery on every row or every call.

    DRF's `to_representation` asks each field for its value through `Field.get_attribute`, which inspects every
    callable it meets and wraps every read in its exception handling, and each serializer instance first builds its
    fields (a ModelSerializer introspects its model: ~1.5 ms a call). Here each class gets, once per process, a plan
    of how to read every field of a row (plan_for): a model column read directly, a foreign key's id, a
    `get_FOO_display` from the choices looked up once, a method field's method, any other attribute path walked as
    DRF walks it. A value is converted by the field's own to_representation, which for the field types in PURE
    depends only on the field's arguments, so one copy of each field serves every call; a class with any other kind of
    field, and any read that does not go cleanly (a missing related row, a default), goes through the call's own
    field as before. The output is DRF's (tests/api compare the two on every serializer that uses this)."""

    PURE = frozenset({serializers.BigIntegerField, serializers.BooleanField, serializers.CharField,
                      serializers.ChoiceField, serializers.DateField, serializers.DateTimeField,
                      serializers.FloatField, serializers.IntegerField, serializers.PrimaryKeyRelatedField,
                      serializers.SerializerMethodField})
    _plans: dict = {}

    def to_representation(self, instance):
        plan = ReadsDirectly._plans.get(type(self)) or self.__dict__.get("_plan") or self.plan_for()
        row = {}
        for name, read, convert in plan:
            try:
                value = read(self, instance)
            except _Fallback:
                field = self.fields[name]
                try:
                    value = field.get_attribute(instance)
                except SkipField:
                    continue
                if isinstance(value, PKOnlyObject):
                    row[name] = None if value.pk is None else field.to_representation(value)
                    continue
                convert = field.to_representation
            row[name] = value if value is None or convert is None else convert(value)
        return row

    def plan_for(self) -> list:
        """How to read each field: [(name, read(serializer, instance) -> value, convert or None)]; kept for the
        class when every field is of a PURE type, else for this serializer only (a list's child serves every row)."""
        model = getattr(getattr(self, "Meta", None), "model", None)
        columns = {f.name: f for f in model._meta.concrete_fields} if model else {}
        plan, pure = [], True
        for field in self._readable_fields:
            kind, attrs = type(field), tuple(field.source_attrs)
            pure = pure and kind in self.PURE
            if kind is serializers.SerializerMethodField:
                plan.append((field.field_name, _method(field.method_name), None))
            elif kind is serializers.PrimaryKeyRelatedField and field.pk_field is None and len(attrs) == 1 \
                    and attrs[0] in columns:
                plan.append((field.field_name, _column(columns[attrs[0]].attname), None))
            elif isinstance(field, (RelatedField, ManyRelatedField)) or not attrs:
                plan.append((field.field_name, _fallback, None))
            elif len(attrs) == 1 and attrs[0] in columns and not columns[attrs[0]].is_relation:
                plan.append((field.field_name, _column(columns[attrs[0]].attname), field.to_representation))
            elif len(attrs) == 1 and (column := _displayed(model, columns, attrs[0])) is not None:
                plan.append((field.field_name, _display(column), field.to_representation))
            else:
                plan.append((field.field_name, _path(attrs), field.to_representation))
        if pure:
            ReadsDirectly._plans[type(self)] = plan
        else:
            self.__dict__["_plan"] = plan
        return plan


class _Fallback(Exception):
    """A value the plan does not read itself: the call's own field reads it, as DRF does."""


def _fallback(serializer, instance):
    raise _Fallback


def _method(name):
    return lambda serializer, instance: getattr(serializer, name)(instance)


def _column(attname):
    def read(serializer, instance):
        try:
            return getattr(instance, attname)
        except AttributeError:  # not a model instance of the serializer's model (a dict, say)
            raise _Fallback from None
    return read


def _displayed(model, columns: dict, attr: str):
    """The column whose label `attr` names, if `attr` is Django's own get_FOO_display (not one the model defines)."""
    name = attr.removeprefix("get_").removesuffix("_display")
    column = columns.get(name)
    if attr != f"get_{name}_display" or column is None or not column.choices:
        return None
    return column if isinstance(getattr_static(model, attr, None), partialmethod) else None


def _display(column):
    """Model.get_FOO_display without rebuilding the choices on every call (Django's builds a dict each time)."""
    labels = dict(make_hashable(column.flatchoices))

    def read(serializer, instance):
        try:
            value = getattr(instance, column.attname)
        except AttributeError:
            raise _Fallback from None
        return force_str(labels.get(make_hashable(value), value), strings_only=True)
    return read


def _path(attrs: tuple):
    """DRF's own walk (fields.get_attribute): a key of a mapping, else an attribute; a method at any step called."""
    def read(serializer, instance):
        value = instance
        try:
            for attr in attrs:
                value = value[attr] if isinstance(value, Mapping) else getattr(value, attr)
                if isfunction(value) or ismethod(value) or isinstance(value, partial):
                    value = value()
        except (LookupError, AttributeError, ObjectDoesNotExist):
            raise _Fallback from None
        return value
    return read


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
