from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from audit.services import personal_data_viewed
from branches.models import CommitteePosition
from core.http import client_address
from core.paging import capped_page_of, query_without_page
from members import access

from . import services
from .forms import AccountForm, MemberFilterForm, MemberForm
from .panels import member_panel_context, member_panel_rows
from .selectors import REGISTER_ROWS, member_register_history, rows_present
from .selectors import member_list as select_members


def _filtered_members(request: HttpRequest):
    """The roster's filter form and the members it selects: the same for the list and its printout."""
    access.require(access.can_list_members(request.user))
    organisations = access.organisations_managed_by(request.user).active().order_by("path")
    form = MemberFilterForm(request.GET or None, organisations=organisations)
    filters = form.cleaned_data if form.is_valid() else {}
    members = select_members(
        user=request.user,
        q=(filters.get("q") or "").strip(),
        organisation=filters.get("organisation"),
        stage=filters.get("stage") or "",
        employment_status=filters.get("employment_status") or "",
        sort=filters.get("sort") or "",
    )
    return form, filters, members


def member_list(request: HttpRequest) -> HttpResponse:
    form, _, members = _filtered_members(request)
    page = capped_page_of(request, members, per_page=settings.MEMBER_LIST_PAGE_SIZE)
    return render(request, "members/member_list.html",
                  {"form": form, "page": page, "query": query_without_page(request)})


# Above this many rows the roster is printed one organisation at a time (a printout of a whole province
# helps nobody and the page would not stay small).
ROSTER_PRINT_LIMIT = 3000


@require_GET
def member_roster_print(request: HttpRequest) -> HttpResponse:
    """The whole filtered roster (every row, not one page of 30) laid out for A4, phones masked."""
    _, filters, members = _filtered_members(request)
    # Past the limit only a note is shown: asked of the database, not by building thousands of members first.
    too_many = members[ROSTER_PRINT_LIMIT:ROSTER_PRINT_LIMIT + 1].exists()
    return render(request, "members/roster_print.html", {
        "rows": [] if too_many else list(members), "too_many": too_many, "limit": ROSTER_PRINT_LIMIT,
        "organisation": filters.get("organisation"), "query": request.GET.urlencode(),
    })


def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = access.get_member_for(request.user, pk)
    # One query asks which sections have rows (the page's own and its panels'); only those are read.
    present = rows_present(member, [*REGISTER_ROWS, *member_panel_rows()])
    positions = (CommitteePosition.objects.filter(member=member).select_related("organisation")
                 .order_by("-starts_on") if present["branches.CommitteePosition"] else [])
    development = None
    if present["development.DevelopmentRecord"]:
        development = getattr(member, "development", None)  # None if removed since
    return render(request, "members/member_detail.html", {
        "member": member,
        "positions": positions,
        "development": development,
        "can_manage": access.can_manage_member(request.user, member),
        "can_reveal": access.can_see_personal_data(request.user),
        **member_panel_context(member, present),
        "register": member_register_history(member, present),
    })


@require_GET
def member_personal_data(request: HttpRequest, pk: int) -> HttpResponse:
    member = access.get_member_for(request.user, pk)
    access.require(access.can_see_personal_data(request.user))
    personal_data_viewed(by=request.user, ip=client_address(request), member=member, fields="公民身份号码、手机号码")
    return render(request, "members/_personal_data.html", {"member": member})


@require_http_methods(["GET", "POST"])
def member_create(request: HttpRequest) -> HttpResponse:
    access.require(access.can_list_members(request.user))
    organisations = access.organisations_managed_by(request.user).active().order_by("path")
    initial = {}
    if request.GET.get("organisation"):
        initial["organisation"] = organisations.filter(pk=request.GET["organisation"]).first()
    form = MemberForm(request.POST or None, initial=initial, organisations=organisations,
                      reveal_personal_data=True)
    if request.method == "POST" and form.is_valid():
        member = services.member_create(by=request.user, ip=client_address(request), **form.cleaned_data)
        messages.success(request, f"已添加党员 {member.name}。")
        return redirect(member)
    return render(request, "members/member_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = access.get_member_for(request.user, pk, write=True)
    access.require(member.status == "ACTIVE")  # a member who left keeps a read-only record
    organisations = access.organisations_managed_by(request.user).active().order_by("path")
    form = MemberForm(request.POST or None, instance=member, organisations=organisations,
                      reveal_personal_data=access.can_see_personal_data(request.user))
    if request.method == "GET" and not form.keeps_masked:
        personal_data_viewed(by=request.user, ip=client_address(request), member=member,
                             fields="编辑表单中的公民身份号码、手机号码")
    if request.method == "POST" and form.is_valid():
        member = services.member_update(member=form.save(commit=False), by=request.user, ip=client_address(request),
                               changed=[str(form.fields[f].label) for f in form.changed_data])
        messages.success(request, "党员信息已保存。")
        return redirect(member)
    return render(request, "members/member_form.html", {"form": form, "member": member})


@require_http_methods(["GET", "POST"])
def member_account_create(request: HttpRequest, pk: int) -> HttpResponse:
    member = access.get_member_for(request.user, pk, write=True)
    if member.user_id:
        messages.info(request, "该党员已有登录账号。")
        return redirect(member)
    form = AccountForm(request.POST or None, initial={"username": member.phone or ""})
    if request.method == "POST" and form.is_valid():
        services.member_account_create(member=member, by=request.user, ip=client_address(request),
                                       **form.cleaned_data)
        messages.success(request, f"已为 {member.name} 创建登录账号。")
        return redirect(member)
    return render(request, "members/account_form.html", {"form": form, "member": member})
