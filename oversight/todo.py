"""What oversight puts on a secretary's 待办: standardisation reviews sent back for correction."""

from django.urls import reverse

from branches import access as tree
from core.todo import TodoGroup, TodoLink

from .choices import ReviewStatus
from .models import StandardisationReview


def reviews_returned(user) -> list[TodoGroup]:
    if not tree.is_secretary(user) or tree.is_admin(user):
        return []
    returned = tree.scoped(user, StandardisationReview.objects.filter(status=ReviewStatus.RETURNED), write=True)
    rows = list(returned.select_related("organisation").order_by("-year", "pk")[:5])
    if not rows:
        return []
    links = [TodoLink(label=f"{r.year}年 {r.organisation.display_name}", action="修改",
                      url=reverse("oversight:review_detail", args=[r.pk]),
                      action_url=reverse("oversight:review_detail", args=[r.pk])) for r in rows]
    return [TodoGroup(key="reviews-returned", title="退回整改的标准化验收", count=returned.count(), links=links,
                      urgent=True)]
