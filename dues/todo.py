"""What dues put on a secretary's 待办: members who have paid nothing for the rule's number of months."""

from django.urls import reverse
from django.utils import timezone

from branches import access as tree
from core.todo import TodoGroup, TodoLink
from members.models import Member

from .selectors import standings, unpaid_months_limit

SHOWN = 5


def dues_arrears(user) -> list[TodoGroup]:
    if not tree.is_secretary(user) or tree.is_admin(user):
        return []
    today = timezone.localdate()
    limit = unpaid_months_limit(today)
    members = tree.scoped(user, Member.objects.party_members(), write=True)
    behind = {pk: s for pk, s in standings(today=today, members=members).items() if s.streak >= limit}
    if not behind:
        return []
    names = dict(Member.objects.filter(pk__in=list(behind)[:SHOWN]).values_list("pk", "name"))
    links = [TodoLink(label=f"{name}：连续 {behind[pk].streak} 个月未交", url=reverse("dues:member", args=[pk]))
             for pk, name in names.items()]
    return [TodoGroup(key="dues-arrears", title=f"连续 {limit} 个月以上未交党费", count=len(behind), links=links,
                      more_url=reverse("dues:overview"), urgent=True)]
