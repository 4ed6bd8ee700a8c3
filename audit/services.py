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
