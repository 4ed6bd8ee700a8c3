"""Standardisation reviews (标准化验收): the year's list, one review's page (self-assessment form for the
secretary, item verdicts and the decision for the admin, the timeline for everyone who may see it),
evidence files, and the Excel export.

Who may do what, composed only from the access module (through `oversight.reviews`):
- see: the review of an organisation the user manages (admin: all); anything else is a 404;
- fill in, submit, remove evidence: `review_can_fill` (the organisation's secretaries), else 403;
- judge items and decide: `review_can_decide` (admins, never for their own organisation), else 403.
Visible-but-forbidden is checked before the HTTP method, so a GET to a POST-only URL says 403/404 first.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.views.decorators.http import require_GET, require_POST

from branches.versions import counted_for
from core.cache import current_version
from core.paging import CountedPaginator
from core.workbook import CONTENT_TYPE

from .. import access
from .. import reviews as services
from ..choices import ItemVerdict, ReviewStatus
from ..dashboard import DECISIONS_VERSION_KEY
from ..evidence import evidence_for, evidence_response
from ..export_reviews import reviews_xlsx
from ..forms import ItemDecisionForm, ReviewDecisionForm, ReviewFillForm
from ..models import Evidence, ReviewItem, StandardisationReview
from ..workflow import EDITABLE, UNDER_REVIEW

REVIEWS_PER_PAGE = 50
FIRST_YEAR = 2000


def _add_service_error(form: forms.Form, error: ValidationError) -> None:
    """A service's error on its field when the form has that field, else at the top of the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _item_form(item: ReviewItem, data=None) -> ItemDecisionForm:
    return ItemDecisionForm(data, auto_id=f"id_item{item.pk}_%s")


# --- helpers ----------------------------------------------------------------------------------

def _current_year() -> int:
    return timezone.localdate().year


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return _current_year()
    return year if FIRST_YEAR <= year <= _current_year() + 1 else _current_year()


def _require_fill(user, review: StandardisationReview) -> None:
    if not access.review_can_fill(user, review):
        raise PermissionDenied("只有本党组织的书记（党务工作者）可以填报自评。")


def _require_decide(user, review: StandardisationReview) -> None:
    if not access.review_can_decide(user, review):
        raise PermissionDenied("只有工委管理员可以审核验收，且不能审核本人负责的党组织。")


def _post_only(request: HttpRequest) -> HttpResponse | None:
    return None if request.method == "POST" else HttpResponseNotAllowed(["POST"])


def _list_url(year: int) -> str:
    return f"{reverse('oversight:review_list')}?{urlencode({'year': year})}"


def _render_detail(request: HttpRequest, review: StandardisationReview, *, fill_form: ReviewFillForm | None = None,
                   fill_errors: list[str] | None = None, item_forms: dict[int, ItemDecisionForm] | None = None,
                   decision_form: ReviewDecisionForm | None = None, decision_errors: list[str] | None = None,
                   ) -> HttpResponse:
    """The review page. Error paths pass the bound forms back, so nothing the user typed is lost."""
    user = request.user
    items = list(review.items.select_related("checklist_item", "reviewed_by").prefetch_related("evidence")
                 .order_by("checklist_item__sort_order", "pk"))
    can_fill = access.review_can_fill(user, review) and review.status in EDITABLE
    can_decide = access.review_can_decide(user, review) and review.status in UNDER_REVIEW
    editable = [item for item in items
                if can_fill and (review.status == ReviewStatus.DRAFT or item.verdict == ItemVerdict.NEEDS_CORRECTION)]
    if can_fill and fill_form is None:
        fill_form = ReviewFillForm(items=editable)
    item_forms = item_forms or {}
    for item in items:
        item.editable = item in editable
        if item.editable:
            item.statement_field = fill_form[f"statement_{item.pk}"]
            item.evidence_field = fill_form[f"evidence_{item.pk}"]
        if can_decide:
            item.decision_form = item_forms.get(item.pk) or _item_form(item)
    verdicts = {verdict: sum(item.verdict == verdict for item in items) for verdict in ItemVerdict.values}
    context = {
        "review": review,
        "organisation": review.organisation,
        "items": items,
        "can_fill": can_fill,
        "can_decide": can_decide,
        "fill_form": fill_form if can_fill else None,
        "fill_errors": fill_errors or [],
        "missing": services.review_missing(review) if can_fill else [],
        "verdicts": verdicts,
        "decision_form": (decision_form or ReviewDecisionForm()) if can_decide else None,
        "decision_errors": decision_errors or [],
        "events": review.events.select_related("actor", "item__checklist_item"),
        "other_years": [{"pk": pk, "year": year, "label": ReviewStatus(status).label}
                        for pk, year, status in StandardisationReview.objects.filter(organisation=review.organisation)
                        .exclude(pk=review.pk).order_by("-year").values_list("pk", "year", "status")],
        "is_resubmission": review.status == ReviewStatus.RETURNED,
    }
    return render(request, "oversight/review_detail.html", context)


# --- views ------------------------------------------------------------------------------------

@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    is_admin = access.is_admin(user)
    access.require(is_admin or access.is_secretary(user))
    year = _year(request)
    visible = access.reviews_visible_to(user)
    of_year = visible.filter(year=year)
    managed = access.organisations_managed_by(user)
    # An anti-join on the (organisation, year) index: `pk NOT IN (every review of the year)` hashed a province's
    # 13,000 reviews for a secretary's handful of organisations (4 ms of the page's 5 ms of SQL).
    without_review = services.reviewable_organisations(managed).exclude(
        Exists(StandardisationReview.objects.filter(organisation=OuterRef("pk"), year=year)))

    def summary() -> dict:
        return {
            "counts": services.status_counts(of_year),
            "years": set(visible.order_by().values_list("year", flat=True).distinct()),
            "rate": services.pass_rate(year=year, organisations=None if is_admin else managed),
            "not_started_count": without_review.count() if is_admin else None,
        }

    # Five counts over a province's reviews (15 ms of SQL a view): kept until a review or an organisation
    # changes (the decisions' version; a secretary's per subtree).
    counted = counted_for(user, f"review-list:{year}:{current_version(DECISIONS_VERSION_KEY)}", summary)
    summaries = counted.value
    counts = summaries["counts"]
    status = request.GET.get("status", "")
    status = status if status in ReviewStatus.values else ""
    rows = (of_year.filter(status=status) if status else of_year).select_related(
        "organisation", "organisation__unit", "decided_by").order_by("organisation__path")
    page = CountedPaginator(rows, REVIEWS_PER_PAGE, count=counts[status or "total"]).get_page(
        request.GET.get("page"))
    years = sorted(summaries["years"] | {_current_year()}, reverse=True)
    return render(request, "oversight/review_list.html", {
        "year": year,
        "years": years,
        "is_current_year": year == _current_year(),
        "status": status,
        "status_tabs": [(value, label, counts[value]) for value, label in ReviewStatus.choices],
        "counts": counts,
        "page": page,
        # The page's rendered rows are kept with the counts above them (a review, its organisation or its
        # decision moves the decisions' version on; the page is read only when they are not kept).
        "counted": counted,
        "query": urlencode({"year": year, **({"status": status} if status else {})}),
        "rate": summaries["rate"],
        "is_admin": is_admin,
        "not_started_count": summaries["not_started_count"],
        # The secretary starts the current year's review of each organisation they run that has none.
        "to_start": (list(without_review.order_by("path")) if not is_admin and year == _current_year() else []),
    })


@require_POST
def review_start(request: HttpRequest) -> HttpResponse:
    organisation = access.get_organisation_for(request.user, request.POST.get("organisation"), write=True)
    year = _current_year()
    try:
        review = services.review_start(organisation=organisation, year=year, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(_list_url(year))
    messages.success(request, f"已开始{organisation.display_name} {year} 年度标准化自评，请逐项填写自评说明并上传佐证材料。")
    return redirect(review)


@require_GET
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, access.get_review_for(request.user, pk))


@transaction.non_atomic_requests  # review_save runs its own transaction and removes its files if that fails
def review_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the draft (action=save) or save and submit (action=submit; a returned review is resubmitted)."""
    user = request.user
    review = access.get_review_for(user, pk)
    _require_fill(user, review)
    if (refused := _post_only(request)) is not None:
        return refused
    if review.status not in EDITABLE:
        messages.error(request, f"该验收当前为“{review.get_status_display()}”，不能再修改。")
        return redirect(review)
    editable = [item for item in review.items.select_related("checklist_item")
                if review.status == ReviewStatus.DRAFT or item.verdict == ItemVerdict.NEEDS_CORRECTION]
    form = ReviewFillForm(request.POST, request.FILES, items=editable)
    if not form.is_valid():
        return _render_detail(request, review, fill_form=form, fill_errors=["请按提示修改后重新保存。"])
    try:
        services.review_save(review=review, by=user, statements=form.statements(), uploads=form.uploads())
    except ValidationError as error:
        return _render_detail(request, review, fill_form=form, fill_errors=[
            *error.messages, "本次填写的内容和选择的文件均未保存：已填写的文字仍在下方，请去掉有问题的文件，重新选择文件后再保存。"])
    if request.POST.get("action") != "submit":
        messages.success(request, "草稿已保存。")
        return redirect(review)
    review.refresh_from_db()
    submit = services.review_resubmit if review.status == ReviewStatus.RETURNED else services.review_submit
    try:
        submit(review=review, by=user)
    except ValidationError as error:
        messages.warning(request, "草稿已保存，但还不能提交。")
        for message in error.messages:
            messages.error(request, message)
        return redirect(review)
    messages.success(request, "已提交，等待市直机关工委审核。")
    return redirect(review)


def review_item_decide(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """An admin's verdict on one item: verdict=PASS, or verdict=NEEDS_CORRECTION with a comment."""
    user = request.user
    review = access.get_review_for(user, pk)
    item = get_object_or_404(ReviewItem.objects.select_related("checklist_item"), pk=item_pk, review=review)
    _require_decide(user, review)
    if (refused := _post_only(request)) is not None:
        return refused
    form = _item_form(item, request.POST)
    verdict = request.POST.get("verdict")
    if form.is_valid():
        comment = form.cleaned_data["comment"]
        try:
            if verdict == ItemVerdict.PASS:
                services.review_item_pass(item=item, by=user, comment=comment)
            elif verdict == ItemVerdict.NEEDS_CORRECTION:
                services.review_item_return(item=item, by=user, comment=comment)
            else:
                raise ValidationError("请选择“通过”或“需整改”。")
        except ValidationError as error:
            _add_service_error(form, error)
    if form.errors:
        return _render_detail(request, review, item_forms={item.pk: form})
    return redirect(f"{review.get_absolute_url()}#item-{item.pk}")


DECISIONS = {
    "return": (services.review_return, "已退回整改，书记整改后可重新提交。"),
    "accept": (services.review_accept, "已验收合格。"),
    "fail": (services.review_fail, "已判定验收不合格。"),
}


def review_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """An admin's decision on the whole review once every item is judged: return, accept (合格) or fail."""
    user = request.user
    review = access.get_review_for(user, pk)
    _require_decide(user, review)
    if (refused := _post_only(request)) is not None:
        return refused
    form = ReviewDecisionForm(request.POST)
    decision = DECISIONS.get(request.POST.get("action", ""))
    if not form.is_valid():
        return _render_detail(request, review, decision_form=form)
    if decision is None:
        return _render_detail(request, review, decision_form=form, decision_errors=["请选择验收结论。"])
    service, done = decision
    try:
        service(review=review, by=user, comment=form.cleaned_data["comment"])
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            _add_service_error(form, error)
            return _render_detail(request, review, decision_form=form)
        return _render_detail(request, review, decision_form=form, decision_errors=error.messages)
    messages.success(request, done)
    return redirect(review)


@require_GET
@transaction.non_atomic_requests  # reads only; a page's images load in parallel and need no transaction each
def evidence_file(request: HttpRequest, pk: int) -> HttpResponse:
    return evidence_response(evidence_for(request.user, pk))


def evidence_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    evidence = evidence_for(user, pk)
    if evidence.review_item_id is None:
        # A duty report's evidence is removed from the responsibility list's own pages, not here.
        raise Http404("没有找到该验收的佐证材料。")
    evidence = Evidence.objects.select_related("review_item__review__organisation",
                                               "review_item__checklist_item").get(pk=evidence.pk)
    review = evidence.review_item.review
    _require_fill(user, review)
    if (refused := _post_only(request)) is not None:
        return refused
    try:
        services.review_evidence_delete(evidence=evidence, by=user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"已删除“{evidence.original_name}”。")
    return redirect(f"{review.get_absolute_url()}#item-{evidence.review_item_id}")


@require_GET
def review_export(request: HttpRequest) -> HttpResponse:
    user = request.user
    is_admin = access.is_admin(user)
    access.require(is_admin or access.is_secretary(user))
    year = _year(request)
    organisations = access.organisations_managed_by(user)
    scope = "" if is_admin else "、".join(
        access.organisations_run_by(user).order_by("path")
        .values_list("name", flat=True))
    content = reviews_xlsx(services.results(year=year, organisations=organisations), scope=scope)
    response = HttpResponse(content, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"{year}年度标准化验收结果.xlsx")
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("reviews/", review_list, name="review_list"),
    path("reviews/start/", review_start, name="review_start"),
    path("reviews/export/", review_export, name="review_export"),
    path("reviews/<int:pk>/", review_detail, name="review_detail"),
    path("reviews/<int:pk>/save/", review_save, name="review_save"),
    path("reviews/<int:pk>/decide/", review_decide, name="review_decide"),
    path("reviews/<int:pk>/items/<int:item_pk>/decide/", review_item_decide, name="review_item_decide"),
    path("evidence/<int:pk>/", evidence_file, name="evidence_file"),
    path("reviews/evidence/<int:pk>/delete/", evidence_remove, name="review_evidence_delete"),
]
