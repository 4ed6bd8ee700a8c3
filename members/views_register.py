"""Leaving the register, member categories (离退休, 流动, 失联, 出国（境）) and the register's yearly movement."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from branches.versions import counted_for, page_in_kept_order
from core.files import private_file_response
from core.forms import add_service_error
from core.paging import chosen_year

from . import access, services
from .forms import CategoryFilterForm, CategoryForm, LeavingForm, RetireForm
from .models import Leaving
from .selectors import category_counts, register_years

PAGE_SIZE = 50
REGISTER_YEARS = 3


@require_http_methods(["GET", "POST"])
def member_leave(request: HttpRequest, pk: int) -> HttpResponse:
    member = access.get_active_member_for(request.user, pk)
    form = LeavingForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            leaving = services.member_leave(member=member, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"已登记{member.name}{leaving.get_kind_display()}。")
            return redirect(member)
    return _form_page(request, form, title=f"登记离开党籍：{member.name}", submit="登记", back=member.get_absolute_url(),
                      subtitle="登记后该党员的记录只读，从当日起不再出现在名册、活动应到人员和提醒中；此前的统计仍计入。",
                      multipart=True)


@require_GET
def leaving_document(request: HttpRequest, pk: int) -> HttpResponse:
    member = access.get_member_for(request.user, pk)
    if not access.can_manage_member(request.user, member):
        raise PermissionDenied("只有该党员所在党组织的书记可以查看决定文件。")
    leaving = Leaving.objects.filter(member=member).first()
    return private_file_response(leaving.document if leaving else None,
                                 content_type=leaving.document_content_type if leaving else "",
                                 filename=leaving.document_name if leaving else "", missing="没有上传决定文件。")


@require_http_methods(["GET", "POST"])
def category_create(request: HttpRequest, pk: int) -> HttpResponse:
    member = access.get_active_member_for(request.user, pk)
    form = CategoryForm(request.POST or None, initial={"kind": request.GET.get("kind"),
                                                       "starts_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.category_start(member=member, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "党员类别已登记。")
            return redirect(member)
    return _form_page(request, form, title=f"登记党员类别：{member.name}", submit="登记", back=member.get_absolute_url())


@require_http_methods(["GET", "POST"])
def category_edit(request: HttpRequest, pk: int) -> HttpResponse:
    category = access.get_category_for(request.user, pk, write=True)
    form = CategoryForm(request.POST or None, instance=category)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.cleaned_data if name != "kind"}
        try:
            services.category_update(category=category, by=request.user, **fields)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "党员类别情况已保存。")
            return redirect(category.member)
    return _form_page(request, form, title=f"{category.get_kind_display()}情况：{category.member.name}", submit="保存",
                      back=category.member.get_absolute_url(), subtitle="不再属于此类别时填写结束日期。")


@require_http_methods(["GET", "POST"])
def member_retire(request: HttpRequest, pk: int) -> HttpResponse:
    member = access.get_active_member_for(request.user, pk)
    form = RetireForm(request.POST or None, initial={"retired_on": member.retired_on or timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        services.member_retire(member=member, by=request.user, **form.cleaned_data)
        messages.success(request, f"已登记{member.name}离退休。")
        return redirect(member)
    return _form_page(request, form, title=f"登记离退休：{member.name}", submit="登记", back=member.get_absolute_url())


@require_GET
def category_list(request: HttpRequest) -> HttpResponse:
    access.require(access.can_list_members(request.user))
    form = CategoryFilterForm(request.GET or None)
    kind = form.cleaned_data.get("kind") if form.is_valid() else ""
    members = access.members_visible_to(request.user)
    rows = (access.categories_visible_to(request.user).filter(ends_on__isnull=True, member__status="ACTIVE")
            .select_related("member", "member__organisation").order_by("kind", "member__organisation__path",
                                                                      "member__name", "pk"))
    if kind:
        rows = rows.filter(kind=kind)
    # The order (by kind, tree, name) sorts every open category joined to its member and organisation (a
    # province: 13 ms a view): kept until a member, a category or an organisation changes; the page read afresh.
    page = page_in_kept_order(request, f"category-order:{kind}", rows, per_page=PAGE_SIZE, exact=True)
    # Counting a province's members by category: every five minutes for admins, per subtree for secretaries.
    counted = counted_for(request.user, "categories", lambda: category_counts(members=members))
    return render(request, "members/category_list.html", {"form": form, "page": page, "counts": counted.value,
                                                          "counted_at": counted.counted_at})


@require_GET
def register_summary(request: HttpRequest) -> HttpResponse:
    access.require(access.can_list_members(request.user))
    year = chosen_year(request)
    organisations = access.organisations_managed_by(request.user)
    if access.is_admin(request.user):
        organisations = organisations.filter(parent__isnull=True)
    counted = counted_for(request.user, f"register:{year}", lambda: register_years(
        organisations=organisations, years=list(range(year - REGISTER_YEARS + 1, year + 1))))
    return render(request, "members/register_summary.html", {"years": counted.value, "year": year,
                                                             "counted_at": counted.counted_at})



def _form_page(request, form, *, title: str, submit: str, back: str, subtitle: str = "", multipart: bool = False,
               template: str = "includes/form_page.html", **extra):
    return render(request, template, {"form": form, "title": title, "submit": submit, "back": back,
                                      "subtitle": subtitle, "multipart": multipart, **extra})
