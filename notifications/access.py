"""Who may see notifications and set group robots, built on the tree rules of branches.access (re-exported
here, so the notifications views import one access module)."""

from django.http import Http404

from branches.access import *  # noqa: F403
from branches.access import __all__ as _tree_rules
from branches.access import get_managed_object, scoped_to_managed

from .models import Notification, WebhookEndpoint

__all__ = [*_tree_rules, "notifications_visible_to", "webhooks_managed_by", "get_webhook_for",
           "get_notification_for"]


def notifications_visible_to(user):
    """A user's notifications are their own; nobody else's are reachable, whatever their role."""
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


def webhooks_managed_by(user):
    """Group robots of the organisations the user manages (an organisation's secretary sets its robots)."""
    return scoped_to_managed(user, WebhookEndpoint.objects.select_related("organisation"))


def get_webhook_for(user, pk):
    """A group robot of an organisation the user manages, or 404."""
    return get_managed_object(user, WebhookEndpoint.objects.select_related("organisation"), pk)


def get_notification_for(user, pk):
    try:
        return notifications_visible_to(user).get(pk=pk)
    except (Notification.DoesNotExist, ValueError):
        raise Http404("没有找到该通知。")
