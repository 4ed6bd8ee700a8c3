from django.db import connection
from django.utils import timezone

from members.models import Member

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
    """One action-log row per member whose personal data a call returned (an API page of 50: one INSERT … SELECT by
    their ids, the organisation read beside each; building 50 log objects for bulk_create cost as much as the
    rest of the page's Python)."""
    ids = [member.pk for member in members]
    if not ids:
        return 0
    log, member = ActionLog._meta, Member._meta
    columns = ", ".join(connection.ops.quote_name(log.get_field(name).column)
                        for name in ("at", "actor", "action", "detail", "ip_address", "member", "organisation"))
    sql = (f"INSERT INTO {connection.ops.quote_name(log.db_table)} ({columns}) "
           f"SELECT %s, %s, %s, %s, %s, {connection.ops.quote_name(member.pk.column)}, "
           f"{connection.ops.quote_name(member.get_field('organisation').column)} "
           f"FROM {connection.ops.quote_name(member.db_table)} "
           f"WHERE {connection.ops.quote_name(member.pk.column)} IN ({', '.join(['%s'] * len(ids))})")
    params = [connection.ops.adapt_datetimefield_value(timezone.now()), getattr(actor, "pk", None),
              Action.PERSONAL_DATA_VIEWED.value, f"{channel}查看：{fields}"[:300],
              connection.ops.adapt_ipaddressfield_value(ip_address), *ids]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount
