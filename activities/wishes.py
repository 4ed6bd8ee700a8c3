"""微心愿: entering wishes, claiming, fulfilling, releasing — every status change goes through `_move`.

Who may do what is decided by the views with the access module; this module
decides which status changes exist and keeps them consistent (one claimer,
fulfilment only of a claimed wish, photos validated like activity photos)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, ExpressionWrapper, IntegerField, Prefetch, Q, QuerySet
from django.utils import timezone

from activities import access
from branches.models import Organisation
from branches.versions import Counted, counted_for
from core.files import image_store, photo_prepare, removed_on_failure
from core.workflow import Workflow
from members.models import Member

from .choices import ActivityKind, WishStatus
from .models import WISH_BOARD_ORDER, Activity, MicroWish

WISH_PHOTO_MAX_SIDE = 1600

# The legal status changes and the Chinese name of each (a core.workflow table). Anything else is refused.
WISH = Workflow(WishStatus, {
    (WishStatus.OPEN, WishStatus.CLAIMED): "认领",
    (WishStatus.CLAIMED, WishStatus.FULFILLED): "标记为已实现",
    (WishStatus.CLAIMED, WishStatus.OPEN): "退回待认领",
}, noun="该心愿")
TRANSITIONS = WISH.moves


def _move(wish: MicroWish, to: str) -> None:
    if WISH.can(wish.status, to):
        wish.status = to
        return
    if wish.status == WishStatus.CLAIMED and to == WishStatus.CLAIMED:
        raise ValidationError(f"该心愿已由 {wish.claimed_by} 认领，不能重复认领。", code="already_claimed")
    if wish.status == WishStatus.FULFILLED:
        raise ValidationError("该心愿已经实现，不能再更改。", code="already_fulfilled")
    if wish.status == WishStatus.OPEN and to == WishStatus.FULFILLED:
        raise ValidationError("该心愿还没有党员认领，认领后才能标记为已实现。", code="not_claimed")
    # Not WISH.check: releasing an open wish reads better as "cannot become open" than "is already open".
    raise ValidationError(f"该心愿当前为“{wish.get_status_display()}”，不能改为“{WishStatus(to).label}”。",
                          code="illegal_transition")


def _locked(wish: MicroWish) -> MicroWish:
    """Re-read the wish under a row lock: two members tapping 认领 at once get one winner."""
    return MicroWish.objects.select_for_update(of=("self",)).select_related("claimed_by").get(pk=wish.pk)


# --- writes -----------------------------------------------------------------------------

@transaction.atomic
def wish_create(*, organisation: Organisation, by, title: str, wisher_name: str, description: str = "",
                wisher_contact: str = "", activity: Activity | None = None) -> MicroWish:
    if activity is not None:
        if activity.kind != ActivityKind.THEMED_DAY:
            raise ValidationError({"activity": "只有主题党日可以发布微心愿。"})
        if activity.organisation_id != organisation.pk:
            raise ValidationError({"activity": "所选主题党日不是该党组织的活动。"})
    wish = MicroWish(organisation=organisation, activity=activity, title=title, description=description,
                     wisher_name=wisher_name, wisher_contact=wisher_contact, created_by=by)
    wish.full_clean()
    wish.save()
    return wish


@transaction.atomic
def wish_claim(*, wish: MicroWish, member) -> MicroWish:
    wish = _locked(wish)
    _move(wish, WishStatus.CLAIMED)
    wish.claimed_by, wish.claimed_at = member, timezone.now()
    wish.full_clean()
    wish.save()
    return wish


@transaction.atomic
def wish_release(*, wish: MicroWish) -> MicroWish:
    """A secretary gives a claimed wish back to the board (the claimer could not fulfil it)."""
    wish = _locked(wish)
    _move(wish, WishStatus.OPEN)
    wish.claimed_by, wish.claimed_at = None, None
    wish.full_clean()
    wish.save()
    return wish


def wish_fulfil(*, wish: MicroWish, note: str, photo=None) -> MicroWish:
    """Mark a claimed wish fulfilled. The photo is checked and re-encoded like an activity photo
    before anything is written; if saving fails, the stored file is removed again."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "请填写心愿实现情况。"})
    prepared = photo_prepare(photo, max_side=WISH_PHOTO_MAX_SIDE, thumbnail=False) if photo else None
    with removed_on_failure() as written, transaction.atomic():
        wish = _locked(wish)
        _move(wish, WishStatus.FULFILLED)
        wish.fulfilled_at, wish.fulfilment_note = timezone.now(), note
        if prepared is not None:
            image_store(prepared, wish.fulfilment_photo, written)
        wish.full_clean()
        wish.save()
    return wish


# --- reads --------------------------------------------------------------------------------

# Up to this many wishes in view, the page is sorted after reading them (a bitmap scan of the user's
# organisations and activities, then a top-N sort); more, and it walks the board's index in its order. Walking
# the index for a secretary's few hundred wishes filtered a province's 400,000 on the way (25 ms).
SORT_AFTER_READING = 5000


def wish_board(*, user, organisation: Organisation | None = None, status: str = "") -> tuple[QuerySet, Counted]:
    """The board's wishes (open first, newest first) and the counts per status (for admins, of the whole city,
    counted at most every five minutes: `counted_at` says when)."""
    wishes = access.wishes_visible_to(user)
    if organisation is not None:
        wishes = wishes.filter(organisation__path__startswith=organisation.path)

    def count() -> dict:
        return wishes.aggregate(
            total=Count("pk"),
            **{value.lower(): Count("pk", filter=Q(status=value)) for value in WishStatus.values},
        )

    # An admin's counts cover the whole city: counted at most every five minutes. A secretary's are kept until a
    # wish or an activity changes, or anything in their organisations (the wishes they see include those on
    # activities open to them: the wishes' version carries the calendar's, which every attendance, role and
    # member change moves on too).
    name = f"wish-board:{organisation.pk if organisation else ''}"
    if not access.is_admin(user):
        # Per user: the wishes one sees include those of their own branch and of the activities they are expected
        # at, which another secretary of the same organisations may not share.
        name += ":{}:{}:user-{}".format(*access.wishes_version(), user.pk)
    counts = counted_for(user, name, count)
    if status:
        wishes = wishes.filter(status=status)
    # Paged on the wishes alone, then the shown ones' organisation, member and activity: joined first, every
    # wish of the city was joined to its activity before the sort.
    order = WISH_BOARD_ORDER
    if counts.value["total"] <= SORT_AFTER_READING:
        order = ExpressionWrapper(WISH_BOARD_ORDER + 0, output_field=IntegerField())  # not the index's expression
    # Of each wish's organisation, claimer and themed day only what a card shows (and the path its rights ask).
    wishes = wishes.prefetch_related(
        Prefetch("organisation", queryset=Organisation.objects.only("name", "short_name", "path")),
        Prefetch("claimed_by", queryset=Member.objects.only("name")),
        Prefetch("activity", queryset=Activity.objects.only("title")),
    ).order_by(order, "-created_at", "-pk")
    return wishes, counts
