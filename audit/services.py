from .models import Action, ActionLog


def action_log(*, actor, action: str, member=None, organisation=None, detail: str = "",
               ip: str | None = None) -> ActionLog:
    """Record a business event or a read of personal data: who (`actor`, None for nobody signed in), from which
    address (`ip`, passed by the view), what, and to whom."""
    if actor is not None and not actor.is_authenticated:
        actor = None
    return ActionLog.objects.create(
        actor=actor, action=action, member=member, organisation=organisation, detail=detail[:300], ip_address=ip
    )


def personal_data_viewed(*, by, member, fields: str, ip: str | None = None) -> ActionLog:
    return action_log(
        actor=by, ip=ip, action=Action.PERSONAL_DATA_VIEWED, member=member,
        organisation=member.organisation, detail=f"查看：{fields}",
    )


def personal_data_viewed_many(*, actor, members, fields: str, channel: str, ip_address: str | None = None) -> int:
    """One action-log row per member whose personal data a call returned (an API page: one INSERT)."""
    rows = [ActionLog(actor=actor, action=Action.PERSONAL_DATA_VIEWED, member=member,
                      organisation_id=member.organisation_id, detail=f"{channel}查看：{fields}"[:300],
                      ip_address=ip_address) for member in members]
    ActionLog.objects.bulk_create(rows)
    return len(rows)
