from django.db import connection
from django.utils import timezone

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
    """One action-log row per member whose personal data a call returned (an API page of 50: one INSERT of the
    members' ids and organisations, what is the same for all of them written once; building 50 log objects for
    bulk_create cost as much as the rest of the page's Python)."""
    rows = [(member.pk, member.organisation_id) for member in members]
    if not rows:
        return 0
    log = ActionLog._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(log.get_field(name).column)
                        for name in ("at", "actor", "action", "detail", "ip_address", "member", "organisation"))
    # A VALUES list's columns are column1, column2 … on PostgreSQL and SQLite alike.
    sql = (f"INSERT INTO {quote(log.db_table)} ({columns}) SELECT %s, %s, %s, %s, %s, column1, column2 "
           f"FROM (VALUES {', '.join(['(%s, %s)'] * len(rows))}) AS shown")
    params = [connection.ops.adapt_datetimefield_value(timezone.now()), getattr(actor, "pk", None),
              Action.PERSONAL_DATA_VIEWED.value, f"{channel}查看：{fields}"[:300],
              connection.ops.adapt_ipaddressfield_value(ip_address), *(value for row in rows for value in row)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    return len(rows)
