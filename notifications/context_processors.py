from branches import access


def unread(request):
    """The bell's count on every page: one indexed count query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": access.notifications_visible_to(user).filter(read_at__isnull=True).count()}
