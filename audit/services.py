from .models import Action, ActionLog


def action_log(*, request=None, actor=None, action: str, member=None, organisation=None, detail: str = "") -> ActionLog:
    if request is not None and actor is None:
        actor = request.user if request.user.is_authenticated else None
    ip = request.META.get("REMOTE_ADDR") if request is not None else None
    return ActionLog.objects.create(
        actor=actor, action=action, member=member, organisation=organisation, detail=detail[:300], ip_address=ip
    )


def personal_data_viewed(*, request, member, fields: str) -> ActionLog:
    return action_log(
        request=request, action=Action.PERSONAL_DATA_VIEWED, member=member,
        organisation=member.organisation, detail=f"查看：{fields}",
    )


def personal_data_viewed_many(*, actor, members, fields: str, channel: str, ip_address: str | None = None) -> int:
    """One action-log row per member whose personal data a call returned (an API page: one INSERT)."""
    rows = [ActionLog(actor=actor, action=Action.PERSONAL_DATA_VIEWED, member=member,
                      organisation_id=member.organisation_id, detail=f"{channel}查看：{fields}"[:300],
                      ip_address=ip_address) for member in members]
    ActionLog.objects.bulk_create(rows)
    return len(rows)
