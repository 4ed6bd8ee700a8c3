"""What member development puts on a secretary's 待办: talks owed, activists ready, probations ending, approvals
waiting — the same due lists as the development pages, counted."""

from django.urls import reverse

from branches import access as tree
from core.todo import TodoGroup, TodoLink

from .selectors import due_lists

SHOWN = 5


def development_due(user) -> list[TodoGroup]:
    if not tree.is_secretary(user) or tree.is_admin(user):
        return []
    lists = due_lists(user)
    items = lists["overdue"] + lists["due"]
    if not items:
        return []
    links = [TodoLink(label=f"{item.name}：{item.what}", url=reverse("development:timeline", args=[item.record_id]),
                      note=("已逾期" if item.overdue else f"{item.when:%-m月%-d日}前"))
             for item in items[:SHOWN]]
    return [TodoGroup(key="development-due", title="发展党员到期事项", count=len(items), links=links,
                      more_url=reverse("development:overview") if len(items) > SHOWN else "",
                      urgent=bool(lists["overdue"]))]
