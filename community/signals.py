"""A deleted agreement's scan goes once the deletion has committed (a rollback keeps the file); a campaign's cached
ranking of donating organisations follows its donations; the community reporting figures of an organisation
follow its members' reports and their services (its subtree version: branches.versions); the open party school's
list follows activities, attendance and organisations."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from activities.models import Activity, Attendance
from branches.models import Organisation
from branches.versions import organisation_of_member, watch
from core.cache import bump_now_and_at_commit, bumped_by
from core.files import files_delete

from .models import CoBuildingAgreement, CommunityReport, Donation, ServiceRecord
from .selectors import donations_version_key

# The open party school's list (community.views.lectures) is kept rendered under this version: every activity,
# attendance (a check-in moves a lecture's participants) and organisation (the hosts' names) moves it on.
LECTURES_VERSION_KEY = "community:lectures:version"
bumped_by(LECTURES_VERSION_KEY, Activity, Attendance, Organisation)

watch(CommunityReport, lambda report: organisation_of_member(report.member_id))
watch(ServiceRecord, lambda service: Organisation.objects.filter(members__community_reports__pk=service.report_id)
      .values_list("pk", flat=True))


@receiver(post_delete, sender=CoBuildingAgreement, dispatch_uid="community.scan_goes_after_commit")
def _scan_goes_after_commit(sender, instance: CoBuildingAgreement, **kwargs) -> None:
    name = instance.scan.name
    if name:
        transaction.on_commit(lambda: files_delete([name]))


@receiver(post_save, sender=Donation, dispatch_uid="community.donations_changed_on_save")
@receiver(post_delete, sender=Donation, dispatch_uid="community.donations_changed_on_delete")
def _donations_changed(sender, instance: Donation, **kwargs) -> None:
    bump_now_and_at_commit(donations_version_key(instance.campaign_id))
