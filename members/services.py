from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from audit.models import Action
from audit.services import action_log

from .models import Member


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
