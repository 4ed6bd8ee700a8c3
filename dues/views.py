"""党费 pages: the totals (city or the secretary's organisations), a branch's ledger with arrears and warnings, a
member's dues, and the secretary's forms for the base and for payments. No online payment: the secretary records
what was handed in."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from audit.models import Action
from audit.services import action_log, personal_data_viewed
from branches import access as branch_access
from core.forms import add_service_error
from core.http import client_address
from core.paging import chosen_year, page_of, query_without_page

from . import access, selectors, services
from .access import MASK
from .forms import DuesBaseForm, DuesPaymentForm, LedgerFilterForm
from .ledger import first_of_month
from .models import DuesBase, DuesPayment


@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """The city's (admin) or the secretary's organisations' dues by month, and each organisation's year."""
    user = request.user
    branch_access.require(access.can_see_totals(user))
    year = chosen_year(request)
    scope = access.organisations_for_totals(user)
    months = selectors.monthly_totals(organisations=None if branch_access.is_admin(user) else scope, year=year)
    page = page_of(request, scope.order_by("path").only("pk", "name", "short_name", "depth", "path"))
    organisations = list(page.object_list)
    own = selectors.totals_by_organisation(organisation_ids=[o.pk for o in organisations], year=year)
    members = selectors.party_member_counts(organisations)
    rows = [{"organisation": o, "members": members[o.pk], **own.get(o.pk, {})} for o in organisations]
    return render(request, "dues/overview.html", {
        "year": year, "months": months, "year_total": sum(m.amount for m in months), "page": page, "rows": rows,
        "query": query_without_page(request), "is_admin": branch_access.is_admin(user),
    })


@require_GET
def ledger(request: HttpRequest, pk: int) -> HttpResponse:
    """A branch's 台账 for a year: every member's months, arrears and the six-month warning. Amounts are shown to
    the secretaries who run it and admins (logged), masked for the branch's members."""
    user = request.user
    organisation = access.get_ledger_organisation(user, pk)
    filters = LedgerFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    year = data.get("year") or timezone.localdate().year
    today = timezone.localdate()
    members = selectors.dues_members(organisation).select_related("organisation").order_by(
        "organisation__path", "name", "pk")
    standing = selectors.standings(today=today, members=members)
    limit = selectors.unpaid_months_limit(today)
    show = data.get("show") or ""
    if show == "arrears":
        members = members.filter(pk__in=[pk for pk, s in standing.items() if s.arrears])
    elif show == "warning":
        members = members.filter(pk__in=[pk for pk, s in standing.items() if s.streak >= limit])
    elif show == "no_base":
        members = members.exclude(pk__in=list(standing))
    page = page_of(request, members)
    rows = selectors.ledger_rows(list(page.object_list), year=year, today=today)
    amounts = access.can_see_amounts(user, organisation)
    if amounts:
        action_log(actor=user, ip=client_address(request), action=Action.PERSONAL_DATA_VIEWED, organisation=organisation,
                   detail=f"查看党费台账金额：{organisation.name} {year}年第{page.number}页")
    return render(request, "dues/ledger.html", {
        "organisation": organisation, "year": year, "filters": filters, "show": show, "page": page, "rows": rows,
        "amounts": amounts, "mask": MASK, "can_record": access.can_record(user, organisation),
        "arrears_count": sum(1 for s in standing.values() if s.arrears),
        "warning_count": sum(1 for s in standing.values() if s.streak >= limit), "limit": limit,
        "query": query_without_page(request), "month_numbers": range(1, 13),
    })


@require_GET
def member_dues(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    member = access.get_member_dues_for(user, pk)
    today = timezone.localdate()
    dues = selectors.dues_for([member], today=today)[member.pk]
    own = member.user_id is not None and member.user_id == user.pk
    if not own:
        personal_data_viewed(by=user, ip=client_address(request), member=member, fields="党费基数和交纳金额")
    payments = DuesPayment.objects.filter(member=member).select_related("organisation").order_by("-month")
    return render(request, "dues/member.html", {
        "member": member, "dues": dues, "bases": DuesBase.objects.filter(member=member).order_by("-effective_from"),
        "payments": page_of(request, payments), "limit": selectors.unpaid_months_limit(today),
        "can_record": access.can_record(user, member.organisation), "own": own,
    })


@require_http_methods(["GET", "POST"])
def base_set(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    member = access.get_member_dues_for(user, pk, write=True)
    initial = {"effective_from": first_of_month(timezone.localdate()), "category": services.default_category(member)}
    current = DuesBase.objects.filter(member=member).order_by("-effective_from").first()
    if current is not None:
        initial["monthly_income"] = current.monthly_income
    form = DuesBaseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.dues_base_set(member=member, by=user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"已登记 {member.name} 的党费基数。")
            return redirect("dues:member", pk=member.pk)
    return render(request, "includes/form_page.html", {
        "form": form, "title": "登记党费基数", "subtitle": f"{member.name}（{member.organisation}）",
        "back": reverse("dues:member", args=[member.pk]), "submit": "保存",
    })


@require_http_methods(["GET", "POST"])
def payment_record(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    member = access.get_member_dues_for(user, pk, write=True)
    today = timezone.localdate()
    month = first_of_month(today)
    form = DuesPaymentForm(request.POST or None, initial={"first_month": month, "last_month": month,
                                                          "paid_on": today})
    if request.method == "POST" and form.is_valid():
        try:
            payments = services.dues_payments_record(member=member, by=user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            total = sum(p.amount for p in payments)
            messages.success(request, f"已登记 {member.name} {len(payments)} 个月党费，共 {total} 元。")
            return redirect("dues:member", pk=member.pk)
    return render(request, "includes/form_page.html", {
        "form": form, "title": "登记党费交纳", "subtitle": f"{member.name}（{member.organisation}）",
        "back": reverse("dues:member", args=[member.pk]), "submit": "登记",
    })

