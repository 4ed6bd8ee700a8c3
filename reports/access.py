"""Who may request and see reports, on the tree rules of branches.access (re-exported, so reports' views import
one access module)."""

from django.http import Http404

from branches.access import *  # noqa: F403
from branches.access import __all__ as _tree_rules
from branches.access import is_admin, is_secretary, managed_condition

from .models import Report

__all__ = [*_tree_rules, "can_request_reports", "reports_visible_to", "get_report_for"]


def can_request_reports(user) -> bool:
    """Admins report on the city (or any organisation); secretaries on the organisations they manage."""
    return is_admin(user) or is_secretary(user)


def reports_visible_to(user):
    """Reports whose scope the user may see: admins all; secretaries those scoped to an organisation they
    manage (or below it). City-wide reports (no organisation) are the admins' alone."""
    if is_admin(user):
        return Report.objects.all()
    if not is_secretary(user):
        return Report.objects.none()
    return Report.objects.filter(managed_condition(user, "organisation"))


def get_report_for(user, pk) -> Report:
    try:
        return reports_visible_to(user).get(pk=pk)
    except (Report.DoesNotExist, ValueError):
        raise Http404("没有找到该报表。")
