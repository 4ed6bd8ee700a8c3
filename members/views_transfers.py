"""组织关系转接: issue (within the system or to outside), record a letter from outside, accept, return,
withdraw, and print the letter (介绍信) and the receipt (回执). Access in members.access; writes in services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from branches import access as tree
from branches.choices import OrganisationKind, OrganisationStatus
from branches.models import Organisation
from core.forms import add_service_error
from core.paging import capped_page_of, query_without_page

from . import access, services
from .choices import TransferKind
from .forms import AcceptForm, CancelForm, ReturnForm, TransferFilterForm, TransferForm, TransferInForm
from .selectors import transfer_list as select_transfers

PAGE_SIZE = 30


def _destinations():
    return (Organisation.objects.filter(status=OrganisationStatus.ACTIVE)
            .exclude(kind=OrganisationKind.WORKING_COMMITTEE).order_by("path"))


@require_GET
def transfer_list(request: HttpRequest) -> HttpResponse:
    tree.require(access.can_record_transfers(request.user))
    form = TransferFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    transfers = select_transfers(transfers=access.transfers_visible_to(request.user),
                                 status=filters.get("status") or "", kind=filters.get("kind") or "",
                                 year=filters.get("year"))
    # A province's 75,000 transfers counted whole cost as much as the rest of the page: counted to the cap.
    page = capped_page_of(request, transfers, per_page=PAGE_SIZE)
    managed = set(tree.organisations_managed_by(request.user).filter(
        pk__in={o for t in page for o in (t.from_organisation_id, t.to_organisation_id) if o}).values_list("pk", flat=True))
    return render(request, "members/transfer_list.html", {"form": form, "page": page,
                                                          "query": query_without_page(request), "managed": managed})


@require_http_methods(["GET", "POST"])
def transfer_create(request: HttpRequest, pk: int) -> HttpResponse:
    member = access.get_active_member_for(request.user, pk)
    destinations = _destinations().exclude(pk=member.organisation_id)
    form = TransferForm(request.POST or None, destinations=destinations,
                        initial={"sent_on": timezone.localdate(), "kind": request.GET.get("kind") or TransferKind.WITHIN})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["kind"] == TransferKind.WITHIN:
                transfer = services.transfer_send(member=member, to_organisation=data["to_organisation"],
                                                  reason=data["reason"], sent_on=data["sent_on"],
                                                  dues_paid_to=data["dues_paid_to"], by=request.user)
            else:
                transfer = services.transfer_out_send(member=member,
                                                      outside_organisation=data["outside_organisation"].strip(),
                                                      reason=data["reason"], sent_on=data["sent_on"],
                                                      dues_paid_to=data["dues_paid_to"], by=request.user)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"已开具组织关系介绍信{transfer.letter_text}。")
            return redirect(transfer)
    return _form_page(request, form, title=f"开具组织关系介绍信：{member.name}", submit="开具介绍信",
                      back=member.get_absolute_url(), subtitle=f"现所在党组织：{member.organisation.name}")


@require_http_methods(["GET", "POST"])
def transfer_in_create(request: HttpRequest) -> HttpResponse:
    tree.require(access.can_record_transfers(request.user))
    organisations = tree.organisations_managed_by(request.user).active().order_by("path")
    form = TransferInForm(request.POST or None, organisations=organisations,
                          initial={"accepted_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        letter, person = form.split()
        try:
            transfer = services.transfer_in_record(by=request.user, **letter, **person)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"已登记{transfer.member.name}的组织关系转入。")
            return redirect(transfer)
    return _form_page(request, form, title="登记从系统外转入的组织关系", submit="登记转入",
                      back=reverse("members:transfer_list"),
                      subtitle="按来信（介绍信）填写；系统先按公民身份号码核对此人是否已在党员名册中。")


@require_GET
def transfer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = access.get_transfer_for(request.user, pk)
    return render(request, "members/transfer_detail.html", {
        "transfer": transfer,
        "is_sender": access.is_sender(request.user, transfer),
        "is_receiver": access.is_receiver(request.user, transfer),
        "history": transfer.history.select_related("history_user").order_by("-history_date")[:20],
    })


@require_http_methods(["GET", "POST"])
def transfer_accept(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = access.get_transfer_for(request.user, pk)
    access.require_receiver(request.user, transfer)
    form = AcceptForm(request.POST or None, initial={"accepted_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.transfer_accept(transfer=transfer, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "组织关系已接收。" if transfer.kind == TransferKind.WITHIN else "回执已登记。")
            return redirect(transfer)
    return _form_page(request, form, title="接收组织关系" if transfer.kind == TransferKind.WITHIN else "登记回执", submit="确定",
                      back=transfer.get_absolute_url(), subtitle=_summary(transfer))


@require_http_methods(["GET", "POST"])
def transfer_return(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = access.get_transfer_for(request.user, pk)
    access.require_receiver(request.user, transfer)
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.transfer_return(transfer=transfer, by=request.user, reason=form.cleaned_data["comment"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "已退回该组织关系介绍信。")
            return redirect(transfer)
    return _form_page(request, form, title="退回组织关系介绍信", submit="确定",
                      back=transfer.get_absolute_url(), subtitle=_summary(transfer))


@require_http_methods(["GET", "POST"])
def transfer_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = access.get_transfer_for(request.user, pk)
    access.require_sender(request.user, transfer)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.transfer_cancel(transfer=transfer, by=request.user, reason=form.cleaned_data["comment"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "已撤回该组织关系介绍信。")
            return redirect(transfer)
    return _form_page(request, form, title="撤回组织关系介绍信", submit="确定",
                      back=transfer.get_absolute_url(), subtitle=_summary(transfer))


def _print_context(request, transfer) -> dict:
    valid_days = (transfer.valid_until - transfer.sent_on).days if transfer.valid_until else None
    return {"transfer": transfer, "member": transfer.member, "age": transfer.member.age(transfer.sent_on),
            "valid_days": valid_days}


@require_GET
def transfer_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """The letter (介绍信) with its stub and receipt, as an A4 page to print; ?format=pdf for a PDF file."""
    transfer = access.get_transfer_for(request.user, pk)
    if transfer.kind == TransferKind.IN:
        raise Http404("从系统外转入的组织关系没有本系统开具的介绍信。")
    context = _print_context(request, transfer)
    if request.GET.get("format") == "pdf":
        from weasyprint import HTML

        html = render_to_string("members/transfer_letter.html", {**context, "pdf": True}, request=request)
        pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = (f"attachment; filename=transfer-{transfer.letter_year}-"
                                           f"{transfer.letter_number}.pdf")
        return response
    return render(request, "members/transfer_letter.html", context)


@require_GET
def transfer_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """The receipt (回执) the receiving organisation returns, as an A4 page to print."""
    transfer = access.get_transfer_for(request.user, pk)
    return render(request, "members/transfer_receipt.html", _print_context(request, transfer))


def _form_page(request, form, *, title: str, submit: str, back: str, subtitle: str = "", multipart: bool = False,
               template: str = "includes/form_page.html", **extra):
    return render(request, template, {"form": form, "title": title, "submit": submit, "back": back,
                                      "subtitle": subtitle, "multipart": multipart, **extra})


def _summary(transfer) -> str:
    return (f"{transfer.member.name}（{transfer.get_stage_display()}）：由{transfer.from_text}转往{transfer.to_text}，"
            f"介绍信{transfer.letter_text}，{transfer.sent_on:%Y年%m月%d日}开具。")
