"""Who may see and do what in the development work, on branches.access's scoping primitives.

- The secretary of the person's branch (and of the organisations above it, who run it) records steps.
- The superior committee approves: the secretaries of an organisation strictly above the person's branch, and
  the working committee's admins. A branch secretary never approves their own branch's steps.
- A person sees their own timeline; nobody else sees anything (404)."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from branches import access
from members import access as member_access
from branches.models import Organisation

from .models import DevelopmentRecord, DevelopmentStep, StepAttachment

VIA = "member__organisation"


def records_visible_to(user):
    return access.scoped(user, DevelopmentRecord.objects.all(), via=VIA, own="member__user")


def get_record_for(user, pk, *, write: bool = False) -> DevelopmentRecord:
    return access.get_scoped(user, DevelopmentRecord.objects.select_related("member__organisation"), pk, via=VIA,
                             own="member__user", write=write, not_found="没有找到该发展档案。")


def can_record(user, record: DevelopmentRecord) -> bool:
    return access.can_manage_organisation(user, record.member.organisation)


def _superior_condition(user, field: str) -> Q:
    """Rows whose organisation lies strictly below one the user runs."""
    condition = Q(pk__in=[])
    for path in access.managed_paths(user):
        condition |= Q(**{f"{field}__startswith": path}) & ~Q(**{field: path})
    return condition


def can_approve(user, record: DevelopmentRecord) -> bool:
    if access.is_admin(user):
        return True
    path = record.member.organisation.path
    return any(path.startswith(p) and path != p for p in access.managed_paths(user))


def can_see_lists(user) -> bool:
    return access.is_admin(user) or access.is_secretary(user)


def can_see_queue(user) -> bool:
    """The approval queue: admins, and secretaries with an organisation below theirs."""
    if access.is_admin(user):
        return True
    paths = access.managed_paths(user)
    return bool(paths) and Organisation.objects.filter(_superior_condition(user, "path")).exists()


def approvable_steps(user):
    steps = DevelopmentStep.objects.all()
    if access.is_admin(user):
        return steps
    return steps.filter(_superior_condition(user, "record__member__organisation__path"))


def steps_visible_to(user):
    return access.scoped(user, DevelopmentStep.objects.all(), via=f"record__{VIA}", own="record__member__user")


def get_step_for(user, pk, *, write: bool = False) -> DevelopmentStep:
    return access.get_scoped(user, DevelopmentStep.objects.select_related(
        "definition", "record__member__organisation"), pk, via=f"record__{VIA}", own="record__member__user",
        write=write, not_found="没有找到该步骤记录。")


def get_step_to_decide(user, pk) -> DevelopmentStep:
    step = get_step_for(user, pk)
    if not can_approve(user, step.record):
        raise PermissionDenied("只有上级党委可以审批该步骤。")
    return step


def get_attachment_for(user, pk) -> StepAttachment:
    return access.get_scoped(user, StepAttachment.objects.select_related("step__record__member"), pk,
                             via=f"step__record__{VIA}", own="step__record__member__user",
                             not_found="没有找到该材料。")


def members_to_open(user):
    """People the user may open a record for: the active members of the organisations they run."""
    return access.scoped(user, member_access.members_visible_to(user).active(), write=True)


def organisations_for_lists(user):
    return access.organisations_managed_by(user)
