"""Reads for the API. Every queryset starts from branches.access, so a token sees what its user sees on the pages;
each page of results costs the same number of queries whatever the size of the register."""

import datetime as dt

from django.core.exceptions import EmptyResultSet
from django.db.models import Count, Q
from django.utils import timezone

from activities import access as activity_access
from activities.choices import AttendanceStatus
from activities.models import Activity, Attendance
from branches import access
from branches.models import Organisation
from core.dates import local_midnight
from core.paging import BranchesInOrder
from members import access as member_access
from oversight import compliance


def _subtree_path(user, organisation_pk: int | None) -> str | None:
    """The tree path of a filter organisation the user may see; "" (matches nothing) for one they may not."""
    if organisation_pk is None:
        return None
    path = access.organisations_visible_to(user).filter(pk=organisation_pk).values_list("path", flat=True).first()
    return path or ""


def organisations_for(*, user, organisation: int | None = None, kind: str = "", updated_since=None):
    organisations = access.organisations_visible_to(user).select_related("unit")
    path = _subtree_path(user, organisation)
    if path is not None:
        organisations = organisations.filter(path__startswith=path) if path else organisations.none()
    if kind:
        organisations = organisations.filter(kind=kind)
    if updated_since:
        organisations = organisations.filter(updated_at__gte=updated_since)
    return organisations.order_by("path", "pk")


def members_for(*, user, organisation: int | None = None, stage: str = "", updated_since=None):
    members = member_access.members_visible_to(user).select_related("organisation")
    path = _subtree_path(user, organisation)
    if path is not None:
        members = members.filter(organisation__path__startswith=path) if path else members.none()
    if stage:
        members = members.filter(stage=stage)
    if updated_since:
        members = members.filter(updated_at__gte=updated_since)
    return members.order_by("organisation__path", "name", "pk")


ACTIVITY_ORDER = ("-planned_start", "-id")


def activities_for(*, user, organisation: int | None = None, kind: str = "", status: str = "",
                   date_from: dt.date | None = None, date_until: dt.date | None = None, columns=()):
    """Not annotated: the counts are added to one page at a time (with_attendance_counts), so the paginator counts
    the plain table, not a grouped join. A visible set made of indexed ways in is paged by them
    (core.paging.BranchesInOrder); `columns`: what each row reads (with its organisation)."""
    branches = activity_access.visible_branches(user)
    activities = (Activity.objects.all() if branches is not None
                  else activity_access.activities_visible_to(user)).select_related("organisation")
    if columns:
        activities = activities.only(*columns)
    path = _subtree_path(user, organisation)
    if path is not None:
        if path:
            hosted_or_joint = (Q(organisation__path__startswith=path)
                               | Q(joint_organisations__path__startswith=path))
            # A pk filter keeps the joint organisations' join from repeating rows.
            activities = activities.filter(pk__in=Activity.objects.filter(hosted_or_joint).values("pk"))
        else:
            activities = activities.none()
    if kind:
        activities = activities.filter(kind=kind)
    if status:
        activities = activities.filter(status=status)
    if date_from:
        activities = activities.filter(planned_start__gte=local_midnight(date_from))
    if date_until:
        activities = activities.filter(planned_start__lt=local_midnight(date_until + dt.timedelta(days=1)))
    if branches is not None:
        # The set and its order are kept per user under the version their ways in were worked out under.
        kept_as = activity_access.kept_order_key(user, "api:activities", organisation, kind, status, date_from,
                                                 date_until, ",".join(ACTIVITY_ORDER))
        return BranchesInOrder(activities, branches, ACTIVITY_ORDER, kept_as=kept_as)
    return activities.order_by(*ACTIVITY_ORDER)


def with_attendance_counts(activities: list) -> list:
    """Expected / present / on leave / absent for one page of activities: one grouped query."""
    counts = {
        row["activity_id"]: row for row in
        Attendance.objects.filter(activity_id__in=[a.pk for a in activities]).values("activity_id").annotate(
            expected=Count("pk", filter=Q(member__isnull=False)),
            present=Count("pk", filter=Q(status=AttendanceStatus.PRESENT)),
            on_leave=Count("pk", filter=Q(status=AttendanceStatus.LEAVE)),
            absent=Count("pk", filter=Q(status=AttendanceStatus.ABSENT)),
        ).order_by()
    } if activities else {}
    for activity in activities:
        row = counts.get(activity.pk, {})
        for name in ("expected", "present", "on_leave", "absent"):
            setattr(activity, name, row.get(name, 0))
    return activities


def compliance_rows(*, user, year: int | None = None, organisation: int | None = None,
                    month: int | None = None) -> "ComplianceRows":
    """One row per meeting organisation the user manages (the matrix page's scope), for a year: the figures of
    oversight.compliance. A lazy sequence: the paginator counts it from the cached matrix index and computes the
    cells of the page's organisations only (a province's whole matrix took seconds per call)."""
    today = timezone.localdate()
    year = year or today.year
    organisations = access.organisations_managed_by(user)
    if organisation is not None:
        path = organisations.filter(pk=organisation).values_list("path", flat=True).first()
        organisations = organisations.filter(path__startswith=path) if path else organisations.none()
    return ComplianceRows(organisations=organisations, year=year, today=today, month=month)


class ComplianceRows:
    def __init__(self, *, organisations, year: int, today, month: int | None):
        self.year, self.today, self.month = year, today, month
        try:
            self.pks = compliance.cached_organisation_pks(organisations=organisations, year=year, today=today)
        except EmptyResultSet:  # a scope that cannot hold anything
            self.pks = []

    def __len__(self) -> int:
        return len(self.pks)

    def count(self) -> int:
        return len(self.pks)

    def __getitem__(self, key):
        pks = self.pks[key] if isinstance(key, slice) else [self.pks[key]]
        if not pks:
            return []
        # The cells of the page's organisations, read back while nothing they count has changed (as the matrix
        # page reads them): a caller that polls the same page does not recount it.
        matrix = compliance.cached_matrix_for(organisations=Organisation.objects.filter(pk__in=sorted(pks)),
                                              year=self.year, today=self.today)
        by_pk = {row.pk: row for row in matrix.organisation_rows}
        rows = []
        for pk in pks:
            row = by_pk[pk]
            cells = [row.cells[self.month - 1]] if self.month else row.cells
            rows.append({
                "pk": row.pk, "name": row.name, "year": self.year, "required": row.required, "held": row.held,
                "rate": row.rate,
                "cells": [{"month": c.month, "state": c.state, "state_label": c.state_label, "required": c.required,
                           "held": c.held, "current": c.current} for c in cells],
            })
        return rows if isinstance(key, slice) else rows[0]
