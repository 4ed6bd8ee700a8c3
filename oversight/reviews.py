"""Standardisation reviews (标准化验收): services for every step, and the selectors pages and exports read.

Who does what (checked here as well as in the views, so no caller can get round it):
- the secretary of the organisation (or of one above it) starts the review, writes statements,
  uploads evidence, submits and resubmits (`access.review_can_fill`);
- only a working-committee admin judges items and decides the review, and never one who is also
  secretary of that organisation (`access.review_can_decide`): nobody passes their own review.

Which status may follow which is `oversight.workflow.REVIEW` (a core.workflow table). Every step writes a
`ReviewEvent` (the timeline); django-simple-history keeps the field history of reviews and items.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from branches.choices import OrganisationKind, OrganisationStatus
from branches.models import Organisation
from core.files import removed_on_failure

from . import access
from .choices import ItemVerdict, ReviewAction, ReviewStatus
from .evidence import PreparedEvidence, evidence_delete, evidence_store, evidences_prepare
from .models import ChecklistItem, Evidence, ReviewEvent, ReviewItem, StandardisationReview
from .reminders import review_returned_notify
from .workflow import EDITABLE, UNDER_REVIEW, transition_check

# --- who may: oversight/access.py (checked here as well as in the views) ------------------------------

# --- helpers --------------------------------------------------------------------------------

def _reference_date(year: int, today: dt.date | None = None) -> dt.date:
    """The day whose checklist a review of `year` uses: today for the current year, 31 December for
    a past one, 1 January for a future one."""
    today = today or timezone.localdate()
    if year < today.year:
        return dt.date(year, 12, 31)
    if year > today.year:
        return dt.date(year, 1, 1)
    return today


def checklist_for_year(year: int, *, today: dt.date | None = None) -> list[ChecklistItem]:
    """The checklist items in force for a year: per code the newest version effective by the reference
    date, without those retired by then, in their display order."""
    on = _reference_date(year, today)
    newest: dict[str, ChecklistItem] = {}
    for item in ChecklistItem.objects.in_force(on):  # newest version first
        newest.setdefault(item.code, item)
    items = [item for item in newest.values() if item.retired_from is None or item.retired_from > on]
    return sorted(items, key=lambda item: (item.sort_order, item.code))


def _locked(review: StandardisationReview) -> StandardisationReview:
    """Re-read the review under a row lock: two clicks (or an admin and a secretary) get one winner."""
    return (StandardisationReview.objects.select_for_update()
            .select_related("organisation").get(pk=review.pk))


def _event(review: StandardisationReview, action: str, by, *, item: ReviewItem | None = None,
           comment: str = "") -> ReviewEvent:
    event = ReviewEvent(review=review, item=item, action=action, actor=by, comment=comment)
    event.full_clean()
    event.save()
    return event


def _save(obj) -> None:
    obj.full_clean()
    obj.save()


def _editable_items(review: StandardisationReview) -> list[ReviewItem]:
    items = list(review.items.select_related("checklist_item"))
    if review.status == ReviewStatus.RETURNED:
        return [item for item in items if item.verdict == ItemVerdict.NEEDS_CORRECTION]
    return items if review.status == ReviewStatus.DRAFT else []


def _require_editable(review: StandardisationReview) -> None:
    if review.status not in EDITABLE:
        raise ValidationError(f"该验收当前为“{review.get_status_display()}”，不能再修改自评内容。", code="not_editable")


def _titles(items: Iterable[ReviewItem]) -> str:
    return "、".join(f"“{item.checklist_item.title}”" for item in items)


# --- the secretary's steps ------------------------------------------------------------------

@transaction.atomic
def review_start(*, organisation: Organisation, year: int, by) -> StandardisationReview:
    """Open the organisation's review for a year, with one item per checklist item in force that year."""
    if organisation.kind == OrganisationKind.WORKING_COMMITTEE:
        raise ValidationError("机关工委本身不参加标准化验收。", code="working_committee")
    if organisation.status != OrganisationStatus.ACTIVE:
        raise ValidationError(f"{organisation.display_name}已撤销，不能开始验收。", code="dissolved")
    review = StandardisationReview(organisation=organisation, year=year)
    access.require_review_filler(by, review)
    if StandardisationReview.objects.filter(organisation=organisation, year=year).exists():
        raise ValidationError(f"{organisation.display_name} {year} 年度的标准化验收已经开始。", code="exists")
    checklist = checklist_for_year(year)
    if not checklist:
        raise ValidationError("该年度没有生效的标准化检查项目，请联系工委管理员维护检查项目。", code="no_checklist")
    _save(review)
    for checklist_item in checklist:
        # One by one (not bulk_create) so that simple-history records each item's creation.
        _save(ReviewItem(review=review, checklist_item=checklist_item))
    _event(review, ReviewAction.SAVED, by, comment=f"开始{year}年度自评（{len(checklist)} 个检查项目）")
    return review


def review_save(*, review: StandardisationReview, by, statements: Mapping[int, str],
                uploads: Mapping[int, Iterable] | None = None) -> StandardisationReview:
    """Save the draft: statements per item id and new evidence files per item id. Status is unchanged.

    Every file is checked before anything is written; if one is bad, nothing is saved (no statement,
    no file) and one ValidationError lists every bad file under its item's title."""
    uploads = {pk: list(files) for pk, files in (uploads or {}).items() if files}
    items = {item.pk: item for item in review.items.select_related("checklist_item")}
    unknown = (set(statements) | set(uploads)) - set(items)
    if unknown:
        raise ValidationError("提交的内容与该验收的检查项目不符，请刷新页面后重试。", code="unknown_item")
    prepared: dict[int, list[PreparedEvidence]] = {}
    errors = []
    for pk, files in uploads.items():
        try:
            prepared[pk] = evidences_prepare(files, label=f"{items[pk].checklist_item.title}：")
        except ValidationError as error:
            errors.extend(error.error_list)
    if errors:
        raise ValidationError(errors)

    with removed_on_failure() as written, transaction.atomic():
        review = _locked(review)
        access.require_review_filler(by, review)
        _require_editable(review)
        editable = {item.pk: item for item in _editable_items(review)}
        # Posting an unchanged statement of a passed item is harmless; changing it or adding files is not.
        locked_out = [items[pk] for pk in sorted((set(statements) | set(prepared)) - set(editable))
                      if pk in prepared or statements[pk].strip() != items[pk].statement]
        if locked_out:
            raise ValidationError(f"{_titles(locked_out)}已审核通过，不能再修改。", code="item_not_editable")
        changed, added = [], 0
        for pk, text in statements.items():
            item = editable.get(pk)
            if item is None or text.strip() == item.statement:
                continue
            item.statement = text.strip()
            _save(item)
            changed.append(item)
        for pk, files in prepared.items():
            for one in files:
                evidence_store(one, by=by, written=written, review_item=editable[pk])
            added += len(files)
        if changed or added:
            parts = [f"修改自评说明：{'、'.join(item.checklist_item.title for item in changed)}"] if changed else []
            if added:
                parts.append(f"上传佐证材料 {added} 份")
            _event(review, ReviewAction.SAVED, by, comment="；".join(parts))
    return review


def review_save_item(*, item: ReviewItem, by, statement: str, uploads: Iterable = ()) -> ReviewItem:
    """Save one item's statement and new evidence (a draft: the review's status is unchanged)."""
    review_save(review=item.review, by=by, statements={item.pk: statement}, uploads={item.pk: list(uploads)})
    item.refresh_from_db()
    return item


@transaction.atomic
def review_evidence_delete(*, evidence: Evidence, by) -> None:
    """Remove a file from an item the secretary may still change; the file goes after commit."""
    item = evidence.review_item
    review = _locked(item.review)
    access.require_review_filler(by, review)
    _require_editable(review)
    if item.pk not in {editable.pk for editable in _editable_items(review)}:
        raise ValidationError(f"“{item.checklist_item.title}”已审核通过，不能再修改。", code="item_not_editable")
    name = evidence.original_name
    evidence_delete(evidence=evidence)
    _event(review, ReviewAction.SAVED, by, item=item, comment=f"删除佐证材料“{name}”")


def review_missing(review: StandardisationReview) -> list[str]:
    """What stops the review from being submitted, one Chinese sentence per gap (empty: complete)."""
    items = (review.items.select_related("checklist_item")
             .annotate(evidence_count=Count("evidence")).order_by("checklist_item__sort_order", "pk"))
    missing = []
    for item in items:
        gaps = []
        if not item.statement.strip():
            gaps.append("未填写自评说明")
        if item.checklist_item.evidence_required and not item.evidence_count:
            gaps.append("未上传佐证材料")
        if gaps:
            missing.append(f"“{item.checklist_item.title}”{'、'.join(gaps)}")
    return missing


def _require_complete(review: StandardisationReview) -> None:
    missing = review_missing(review)
    if missing:
        raise ValidationError([f"还不能提交，请先补充：{'；'.join(missing)}。"], code="incomplete")


@transaction.atomic
def review_submit(*, review: StandardisationReview, by) -> StandardisationReview:
    """DRAFT → SUBMITTED, once every item has a statement and every item that needs it has evidence."""
    review = _locked(review)
    access.require_review_filler(by, review)
    if review.status == ReviewStatus.RETURNED:
        raise ValidationError("该验收已退回整改，请整改后“重新提交”。", code="use_resubmit")
    action = transition_check(review.status, ReviewStatus.SUBMITTED)
    _require_complete(review)
    review.status, review.submitted_at = ReviewStatus.SUBMITTED, timezone.now()
    _save(review)
    _event(review, action, by)
    return review


@transaction.atomic
def review_resubmit(*, review: StandardisationReview, by) -> StandardisationReview:
    """RETURNED → SUBMITTED: the corrected items go back to 待审核 for the admin; passed items stay passed."""
    review = _locked(review)
    access.require_review_filler(by, review)
    if review.status == ReviewStatus.DRAFT:
        raise ValidationError("该验收尚未提交过，请使用“提交”。", code="use_submit")
    action = transition_check(review.status, ReviewStatus.SUBMITTED)
    _require_complete(review)
    corrected = _editable_items(review)
    for item in corrected:
        item.verdict, item.comment, item.reviewed_by, item.reviewed_at = ItemVerdict.PENDING, "", None, None
        _save(item)
    review.status, review.submitted_at = ReviewStatus.SUBMITTED, timezone.now()
    _save(review)
    _event(review, action, by, comment=f"已整改：{'、'.join(item.checklist_item.title for item in corrected)}")
    return review


# --- the admin's steps ------------------------------------------------------------------------

def _judge(item: ReviewItem, by, verdict: str, comment: str) -> ReviewItem:
    with transaction.atomic():
        review = _locked(item.review)
        access.require_review_decider(by, review)
        if review.status not in UNDER_REVIEW:
            raise ValidationError(f"该验收当前为“{review.get_status_display()}”，只有已提交待审核的验收才能审核。",
                                  code="not_under_review")
        item = ReviewItem.objects.select_related("checklist_item").get(pk=item.pk, review=review)
        item.verdict, item.comment = verdict, comment.strip()
        item.reviewed_by, item.reviewed_at = by, timezone.now()
        _save(item)
        action = ReviewAction.ITEM_PASSED if verdict == ItemVerdict.PASS else ReviewAction.ITEM_RETURNED
        _event(review, action, by, item=item, comment=item.comment)
    return item


def review_item_pass(*, item: ReviewItem, by, comment: str = "") -> ReviewItem:
    return _judge(item, by, ItemVerdict.PASS, comment)


def review_item_return(*, item: ReviewItem, by, comment: str) -> ReviewItem:
    """Mark an item 需整改; the comment tells the secretary what to correct and is required."""
    if not (comment or "").strip():
        raise ValidationError({"comment": "请填写审核意见，说明需要整改的内容。"}, code="comment_required")
    return _judge(item, by, ItemVerdict.NEEDS_CORRECTION, comment)


def _items_by_verdict(review: StandardisationReview) -> dict[str, list[ReviewItem]]:
    grouped: dict[str, list[ReviewItem]] = {verdict: [] for verdict in ItemVerdict.values}
    for item in review.items.select_related("checklist_item"):
        grouped[item.verdict].append(item)
    return grouped


def _require_all_decided(grouped: dict[str, list[ReviewItem]]) -> None:
    pending = grouped[ItemVerdict.PENDING]
    if pending:
        raise ValidationError(f"还有 {len(pending)} 个项目未审核：{_titles(pending)}。", code="items_pending")


def _decide(review: StandardisationReview, by, target: str) -> tuple[StandardisationReview, str,
                                                                       dict[str, list[ReviewItem]]]:
    review = _locked(review)
    access.require_review_decider(by, review)
    action = transition_check(review.status, target)
    grouped = _items_by_verdict(review)
    _require_all_decided(grouped)
    return review, action, grouped


@transaction.atomic
def review_return(*, review: StandardisationReview, by, comment: str = "") -> StandardisationReview:
    """SUBMITTED → RETURNED: the items marked 需整改 go back to the secretary."""
    review, action, grouped = _decide(review, by, ReviewStatus.RETURNED)
    to_correct = grouped[ItemVerdict.NEEDS_CORRECTION]
    if not to_correct:
        raise ValidationError("所有项目均已通过，无需退回整改，可直接验收合格。", code="nothing_to_correct")
    review.status = ReviewStatus.RETURNED
    _save(review)
    listed = "、".join(item.checklist_item.title for item in to_correct)
    event = _event(review, action, by, comment=comment.strip() or f"需整改：{listed}")
    # The secretary is told at once (sent after commit); the daily sweep is the safety net.
    review_returned_notify(event=event)
    return review


@transaction.atomic
def review_accept(*, review: StandardisationReview, by, comment: str = "") -> StandardisationReview:
    """SUBMITTED → ACCEPTED (合格): every item passed."""
    review, action, grouped = _decide(review, by, ReviewStatus.ACCEPTED)
    to_correct = grouped[ItemVerdict.NEEDS_CORRECTION]
    if to_correct:
        raise ValidationError(f"{_titles(to_correct)}需整改，不能验收合格；请退回整改或判定不合格。",
                              code="items_need_correction")
    review.move_to(ReviewStatus.ACCEPTED, by=by, comment=comment.strip())
    _save(review)
    _event(review, action, by, comment=review.comment)
    return review


@transaction.atomic
def review_fail(*, review: StandardisationReview, by, comment: str) -> StandardisationReview:
    """SUBMITTED → FAILED (不合格), with the reason."""
    if not (comment or "").strip():
        raise ValidationError({"comment": "判定不合格须填写验收意见，说明理由。"}, code="comment_required")
    review, action, _ = _decide(review, by, ReviewStatus.FAILED)
    review.move_to(ReviewStatus.FAILED, by=by, comment=comment.strip())
    _save(review)
    _event(review, action, by, comment=review.comment)
    return review


# --- selectors -----------------------------------------------------------------------------------

def reviewable_organisations(organisations: QuerySet[Organisation] | None = None) -> QuerySet[Organisation]:
    """Organisations that take part in the yearly review: active, and not the working committee itself."""
    organisations = Organisation.objects.all() if organisations is None else organisations
    return organisations.filter(status=OrganisationStatus.ACTIVE).exclude(kind=OrganisationKind.WORKING_COMMITTEE)


def status_counts(reviews: QuerySet[StandardisationReview]) -> dict[str, int]:
    """{"total": n, "DRAFT": n, "SUBMITTED": n, …} in one query."""
    return reviews.aggregate(total=Count("pk"),
                             **{status: Count("pk", filter=Q(status=status)) for status in ReviewStatus.values})


def pass_rate(*, year: int, organisations: QuerySet[Organisation] | Iterable[Organisation] | None = None) -> dict:
    """The year's standardisation acceptance pass rate (验收合格率) over the reviews opened that year.

    Returns {"total": reviews of the year, "accepted": those 验收合格, "rate": accepted / total as a
    percentage rounded to one decimal (100.0), or None when no review exists}. `organisations`
    limits it to those organisations (a queryset or a list); None means every organisation. One query.
    """
    reviews = StandardisationReview.objects.filter(year=year)
    if organisations is not None:
        reviews = reviews.filter(organisation__in=organisations)
    counts = reviews.aggregate(total=Count("pk"), accepted=Count("pk", filter=Q(status=ReviewStatus.ACCEPTED)))
    total, accepted = counts["total"], counts["accepted"]
    return {"total": total, "accepted": accepted, "rate": round(accepted * 100 / total, 1) if total else None}


@dataclass
class ResultRow:
    review: StandardisationReview
    verdicts: dict[int, str] = field(default_factory=dict)  # checklist item id → ItemVerdict value


@dataclass
class Results:
    year: int
    columns: list[ChecklistItem]
    rows: list[ResultRow]
    rate: dict


def results(*, year: int, organisations: QuerySet[Organisation] | Iterable[Organisation]) -> Results:
    """The year's review results for the given organisations, for the Excel export: per organisation its
    status and decision, per checklist item its verdict. Three queries, whatever the number of rows."""
    reviews = list(StandardisationReview.objects.filter(year=year, organisation__in=organisations)
                   .select_related("organisation", "organisation__unit", "decided_by")
                   .order_by("organisation__path"))
    rows = {review.pk: ResultRow(review) for review in reviews}
    column_ids: set[int] = set()
    for review_id, checklist_id, verdict in (ReviewItem.objects.filter(review__in=rows.keys())
                                             .values_list("review_id", "checklist_item_id", "verdict")):
        rows[review_id].verdicts[checklist_id] = verdict
        column_ids.add(checklist_id)
    columns = list(ChecklistItem.objects.filter(pk__in=column_ids).order_by("sort_order", "code", "pk"))
    accepted = sum(review.status == ReviewStatus.ACCEPTED for review in reviews)
    rate = {"total": len(reviews), "accepted": accepted,
            "rate": round(accepted * 100 / len(reviews), 1) if reviews else None}
    return Results(year=year, columns=columns, rows=list(rows.values()), rate=rate)
