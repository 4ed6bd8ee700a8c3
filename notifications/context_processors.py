from functools import cache

from .unread import unread_count


def unread(request):
    """The bell's unread count (notifications.unread): read only when a template shows the bell (htmx fragments
    and other partial templates never ask), and at most once per request."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @cache
    def count() -> int:
        return unread_count(user)

    return {"unread_notifications": count}
