"""Recording, correcting and deciding the steps; their documents and attachments."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from branches import access as branch_access
from core.files import private_file_response
from core.forms import add_service_error
from core.paging import page_of, query_without_page

from .. import access, documents, selectors, services
from ..forms import DecisionForm, StepForm
from ..models import StepDefinition

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _step_page(request, *, form, record, definition, step=None):
    return render(request, "development/step_form.html", {
        "form": form, "record": record, "member": record.member, "definition": definition, "step": step,
    })


@transaction.non_atomic_requests
@require_http_methods(["GET", "POST"])
def step_new(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    user = request.user
    record = access.get_record_for(user, pk, write=True)
    definition = get_object_or_404(StepDefinition, number=number)
    form = StepForm(request.POST or None, request.FILES or None, definition=definition, record=record)
    if request.method == "POST" and form.is_valid():
        try:
            step = services.step_record(record=record, definition=definition, by=user,
                                        data=services.StepData.from_cleaned(form.cleaned_data),
                                        attachments=form.cleaned_data["attachments"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            done = "已报上级党委审批" if definition.needs_approval else "已记录"
            messages.success(request, f"第{number}步“{definition.name}”{done}。")
            return redirect(f"{record.get_absolute_url()}#step-{step.definition.number}")
    return _step_page(request, form=form, record=record, definition=definition)


@transaction.non_atomic_requests
@require_http_methods(["GET", "POST"])
def step_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    step = access.get_step_for(user, pk, write=True)
    record, definition = step.record, step.definition
    initial = {name: getattr(step, name) for name in services.StepData.FIELDS}
    initial["people"] = list(step.people.all())
    form = StepForm(request.POST or None, request.FILES or None, initial=initial, definition=definition,
                    record=record)
    if request.method == "POST" and form.is_valid():
        try:
            services.step_update(step=step, by=user, data=services.StepData.from_cleaned(form.cleaned_data),
                                 attachments=form.cleaned_data["attachments"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"第{definition.number}步“{definition.name}”已保存。")
            return redirect(f"{record.get_absolute_url()}#step-{definition.number}")
    return _step_page(request, form=form, record=record, definition=definition, step=step)


@require_http_methods(["GET", "POST"])
def step_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    step = access.get_step_to_decide(user, pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.step_decide(step=step, by=user, approve=data["decision"] == "approve",
                                 approved_on=data["approved_on"], comment=data["comment"], reason=data["reason"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "已批准。" if data["decision"] == "approve" else "已退回党支部修改。")
            return redirect("development:approval_queue")
    return render(request, "development/decide.html", {
        "form": form, "step": step, "record": step.record, "member": step.record.member,
        "history": step.history.select_related("history_user").order_by("-history_date")[:20],
    })


@require_GET
def approval_queue(request: HttpRequest) -> HttpResponse:
    user = request.user
    branch_access.require(access.can_see_queue(user))
    page = page_of(request, selectors.approval_queue(user))
    return render(request, "development/approval_queue.html", {"page": page, "query": query_without_page(request)})


@require_GET
def step_document(request: HttpRequest, pk: int) -> HttpResponse:
    step = access.get_step_for(request.user, pk)
    # The documents are the organisation's paperwork (opinions on the person): the person sees the timeline only.
    branch_access.require(access.can_record(request.user, step.record) or access.can_approve(request.user, step.record))
    if not documents.document_available(step):
        raise Http404("该步骤没有文书。")
    try:
        filename, content = documents.step_document(step)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect(step.record)
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def attachment(request: HttpRequest, pk: int) -> HttpResponse:
    item = access.get_attachment_for(request.user, pk)
    return private_file_response(item.file, content_type=item.content_type, filename=item.original_name,
                                 as_attachment=item.content_type == "application/pdf", missing="材料文件不存在。")


urlpatterns = [
    path("<int:pk>/steps/<int:number>/new/", step_new, name="step_new"),
    path("steps/<int:pk>/edit/", step_edit, name="step_edit"),
    path("steps/<int:pk>/decide/", step_decide, name="step_decide"),
    path("steps/<int:pk>/document/", step_document, name="step_document"),
    path("attachments/<int:pk>/", attachment, name="attachment"),
    path("approvals/", approval_queue, name="approval_queue"),
]
