"""The JSON API. Thin: access comes from branches.access (404 outside the user's reach, 403 inside it without the
right), reads from api.selectors, the one write from api.services.

Who may call what (the same as the pages):
- organisations and members lists: admins and secretaries (403 for everyone else); one organisation or member:
  whoever may open its page (a member their own branch and record);
- activities: whoever may see them on the pages, with attendance counts; recording attendance: the host
  organisation's secretaries and admins;
- compliance figures: admins and secretaries, for the organisations they manage.
"""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework import exceptions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from activities import access as activity_access
from audit.services import personal_data_viewed_many
from branches import access
from members import access as member_access

from . import selectors, serializers
from .models import ApiToken
from .services import attendance_record_by_call

PERSONAL_FIELDS = "公民身份号码、手机号码"
PK = OpenApiParameter("id", int, OpenApiParameter.PATH, description="编号")


class _ForPeople:
    """The docs page is for people in a browser: the login middleware sends an anonymous visitor to the login
    page (REST framework marks its views as exempt from it; these are not)."""

    @classmethod
    def as_view(cls, **initkwargs):
        view = super().as_view(**initkwargs)
        view.login_required = True
        return view


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema, generated once per process and API version: it describes the code, which does not
    change while the process runs, and the same for every caller (SERVE_PUBLIC); generating it walks every
    serializer (tens of milliseconds a request)."""

    _generated: dict = {}

    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = (version, self.serve_public)
        if key not in self._generated:
            generator = self.generator_class(urlconf=self.urlconf, api_version=version, patterns=self.patterns)
            self._generated[key] = generator.get_schema(request=request, public=self.serve_public)
        return Response(data=self._generated[key],
                        headers={"Content-Disposition": f'inline; filename="{self._get_filename(request, version)}"'})


class DocsView(_ForPeople, SpectacularSwaggerView):
    pass


class ApiViewSet(viewsets.GenericViewSet):
    """Calls authenticate themselves (token or session) and answer an anonymous caller with 401: a program cannot
    follow the pages' login redirect. The permission classes (IsAuthenticated by default) are what protects them;
    tests/test_url_access.py checks that every view let past the login middleware this way has them."""

    # Any path segment reaches object_pk (and so a JSON 404), not only the router's default "no dots".
    lookup_value_regex = "[^/]+"

    @classmethod
    def as_view(cls, actions=None, **initkwargs):
        return login_not_required(super().as_view(actions, **initkwargs))

    def filters(self, serializer_class) -> dict:
        params = serializer_class(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return params.validated_data

    def object_pk(self) -> int:
        """The pk from the URL; anything that is not a stored id is simply not found (never a server error)."""
        raw = self.kwargs.get("pk", "")
        if not raw.isascii() or not raw.isdigit() or not 0 < int(raw) <= serializers.MAX_ID:
            raise exceptions.NotFound("没有找到该记录。")
        return int(raw)

    def paginated(self, rows, serializer):
        page = self.paginate_queryset(rows)
        return page, self.get_paginated_response(serializer(page).data)


@extend_schema(tags=["党组织"])
class OrganisationViewSet(ApiViewSet):
    serializer_class = serializers.OrganisationSerializer

    @extend_schema(summary="党组织列表", parameters=[serializers.OrganisationFilter])
    def list(self, request):
        access.require(access.can_list_members(request.user))
        rows = selectors.organisations_for(user=request.user, **self.filters(serializers.OrganisationFilter))
        return self.paginated(rows, lambda page: self.get_serializer(page, many=True))[1]

    @extend_schema(summary="党组织详情", parameters=[PK])
    def retrieve(self, request, pk=None):
        organisation = access.get_organisation_for(request.user, self.object_pk())
        return Response(self.get_serializer(organisation).data)


@extend_schema(tags=["党员"])
class MemberViewSet(ApiViewSet):
    """ID number and phone unmasked only for those who may see personal data (branches.access); each member whose
    data a call returns unmasked is written to the action log, with the token that asked."""

    serializer_class = serializers.MemberSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(),
                "reveal_personal_data": access.can_see_personal_data(self.request.user)}

    def _log_reveal(self, members) -> None:
        if not members or not access.can_see_personal_data(self.request.user):
            return
        token = self.request.auth
        channel = f"接口（令牌 {token.prefix}…）" if isinstance(token, ApiToken) else "接口（登录会话）"
        personal_data_viewed_many(actor=self.request.user, members=members, fields=PERSONAL_FIELDS, channel=channel,
                                  ip_address=self.request.META.get("REMOTE_ADDR"))

    @extend_schema(summary="党员列表", parameters=[serializers.MemberFilter])
    def list(self, request):
        access.require(access.can_list_members(request.user))
        rows = selectors.members_for(user=request.user, **self.filters(serializers.MemberFilter))
        page, response = self.paginated(rows, lambda page: self.get_serializer(page, many=True))
        self._log_reveal(page)
        return response

    @extend_schema(summary="党员详情", parameters=[PK])
    def retrieve(self, request, pk=None):
        member = member_access.get_member_for(request.user, self.object_pk())
        data = self.get_serializer(member).data
        self._log_reveal([member])
        return Response(data)


@extend_schema(tags=["组织生活"])
class ActivityViewSet(ApiViewSet):
    serializer_class = serializers.ActivitySerializer

    @extend_schema(summary="活动列表（含出勤人数）", parameters=[serializers.ActivityFilter])
    def list(self, request):
        rows = selectors.activities_for(user=request.user, columns=serializers.ACTIVITY_COLUMNS,
                                        **self.filters(serializers.ActivityFilter))
        return self.paginated(rows, lambda page: self.get_serializer(selectors.with_attendance_counts(page),
                                                                      many=True))[1]

    @extend_schema(summary="活动详情（含出勤人数）", parameters=[PK])
    def retrieve(self, request, pk=None):
        activity = activity_access.get_activity_for(request.user, self.object_pk())
        return Response(self.get_serializer(selectors.with_attendance_counts([activity])[0]).data)

    @extend_schema(summary="登记一名党员的出勤", parameters=[PK], request=serializers.AttendanceWriteSerializer,
                   responses=serializers.AttendanceSerializer,
                   description="主办党组织的书记（及管理员）可登记应到名单中党员的出席、缺席或请假（请假须填写事由）。")
    @action(detail=True, methods=["post"], url_path="attendance", url_name="attendance",
            serializer_class=serializers.AttendanceWriteSerializer)
    def attendance(self, request, pk=None):
        activity = activity_access.get_activity_for(request.user, self.object_pk(), write=True)
        body = serializers.AttendanceWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            attendance = attendance_record_by_call(activity=activity, by=request.user, member_id=data["member"],
                                                   status=data["status"], leave_reason=data["leave_reason"])
        except DjangoValidationError as error:
            raise exceptions.ValidationError(error.message_dict if hasattr(error, "error_dict") else
                                             {"detail": error.messages})
        return Response(serializers.AttendanceSerializer(attendance).data)


@extend_schema(tags=["督导考核"])
class ComplianceViewSet(ApiViewSet):
    serializer_class = serializers.ComplianceSerializer

    @extend_schema(summary="“三会一课”完成情况（每个党支部一行，含 12 个月的格子）",
                   parameters=[serializers.ComplianceFilter])
    def list(self, request):
        access.require(access.is_admin(request.user) or access.is_secretary(request.user))
        rows = selectors.compliance_rows(user=request.user, **self.filters(serializers.ComplianceFilter))
        return self.paginated(rows, lambda page: self.get_serializer(page, many=True))[1]
