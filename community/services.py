"""Writes for co-building, community reporting and campaigns. Callers have asked the access module already;
these functions keep the records right (full_clean before save, one transaction per business step)."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from branches.choices import OrganisationKind, OrganisationStatus, Position
from branches.models import CommitteePosition, Organisation
from core.documents import evidence_prepare
from core.files import files_delete, removed_on_failure
from members.models import Member

from .choices import Reporter
from .models import (
    Campaign,
    CampaignBranch,
    CoBuildingAgreement,
    CommunityReport,
    Donation,
    JointProject,
    ReporterType,
    ServiceRecord,
)

# --- co-building ------------------------------------------------------------------------------

def agreement_save(*, agreement: CoBuildingAgreement | None = None, organisation: Organisation, by, community: str,
                   signed_on: dt.date, note: str = "", scan=None) -> CoBuildingAgreement:
    """Create or update an agreement; a new scan (photo or PDF, checked by content) replaces the old one,
    whose file goes after commit."""
    prepared = evidence_prepare(scan) if scan else None
    agreement = agreement or CoBuildingAgreement(created_by=by)
    old_scan = agreement.scan.name if agreement.pk else ""
    agreement.organisation, agreement.community, agreement.signed_on, agreement.note = (
        organisation, community, signed_on, note)
    with removed_on_failure() as written, transaction.atomic():
        if prepared is not None:
            agreement.scan.save(f"scan.{prepared.extension}", ContentFile(prepared.content), save=False)
            written.append(agreement.scan.name)
            agreement.scan_content_type, agreement.scan_name = prepared.content_type, prepared.original_name
        agreement.full_clean()
        agreement.save()
        if prepared is not None and old_scan:
            transaction.on_commit(lambda: files_delete([old_scan]))
    return agreement


def project_add(*, agreement: CoBuildingAgreement, title: str, year: int, description: str = "") -> JointProject:
    project = JointProject(agreement=agreement, title=title, year=year, description=description)
    project.full_clean()
    project.save()
    return project


# --- community reporting ----------------------------------------------------------------------

def report_create(*, member: Member, by, reporter_type: ReporterType, community: str,
                  reported_on: dt.date) -> CommunityReport:
    if reporter_type.reporter != Reporter.MEMBER:
        raise ValidationError({"reporter_type": "该报到类型由党组织登记，请登记共驻共建协议。"})
    report = CommunityReport(member=member, reporter_type=reporter_type, community=community,
                             reported_on=reported_on, created_by=by)
    report.full_clean()
    report.save()
    return report


def report_confirm(*, report: CommunityReport, confirmed_on: dt.date) -> CommunityReport:
    """The community has signed the report slip (报到单)."""
    if confirmed_on < report.reported_on:
        raise ValidationError("确认日期不能早于报到日期。")
    report.confirmed_by_community, report.confirmed_on = True, confirmed_on
    report.full_clean()
    report.save(update_fields=["confirmed_by_community", "confirmed_on"])
    return report


def service_record(*, report: CommunityReport, by, served_on: dt.date, hours: Decimal,
                   description: str) -> ServiceRecord:
    if served_on < report.reported_on:
        raise ValidationError({"served_on": "服务日期不能早于报到日期。"})
    record = ServiceRecord(report=report, served_on=served_on, hours=hours, description=description, recorded_by=by)
    record.full_clean()
    record.save()
    return record


# --- campaigns --------------------------------------------------------------------------------

def campaign_create(*, by, name: str, kind: str, starts_on: dt.date, ends_on: dt.date | None = None,
                    description: str = "") -> Campaign:
    campaign = Campaign(name=name, kind=kind, starts_on=starts_on, ends_on=ends_on, description=description,
                        created_by=by)
    campaign.full_clean()
    campaign.save()
    return campaign


def donation_record(*, campaign: Campaign, by, amount: Decimal, donated_on: dt.date, member: Member | None = None,
                    organisation: Organisation | None = None, note: str = "") -> Donation:
    if (member is None) == (organisation is None):
        raise ValidationError("捐款人须为一名党员或一个党组织。")
    if donated_on < campaign.starts_on:
        raise ValidationError({"donated_on": "捐款日期不能早于任务开始日期。"})
    donation = Donation(campaign=campaign, member=member, organisation=organisation, amount=amount,
                        donated_on=donated_on, note=note, recorded_by=by)
    donation.full_clean()
    donation.save()
    return donation


@transaction.atomic
def temporary_branch_create(*, campaign: Campaign, parent: Organisation, name: str, secretary: Member,
                            established_on: dt.date, by) -> CampaignBranch:
    """Set up a 临时党支部 under `parent` for the campaign, with `secretary` (a member who keeps their own
    organisational relationship) in the chair."""
    if parent.status != OrganisationStatus.ACTIVE:
        raise ValidationError({"parent": "上级党组织已撤销。"})
    if established_on < campaign.starts_on:
        raise ValidationError({"established_on": "成立日期不能早于任务开始日期。"})
    organisation = Organisation(kind=OrganisationKind.TEMPORARY_BRANCH, name=name, parent=parent, unit=parent.unit,
                                established_on=established_on)
    organisation.full_clean()
    organisation.save()
    position = CommitteePosition(organisation=organisation, member=secretary, position=Position.SECRETARY,
                                 starts_on=established_on)
    position.full_clean()
    position.save()
    link = CampaignBranch(campaign=campaign, organisation=organisation, created_by=by)
    link.full_clean()
    link.save()
    return link


@transaction.atomic
def temporary_branch_dissolve(*, link: CampaignBranch, dissolved_on: dt.date) -> Organisation:
    """Dissolve the temporary branch after the campaign: its status, date, and its committee seats end."""
    organisation = Organisation.objects.select_for_update().get(pk=link.organisation_id)
    if organisation.status == OrganisationStatus.DISSOLVED:
        raise ValidationError("该临时党支部已撤销。")
    if organisation.established_on and dissolved_on < organisation.established_on:
        raise ValidationError({"dissolved_on": "撤销日期不能早于成立日期。"})
    organisation.status, organisation.dissolved_on = OrganisationStatus.DISSOLVED, dissolved_on
    organisation.full_clean()
    organisation.save()
    CommitteePosition.objects.filter(organisation=organisation, ends_on__isnull=True).update(ends_on=dissolved_on)
    return organisation
