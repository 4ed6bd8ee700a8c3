from functools import cache

from notifications import access


def unread(request):
    """The bell's unread count: one indexed count query, run only when a template shows the bell (htmx fragments
    and other partial templates never ask), and at most once per request."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @cache
    def count() -> int:
        return access.notifications_visible_to(user).filter(read_at__isnull=True).count()

    return {"unread_notifications": count}
