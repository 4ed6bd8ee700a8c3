import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from audit.models import Action
from audit.services import action_log

from .choices import LEAVING_STATUS, MembershipStatus, TransferKind, TransferStatus
from .models import Leaving, Member, MemberCategory, MemberOrganisationPeriod, Transfer
from .signals import member_left, member_moved


@transaction.atomic
def member_create(*, by, ip: str | None = None, **fields) -> Member:
    member = Member(**fields)
    member.full_clean()
    member.save()
    action_log(ip=ip, actor=by, action=Action.MEMBER_CREATED, member=member,
               organisation=member.organisation, detail=member.name)
    return member


@transaction.atomic
def member_update(*, member: Member, by, ip: str | None = None, changed: list[str] = ()) -> Member:
    member.full_clean()
    member.save()
    action_log(ip=ip, actor=by, action=Action.MEMBER_UPDATED, member=member,
               organisation=member.organisation, detail="、".join(changed))
    return member


@transaction.atomic
def member_account_create(*, member: Member, by, username: str, password: str, email: str = "",
                          ip: str | None = None):
    if member.user_id:
        raise ValidationError("该党员已有登录账号。")
    User = get_user_model()
    phone = member.phone or None
    if phone and User.objects.filter(phone=phone).exists():
        phone = None  # the number already signs in another account; username still works
    user = User(username=username, email=email, full_name=member.name, phone=phone)
    user.set_password(password)
    user.full_clean()
    user.save()
    member.user = user
    member.save(update_fields=["user", "updated_at"])
    action_log(ip=ip, actor=by, action=Action.ACCOUNT_CREATED, member=member,
               organisation=member.organisation, detail=username)
    return user


# --- the register over time: transfers, leaving, categories ------------------------------------------------


# Used only when the rule table was emptied (a test flushed it); the seeded rows say the same.
FALLBACK_DAYS = {"TRANSFER_LETTER_VALID_DAYS": 90, "TRANSFER_ACCEPT_DAYS": 30}
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024


def transfer_limit_days(code: str, on: dt.date) -> int:
    from rules.models import Threshold

    try:
        return Threshold.value_of(code, on)
    except LookupError:
        return FALLBACK_DAYS[code]


def _open_transfer_refused(member: Member) -> None:
    open_one = Transfer.objects.filter(member=member, status=TransferStatus.SENT).first()
    if open_one is not None:
        raise ValidationError(f"{member.name}已有一项未办结的组织关系转接（介绍信{open_one.letter_text}，"
                              f"{open_one.get_status_display()}），办结或撤回后才能再次开具。", code="open_transfer")


def _numbered_save(transfer: Transfer) -> Transfer:
    """Give the letter the year's next running number and save; a race for the same number tries again."""
    transfer.letter_year = transfer.sent_on.year
    for _ in range(5):
        last = Transfer.objects.filter(letter_year=transfer.letter_year).aggregate(n=Max("letter_number"))["n"]
        transfer.letter_number = (last or 0) + 1
        try:
            with transaction.atomic():
                transfer.save()
            return transfer
        except IntegrityError:
            if Transfer.objects.filter(member=transfer.member, status=TransferStatus.SENT).exists():
                _open_transfer_refused(transfer.member)
            continue
    raise ValidationError("介绍信编号分配失败，请重试。")


def _periods_move(*, member: Member, to_organisation, on: dt.date, transfer: Transfer | None) -> None:
    """Close the member's current period on `on` and open one in `to_organisation` (None: left the register)."""
    current = MemberOrganisationPeriod.objects.select_for_update().filter(member=member, ends_on__isnull=True).first()
    if current is None:
        current = MemberOrganisationPeriod(member=member, organisation_id=member.organisation_id, starts_on=None)
    if current.starts_on is not None and current.starts_on >= on:
        # Moved again on the day it arrived: that stay never was.
        if current.pk:
            current.delete()
    else:
        current.ends_on = on
        current.full_clean()
        current.save()
    if to_organisation is not None:
        period = MemberOrganisationPeriod(member=member, organisation=to_organisation, starts_on=on,
                                          transfer=transfer)
        period.full_clean()
        period.save()


def _seats_end(*, member: Member, organisation_id: int | None, on: dt.date) -> None:
    """A member who moves or leaves gives up their committee seats from that day."""
    from branches.models import CommitteePosition

    seats = CommitteePosition.objects.filter(member=member, ends_on__isnull=True)
    if organisation_id is not None:
        seats = seats.filter(organisation__path__startswith=member.organisation.path)
    for seat in seats:
        seat.ends_on = max(seat.starts_on, on - dt.timedelta(days=1))
        seat.save(update_fields=["ends_on"])


def _active_refused(member: Member) -> None:
    if member.status != MembershipStatus.ACTIVE:
        raise ValidationError(f"{member.name}已{member.get_status_display()}，不在党员名册中。", code="not_active")


@transaction.atomic
def transfer_send(*, member: Member, to_organisation, reason: str, sent_on: dt.date, by,
                  dues_paid_to: dt.date | None = None) -> Transfer:
    """The sending secretary issues a letter to an organisation in the system; the member stays until accepted."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    _active_refused(member)
    _open_transfer_refused(member)
    if to_organisation.pk == member.organisation_id:
        raise ValidationError({"to_organisation": "转入党组织不能是该党员现在所在的党组织。"})
    if to_organisation.status != "ACTIVE":
        raise ValidationError({"to_organisation": "该党组织已撤销，不能转入。"})
    transfer = Transfer(kind=TransferKind.WITHIN, member=member, from_organisation_id=member.organisation_id,
                        to_organisation=to_organisation, reason=reason, sent_on=sent_on, stage=member.stage,
                        dues_paid_to=dues_paid_to, created_by=by, letter_year=sent_on.year, letter_number=0,
                        valid_until=sent_on + dt.timedelta(
                            days=transfer_limit_days("TRANSFER_LETTER_VALID_DAYS", sent_on)))
    transfer.full_clean(exclude=["letter_number"], validate_constraints=False)
    _numbered_save(transfer)
    action_log(actor=by, action=Action.MEMBER_UPDATED, member=member, organisation=member.organisation,
               detail=f"开具组织关系介绍信{transfer.letter_text}，转往{to_organisation.name}")
    return transfer


@transaction.atomic
def transfer_out_send(*, member: Member, outside_organisation: str, reason: str, sent_on: dt.date, by,
                      dues_paid_to: dt.date | None = None) -> Transfer:
    """A letter to an organisation outside the system: the member leaves the register on the letter's date;
    the receipt, when it comes back, completes the transfer."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    _active_refused(member)
    _open_transfer_refused(member)
    transfer = Transfer(kind=TransferKind.OUT, member=member, from_organisation_id=member.organisation_id,
                        outside_organisation=outside_organisation, reason=reason, sent_on=sent_on,
                        stage=member.stage, dues_paid_to=dues_paid_to, created_by=by, letter_year=sent_on.year,
                        letter_number=0, valid_until=sent_on + dt.timedelta(
                            days=transfer_limit_days("TRANSFER_LETTER_VALID_DAYS", sent_on)))
    transfer.full_clean(exclude=["letter_number"], validate_constraints=False)
    _numbered_save(transfer)
    _register_leave(member=member, status=MembershipStatus.TRANSFERRED_OUT, on=sent_on)
    action_log(actor=by, action=Action.MEMBER_UPDATED, member=member, organisation=member.organisation,
               detail=f"组织关系转出至{outside_organisation}（介绍信{transfer.letter_text}）")
    return transfer


def _register_leave(*, member: Member, status: str, on: dt.date) -> None:
    _periods_move(member=member, to_organisation=None, on=on, transfer=None)
    _seats_end(member=member, organisation_id=None, on=on)
    for category in MemberCategory.objects.filter(member=member, ends_on__isnull=True):
        category.ends_on = max(category.starts_on, on)
        category.save(update_fields=["ends_on"])
    member.status, member.left_on = status, on
    member.save(update_fields=["status", "left_on", "updated_at"])
    member_left.send(sender=Member, member=member, on=on)


@transaction.atomic
def transfer_accept(*, transfer: Transfer, by, accepted_on: dt.date | None = None, note: str = "") -> Transfer:
    """Within the system: the receiving secretary accepts and the member moves, with their history, on the
    acceptance day. To outside: the receipt came back."""
    transfer = Transfer.objects.select_for_update(of=("self",)).select_related("member", "from_organisation").get(
        pk=transfer.pk)
    accepted_on = accepted_on or timezone.localdate()
    if accepted_on < transfer.sent_on:
        raise ValidationError({"accepted_on": "接收日期不能早于介绍信开具日期。"})
    transfer.move_to(TransferStatus.ACCEPTED, by=by)
    transfer.accepted_on = accepted_on
    transfer.receipt_note = note
    transfer.full_clean()
    transfer.save()
    member = transfer.member
    if transfer.kind == TransferKind.WITHIN:
        _active_refused(member)
        _periods_move(member=member, to_organisation=transfer.to_organisation, on=accepted_on, transfer=transfer)
        _seats_end(member=member, organisation_id=transfer.from_organisation_id, on=accepted_on)
        member.organisation, member.party_group = transfer.to_organisation, None
        member.save(update_fields=["organisation", "party_group", "updated_at"])
        member_moved.send(sender=Member, member=member, from_organisation=transfer.from_organisation,
                          on=accepted_on)
        detail = f"接收组织关系：由{transfer.from_organisation.name}转入（介绍信{transfer.letter_text}）"
    else:
        detail = f"组织关系转出回执已收回（介绍信{transfer.letter_text}）"
    action_log(actor=by, action=Action.MEMBER_UPDATED, member=member, organisation=transfer.to_organisation
               or transfer.from_organisation, detail=detail)
    return transfer


@transaction.atomic
def transfer_return(*, transfer: Transfer, by, reason: str) -> Transfer:
    """The receiving secretary sends the letter back with a reason; the member stays where they were."""
    transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
    if transfer.kind != TransferKind.WITHIN:
        raise ValidationError("只有系统内转接可以退回。")
    if not reason.strip():
        raise ValidationError({"comment": "请填写退回原因。"})
    transfer.move_to(TransferStatus.RETURNED, by=by, comment=reason.strip())
    transfer.save()
    action_log(actor=by, action=Action.MEMBER_UPDATED, member=transfer.member, organisation=transfer.to_organisation,
               detail=f"退回组织关系介绍信{transfer.letter_text}：{reason.strip()}")
    return transfer


@transaction.atomic
def transfer_cancel(*, transfer: Transfer, by, reason: str = "") -> Transfer:
    """The sending secretary withdraws a letter not yet accepted (within the system only: a member who
    went outside has already left the register)."""
    transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
    if transfer.kind != TransferKind.WITHIN:
        raise ValidationError("转往系统外的介绍信已开具，党员已转出，不能撤回。")
    transfer.move_to(TransferStatus.CANCELLED, by=by, comment=reason.strip())
    transfer.save()
    action_log(actor=by, action=Action.MEMBER_UPDATED, member=transfer.member,
               organisation=transfer.from_organisation, detail=f"撤回组织关系介绍信{transfer.letter_text}")
    return transfer


def register_check(id_number: str) -> Member | None:
    """The person with this ID number if they are on the register now (an incoming letter is refused then)."""
    from .validators import normalise_id_number

    return Member.objects.filter(id_number=normalise_id_number(id_number), status=MembershipStatus.ACTIVE).first()


@transaction.atomic
def transfer_in_record(*, to_organisation, outside_organisation: str, incoming_letter_number: str,
                       incoming_letter_date: dt.date, reason: str, accepted_on: dt.date, by,
                       dues_paid_to: dt.date | None = None, **member_fields) -> Transfer:
    """A letter from outside the system: the receiving secretary records it and the person joins the register.
    Someone already on the register is refused; someone who once left by transfer comes back on their old
    record (the ID number is unique)."""
    from .validators import normalise_id_number

    id_number = normalise_id_number(member_fields.get("id_number") or "")
    if not id_number:
        raise ValidationError({"id_number": "从系统外转入须填写公民身份号码，用于核对是否已在党员名册中。"})
    member_fields["id_number"] = id_number
    existing = Member.objects.select_for_update().filter(id_number=id_number).first()
    if existing is not None and existing.status == MembershipStatus.ACTIVE:
        raise ValidationError({"id_number": f"该公民身份号码的党员已在名册中（{existing.name}，"
                                            f"{existing.organisation.name}），不能重复转入；"
                                            "系统内的党员请由其所在党组织开具系统内转接。"})
    if existing is not None and existing.status != MembershipStatus.TRANSFERRED_OUT:
        raise ValidationError({"id_number": f"该公民身份号码的人员已{existing.get_status_display()}"
                                            f"（{existing.left_on}），不能按组织关系转入登记。"})
    if existing is None:
        member = Member(organisation=to_organisation, **member_fields)
    else:
        member = existing
        for name, value in member_fields.items():
            setattr(member, name, value)
        member.organisation, member.party_group = to_organisation, None
        member.status, member.left_on = MembershipStatus.ACTIVE, None
    member.full_clean()
    member.save()
    transfer = Transfer(kind=TransferKind.IN, member=member, to_organisation=to_organisation,
                        outside_organisation=outside_organisation, incoming_letter_number=incoming_letter_number,
                        incoming_letter_date=incoming_letter_date, reason=reason, sent_on=incoming_letter_date,
                        stage=member.stage, dues_paid_to=dues_paid_to, accepted_on=accepted_on, created_by=by,
                        status=TransferStatus.ACCEPTED, decided_by=by, decided_at=timezone.now())
    transfer.full_clean()
    transfer.save()
    if MemberOrganisationPeriod.objects.filter(member=member).exists() or existing is None:
        _periods_open(member=member, on=accepted_on, transfer=transfer)
    action_log(actor=by, action=Action.MEMBER_CREATED if existing is None else Action.MEMBER_UPDATED,
               member=member, organisation=to_organisation,
               detail=f"由系统外{outside_organisation}转入（来信{incoming_letter_number}）")
    return transfer


def _periods_open(*, member: Member, on: dt.date, transfer: Transfer) -> None:
    period = MemberOrganisationPeriod(member=member, organisation_id=member.organisation_id, starts_on=on,
                                      transfer=transfer)
    period.full_clean()
    period.save()


# --- leaving the register ------------------------------------------------------------------------------

def document_check(upload) -> tuple[bytes, str, str]:
    """A decision document: a PDF (by its header) or a photo/scan (decoded and re-encoded by core.files)."""
    from core.files import photo_prepare

    name = getattr(upload, "name", "文件")
    if upload.size > DOCUMENT_MAX_BYTES:
        raise ValidationError({"document": f"“{name}”超过 10 MB，请压缩后再上传。"})
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        return upload.read(), "pdf", "application/pdf"
    prepared = photo_prepare(upload, thumbnail=False)
    return prepared.content, prepared.extension, {"jpg": "image/jpeg", "png": "image/png",
                                                  "webp": "image/webp"}[prepared.extension]


@transaction.atomic
def member_leave(*, member: Member, kind: str, left_on: dt.date, reason: str, by, document_number: str = "",
                 document=None) -> Leaving:
    """停止党籍, 出党 or 去世: recorded once; the member leaves current lists, activities and reminders from
    that day, and counts in figures for the days before it."""
    from django.core.files.base import ContentFile

    from core.files import removed_on_failure

    member = Member.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=member.pk)
    _active_refused(member)
    if Transfer.objects.filter(member=member, status=TransferStatus.SENT).exists():
        raise ValidationError("该党员有未办结的组织关系转接，请先撤回或办结。")
    if left_on > timezone.localdate():
        raise ValidationError({"left_on": "日期不能晚于今天。"})
    prepared = document_check(document) if document else None
    leaving = Leaving(member=member, kind=kind, left_on=left_on, reason=reason, document_number=document_number,
                      recorded_by=by)
    leaving.full_clean(exclude=["document"])
    with removed_on_failure() as written:
        if prepared is not None:
            content, extension, content_type = prepared
            leaving.document.save(f"decision.{extension}", ContentFile(content), save=False)
            written.append(leaving.document.name)
            leaving.document_content_type = content_type
            leaving.document_name = getattr(document, "name", "")[:200]
        leaving.save()
        _register_leave(member=member, status=LEAVING_STATUS[kind], on=left_on)
    action_log(actor=by, action=Action.MEMBER_UPDATED, member=member, organisation=member.organisation,
               detail=f"{leaving.get_kind_display()}（{left_on}）：{reason}")
    return leaving


# --- categories --------------------------------------------------------------------------------------------

@transaction.atomic
def category_start(*, member: Member, kind: str, starts_on: dt.date, by, **fields) -> MemberCategory:
    _active_refused(member)
    if MemberCategory.objects.filter(member=member, kind=kind, ends_on__isnull=True).exists():
        raise ValidationError({"kind": "该党员已登记为此类别且尚未结束。"})
    category = MemberCategory(member=member, kind=kind, starts_on=starts_on, created_by=by, **fields)
    category.full_clean()
    category.save()
    action_log(actor=by, action=Action.MEMBER_UPDATED, member=member, organisation=member.organisation,
               detail=f"登记为{category.get_kind_display()}（{starts_on}起）")
    return category


@transaction.atomic
def category_update(*, category: MemberCategory, by, ends_on: dt.date | None = None, **fields) -> MemberCategory:
    for name, value in fields.items():
        setattr(category, name, value)
    category.ends_on = ends_on
    category.full_clean()
    category.save()
    action_log(actor=by, action=Action.MEMBER_UPDATED, member=category.member, organisation=category.member.organisation,
               detail=f"更新{category.get_kind_display()}情况" + (f"（{ends_on}结束）" if ends_on else ""))
    return category


@transaction.atomic
def member_retire(*, member: Member, retired_on: dt.date, by) -> Member:
    from .choices import EmploymentStatus

    _active_refused(member)
    member.employment_status, member.retired_on = EmploymentStatus.RETIRED, retired_on
    member.save(update_fields=["employment_status", "retired_on", "updated_at"])
    action_log(actor=by, action=Action.MEMBER_UPDATED, member=member, organisation=member.organisation,
               detail=f"离退休（{retired_on}）")
    return member
