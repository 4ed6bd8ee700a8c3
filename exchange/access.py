"""Who may import and export what. Built on branches.access: a secretary works within the organisations they run
(and those below), an admin everywhere, a member or a login without a role nowhere."""

from django.http import Http404

from branches import access
from branches.models import Organisation
from members.models import Member

from .models import ImportJob


def can_exchange(user) -> bool:
    return access.is_admin(user) or access.is_secretary(user)


def jobs_visible_to(user):
    """Admins see every import; a secretary their own uploads."""
    if not can_exchange(user):
        return ImportJob.objects.none()
    jobs = ImportJob.objects.select_related("uploaded_by")
    return jobs if access.is_admin(user) else jobs.filter(uploaded_by=user)


def get_job_for(user, pk) -> ImportJob:
    try:
        return jobs_visible_to(user).get(pk=pk)
    except (ImportJob.DoesNotExist, ValueError):
        raise Http404("没有找到该导入记录。")


def organisations_for(user):
    """Organisations the user may import into and export: those they run."""
    return access.scoped(user, Organisation.objects.active(), via="", write=True)


def members_for(user):
    return access.scoped(user, Member.objects.all(), write=True)


def can_see_personal_data(user) -> bool:
    return access.can_see_personal_data(user)
