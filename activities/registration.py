"""Open events (开放式党课 …): registrations with a capacity and a waiting list, and who came from where.

Registration is a sign-up, not attendance: presence is recorded by check-in (activities.checkin),
and an attendee's presence counts in their own organisation because the Attendance row points
at the member. Who may register is decided by the views with the access module; this module
keeps the numbers right: never more REGISTERED than places, the waiting list in order of
registration, the first in line promoted in the same transaction as a cancellation."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.utils import timezone

from .choices import ActivityStatus, AttendanceStatus, RegistrationStatus
from .models import Activity, Attendance, Registration


def takes_registrations(activity: Activity) -> bool:
    return activity.is_open and activity.capacity is not None


def _locked(activity: Activity) -> Activity:
    # Serialises registrations and cancellations of one activity: the place count read below
    # stays true until commit (PostgreSQL row lock; a no-op on SQLite, which serialises writes).
    return Activity.objects.select_for_update().get(pk=activity.pk)


def _check_registration_open(activity: Activity) -> None:
    if not takes_registrations(activity):
        raise ValidationError("该活动不接受报名。", code="no_registration")
    if activity.status == ActivityStatus.CANCELLED:
        raise ValidationError("该活动已取消，不能报名。", code="cancelled")
    if activity.status == ActivityStatus.HELD or activity.start <= timezone.now():
        raise ValidationError("活动已开始，报名已截止。", code="closed")


def _promote_waitlisted(activity: Activity) -> list[Registration]:
    """Fill free places from the head of the waiting list (after a cancellation or a larger capacity)."""
    registered = activity.registrations.filter(status=RegistrationStatus.REGISTERED).count()
    free = (activity.capacity or 0) - registered
    if free <= 0:
        return []
    promoted = list(activity.registrations.filter(status=RegistrationStatus.WAITLISTED)
                    .order_by("created_at", "pk")[:free])
    for registration in promoted:
        registration.status = RegistrationStatus.REGISTERED
    Registration.objects.bulk_update(promoted, ["status"])
    return promoted


# --- writes -------------------------------------------------------------------------------

@transaction.atomic
def registration_create(*, activity: Activity, member) -> Registration:
    """Register a member: a place if one is free, otherwise the end of the waiting list."""
    activity = _locked(activity)
    _check_registration_open(activity)
    registration = Registration.objects.filter(activity=activity, member=member).first()
    if registration is not None and registration.status != RegistrationStatus.CANCELLED:
        where = "在候补名单中" if registration.status == RegistrationStatus.WAITLISTED else "报名该活动"
        raise ValidationError(f"您已{where}，无需重复报名。", code="duplicate")
    _promote_waitlisted(activity)  # those already waiting come before a newcomer
    registered = activity.registrations.filter(status=RegistrationStatus.REGISTERED).count()
    status = RegistrationStatus.REGISTERED if registered < activity.capacity else RegistrationStatus.WAITLISTED
    if registration is None:
        registration = Registration(activity=activity, member=member)
    # Registering again after cancelling joins the end of the line.
    registration.status, registration.created_at = status, timezone.now()
    registration.full_clean()
    registration.save()
    return registration


@transaction.atomic
def registration_cancel(*, activity: Activity, member) -> tuple[Registration, list[Registration]]:
    """Cancel a member's registration; a freed place goes to the first on the waiting list.
    Returns the cancelled registration and those promoted."""
    activity = _locked(activity)
    registration = (Registration.objects.filter(activity=activity, member=member)
                    .exclude(status=RegistrationStatus.CANCELLED).first())
    if registration is None:
        raise ValidationError("您没有报名该活动。", code="not_registered")
    if activity.start <= timezone.now():
        raise ValidationError("活动已开始，不能取消报名。", code="closed")
    registration.status = RegistrationStatus.CANCELLED
    registration.save(update_fields=["status"])
    return registration, _promote_waitlisted(activity)


# --- reads --------------------------------------------------------------------------------

def registration_list(activity: Activity) -> list[Registration]:
    """Registered first, then the waiting list, each in order of registration (one query)."""
    return list(activity.registrations.exclude(status=RegistrationStatus.CANCELLED)
                .select_related("member", "member__organisation")
                .annotate(rank=Case(When(status=RegistrationStatus.REGISTERED, then=Value(0)), default=Value(1),
                                    output_field=IntegerField()))
                .order_by("rank", "created_at", "pk"))


@dataclass(frozen=True)
class RegistrationSummary:
    capacity: int
    registered: int
    waitlisted: int
    places_left: int


def registration_summary(activity: Activity) -> RegistrationSummary:
    """Places taken and left (one aggregate query)."""
    counts = activity.registrations.aggregate(
        registered=Count("pk", filter=Q(status=RegistrationStatus.REGISTERED)),
        waitlisted=Count("pk", filter=Q(status=RegistrationStatus.WAITLISTED)),
    )
    capacity = activity.capacity or 0
    return RegistrationSummary(capacity=capacity, registered=counts["registered"], waitlisted=counts["waitlisted"],
                               places_left=max(0, capacity - counts["registered"]))


@dataclass(frozen=True)
class OrganisationCount:
    organisation_id: int
    name: str
    present: int


@dataclass(frozen=True)
class AttendanceTally:
    organisations: list[OrganisationCount] = field(default_factory=list)
    members: int = 0
    guests: int = 0
    total: int = 0  # the activity's recorded participant count when set, else members + guests


def attendance_by_organisation(activity: Activity) -> AttendanceTally:
    """Who was present, counted in each member's own organisation, plus non-members (one aggregate query)."""
    rows = (Attendance.objects.filter(activity=activity, status=AttendanceStatus.PRESENT)
            .values("member__organisation_id", "member__organisation__name", "member__organisation__short_name",
                    "member__organisation__path")
            .annotate(present=Count("pk"))
            .order_by("member__organisation__path"))
    organisations, guests = [], 0
    for row in rows:
        if row["member__organisation_id"] is None:
            guests += row["present"]
            continue
        organisations.append(OrganisationCount(
            organisation_id=row["member__organisation_id"], present=row["present"],
            name=row["member__organisation__short_name"] or row["member__organisation__name"]))
    members = sum(o.present for o in organisations)
    total = activity.participant_count if activity.participant_count is not None else members + guests
    return AttendanceTally(organisations=organisations, members=members, guests=guests, total=total)
