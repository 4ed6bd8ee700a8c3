"""Writes for commendations, nominations, star ratings, brands and top-ten selections.

Views have asked `branches.access` already; these functions keep the records right: full_clean before save, one
transaction per business step, and every status change checked against its table in `workflow.py`. Approving is an
admin's act, so the nomination service refuses anyone else even if a view forgot to ask."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Avg
from django.utils import timezone

from activities.choices import ActivityKind
from branches import access
from core.documents import evidence_prepare
from core.files import image_store, photos_prepare, removed_on_failure

from .choices import TOP, NominationStatus, RatingStatus, SelectionStatus, SelectionSubject, Subject
from .models import (
    Brand,
    BrandPhoto,
    Commendation,
    CommendationTitle,
    JuryScore,
    Nomination,
    RedFlagApplication,
    RedFlagScore,
    SelectionEntry,
    StarCriterion,
    StarRating,
    TopTenSelection,
)
from .workflow import SELECTION


def _check_subject(title: CommendationTitle, organisation, member) -> None:
    if (organisation is None) == (member is None):
        raise ValidationError("表彰对象须是一个党组织或一名党员（二选一）。")
    wanted = Subject.MEMBER if member is not None else Subject.ORGANISATION
    if title.subject != wanted:
        raise ValidationError({"title": f"“{title}”的授予对象是{title.get_subject_display()}。"})


# --- commendations and nominations --------------------------------------------------------------

def commendation_create(*, by, title: CommendationTitle, level: str, year: int, issuing_body: str,
                        document_number: str = "", organisation=None, member=None, certificate=None,
                        nomination: Nomination | None = None) -> Commendation:
    _check_subject(title, organisation, member)
    prepared = evidence_prepare(certificate) if certificate else None
    commendation = Commendation(title=title, level=level, year=year, issuing_body=issuing_body,
                                document_number=document_number, organisation=organisation, member=member,
                                nomination=nomination, created_by=by)
    with removed_on_failure() as written, transaction.atomic():
        if prepared is not None:
            commendation.certificate.save(f"certificate.{prepared.extension}", ContentFile(prepared.content),
                                          save=False)
            written.append(commendation.certificate.name)
            commendation.certificate_content_type = prepared.content_type
            commendation.certificate_name = prepared.original_name
        commendation.full_clean()
        commendation.save()
    return commendation


def nomination_create(*, by, title: CommendationTitle, level: str, year: int, organisation, member=None,
                      reasons: str, evidence=None) -> Nomination:
    """The organisation is the one nominated, or the nominated member's own organisation."""
    if member is not None and member.organisation_id != organisation.pk:
        organisation = member.organisation
    _check_subject(title, None if member else organisation, member)
    prepared = evidence_prepare(evidence) if evidence else None
    nomination = Nomination(title=title, level=level, year=year, organisation=organisation, member=member,
                            reasons=reasons, nominated_by=by)
    with removed_on_failure() as written, transaction.atomic():
        if prepared is not None:
            nomination.evidence.save(f"evidence.{prepared.extension}", ContentFile(prepared.content), save=False)
            written.append(nomination.evidence.name)
            nomination.evidence_content_type, nomination.evidence_name = (prepared.content_type,
                                                                          prepared.original_name)
        nomination.full_clean()
        nomination.save()
    return nomination


def nomination_decide(*, nomination: Nomination, by, approve: bool, comment: str = "", issuing_body: str = "",
                      document_number: str = "") -> Nomination:
    """Approve (creating the commendation) or reject. Only an admin decides; the step must be legal."""
    if not access.is_admin(by):
        raise PermissionDenied("只有工委管理员可以审核推荐。")
    target = NominationStatus.APPROVED if approve else NominationStatus.REJECTED
    with transaction.atomic():
        nomination = Nomination.objects.select_for_update(of=("self",)).select_related("title", "organisation", "member").get(
            pk=nomination.pk)
        nomination.move_to(target, by=by, comment=comment)
        nomination.full_clean()
        nomination.save()
        if approve:
            commendation_create(by=by, title=nomination.title, level=nomination.level, year=nomination.year,
                                issuing_body=issuing_body or "中共市直机关工委", document_number=document_number,
                                organisation=None if nomination.member_id else nomination.organisation,
                                member=nomination.member, nomination=nomination)
    return nomination


# --- star ratings and red-flag applications ------------------------------------------------------

def star_rating_save(*, member, year: int, stars: int, reason: str, by) -> StarRating:
    """Rate (or re-rate, while unconfirmed) a member for a year."""
    rating = StarRating.objects.filter(member=member, year=year).first() or StarRating(member=member, year=year)
    if rating.status == RatingStatus.CONFIRMED:
        raise ValidationError("该评定已确认，不能修改。", code="confirmed")
    rating.stars, rating.reason, rating.rated_by = stars, reason, by
    rating.full_clean()
    rating.save()
    return rating


def _confirm(row, by):
    if not access.is_admin(by):
        raise PermissionDenied("只有工委管理员可以确认。")
    row.move_to(RatingStatus.CONFIRMED, by=by)
    row.save(update_fields=["status", "decided_by", "decided_at"])
    return row


def star_rating_confirm(*, rating: StarRating, by) -> StarRating:
    return _confirm(rating, by)


def red_flag_apply(*, organisation, year: int, summary: str, points: dict, by) -> RedFlagApplication:
    """`points` maps each of the year's organisation criteria to the points claimed (at most its value)."""
    criteria = {c.pk: c for c in StarCriterion.objects.filter(year=year, subject=Subject.ORGANISATION)}
    errors = [f"“{criteria[pk].name}”最多{criteria[pk].points}分。"
              for pk, value in ((getattr(k, "pk", k), v) for k, v in points.items())
              if pk in criteria and value > criteria[pk].points]
    if errors:
        raise ValidationError(errors)
    application = RedFlagApplication(organisation=organisation, year=year, summary=summary, submitted_by=by)
    application.full_clean()
    with transaction.atomic():
        application.save()
        RedFlagScore.objects.bulk_create(
            RedFlagScore(application=application, criterion_id=getattr(k, "pk", k), points=v)
            for k, v in points.items() if getattr(k, "pk", k) in criteria)
    return application


def red_flag_confirm(*, application: RedFlagApplication, by) -> RedFlagApplication:
    return _confirm(application, by)


# --- brands ---------------------------------------------------------------------------------------

def brand_save(*, brand: Brand | None = None, organisation, by, name: str, summary: str, story: str, year: int,
               photos: Iterable = ()) -> Brand:
    photos = list(photos)
    prepared = photos_prepare(photos) if photos else []
    brand = brand or Brand(created_by=by)
    brand.organisation, brand.name, brand.summary, brand.story, brand.year = organisation, name, summary, story, year
    brand.full_clean()
    with removed_on_failure() as written, transaction.atomic():
        brand.save()
        for image in prepared:
            photo = BrandPhoto(brand=brand, original_name=image.original_name, uploaded_by=by)
            image_store(image, photo.image, written)
            photo.width, photo.height = image.width, image.height
            photo.save()
    return brand


def brand_photo_delete(*, photo: BrandPhoto) -> None:
    photo.delete()  # the file goes after commit (signals)


# --- top-ten selections ----------------------------------------------------------------------------

def selection_create(*, year: int, subject: str) -> TopTenSelection:
    selection = TopTenSelection(year=year, subject=subject)
    selection.full_clean()
    selection.save()
    return selection


def entry_add(*, selection: TopTenSelection, brand: Brand | None = None, activity=None) -> SelectionEntry:
    if selection.status != SelectionStatus.SHORTLISTING:
        raise ValidationError("入围名单已确定，不能再添加。", code="illegal_step")
    if selection.subject == SelectionSubject.BRAND and (brand is None or activity is not None):
        raise ValidationError("品牌评选只能添加党建品牌。")
    if selection.subject == SelectionSubject.OPEN_LECTURE and (
            activity is None or brand is not None or activity.kind != ActivityKind.OPEN_LECTURE):
        raise ValidationError("开放式党课评选只能添加开放式党课。")
    entry = SelectionEntry(selection=selection, brand=brand, activity=activity)
    entry.full_clean()
    entry.save()
    return entry


def scoring_open(*, selection: TopTenSelection) -> TopTenSelection:
    SELECTION.check(selection.status, SelectionStatus.SCORING)
    if not selection.entries.filter(shortlisted=True).exists():
        raise ValidationError("还没有入围项目。")
    selection.status = SelectionStatus.SCORING
    selection.save(update_fields=["status"])
    return selection


def jury_score(*, entry: SelectionEntry, juror, score: int) -> JuryScore:
    if entry.selection.status != SelectionStatus.SCORING:
        raise ValidationError("当前不在评委打分阶段。", code="illegal_step")
    if not 0 <= score <= 100:
        raise ValidationError({"score": "评分须在0到100之间。"})
    row, _ = JuryScore.objects.update_or_create(entry=entry, juror=juror, defaults={"score": score})
    return row


def _decide(selection: TopTenSelection, ordered_ids: list[int]) -> TopTenSelection:
    SELECTION.check(selection.status, SelectionStatus.DECIDED)
    with transaction.atomic():
        selection.entries.update(rank=None)
        for rank, pk in enumerate(ordered_ids[:TOP], start=1):
            SelectionEntry.objects.filter(pk=pk, selection=selection).update(rank=rank)
        selection.status, selection.decided_at = SelectionStatus.DECIDED, timezone.now()
        selection.save(update_fields=["status", "decided_at"])
    return selection


def selection_decide_by_scores(*, selection: TopTenSelection) -> TopTenSelection:
    """The ten shortlisted entries with the highest average jury score (ties: the earlier entry)."""
    if selection.status != SelectionStatus.SCORING:
        raise ValidationError("须先由评委打分。", code="illegal_step")
    ranked = (selection.entries.filter(shortlisted=True, scores__isnull=False).annotate(average=Avg("scores__score"))
              .order_by("-average", "pk").values_list("pk", flat=True))
    return _decide(selection, list(ranked))


def selection_decide_by_marks(*, selection: TopTenSelection, entries: list[SelectionEntry]) -> TopTenSelection:
    """The admin marks the ten, in rank order."""
    if len(entries) > TOP or not entries:
        raise ValidationError(f"请选择1至{TOP}个参评项。")
    if any(entry.selection_id != selection.pk or not entry.shortlisted for entry in entries):
        raise ValidationError("只能从本次评选的入围项目中选择。")
    return _decide(selection, [entry.pk for entry in entries])
