"""The bell's unread count, which every page shows: kept per user in the shared cache (core.cache.SharedOnly, at
most SESSION_CACHE_SECONDS old) instead of a count query on every page. Whatever creates, reads or removes a
user's notifications calls `unread_changed` (notifications.services for bulk writes; a signal for single
saves and deletes, such as the admin's or a cascade): the entry goes at once and again at commit, so a
count taken in between is not kept."""

from core.cache import SharedOnly, get_many_read_ahead

from .access import notifications_visible_to


def unread_keys(user_id) -> list[str]:
    """Read with the request's user (core.cache.read_with_user)."""
    return [_key(user_id)]


def _key(user_id) -> str:
    return f"notifications:unread:{user_id}"


def _cache() -> SharedOnly:
    return SharedOnly()


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    cache = _cache()
    count = get_many_read_ahead(cache, unread_keys(user.pk)).get(_key(user.pk))
    if count is None:
        count = notifications_visible_to(user).filter(read_at__isnull=True).count()
        cache.set(_key(user.pk), count)
    return count


def unread_changed(user_ids) -> None:
    _cache().forget(_key(user_id) for user_id in {user_id for user_id in user_ids if user_id})
