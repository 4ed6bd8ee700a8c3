"""What the register puts on a secretary's 待办: transfers sent to their organisations, waiting to be accepted."""

from django.urls import reverse

from branches import access as tree
from core.todo import TodoGroup, TodoLink

from .choices import TransferStatus
from .models import Transfer

SHOWN = 5


def transfers_to_accept(user) -> list[TodoGroup]:
    if not tree.is_secretary(user) or tree.is_admin(user):
        return []
    waiting = tree.scoped(user, Transfer.objects.filter(status=TransferStatus.SENT), via="to_organisation",
                          write=True)
    count = waiting.count()
    if not count:
        return []
    rows = waiting.select_related("member", "from_organisation").order_by("created_at", "pk")[:SHOWN]
    links = [TodoLink(label=f"{t.member.name}（来自{t.from_organisation.display_name}）",
                      url=reverse("members:transfer_detail", args=[t.pk]), action="接收",
                      action_url=reverse("members:transfer_detail", args=[t.pk]))
             for t in rows]
    return [TodoGroup(key="transfers-to-accept", title="待接收的组织关系", count=count, links=links,
                      more_url=reverse("members:transfer_list") if count > SHOWN else "", urgent=True)]
