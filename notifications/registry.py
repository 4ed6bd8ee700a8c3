"""What the feature apps plug into notifications.

Notifications stands below the feature apps and imports none of them. A feature that has lines for the
admins' weekly digest registers a function here in its AppConfig.ready; the digest asks every registered
function, in registration order (INSTALLED_APPS order), and joins their lines. Each feature's reminder rules
run from its own periodic task and hand `Due` rows to notifications.services.notifications_create."""

import datetime as dt
from collections.abc import Callable

DigestLines = Callable[..., list[str]]  # lines(today=date) → Chinese lines, one per fact

_ADMIN_DIGEST: dict[str, DigestLines] = {}


def register_admin_digest_lines(name: str, lines: DigestLines) -> None:
    """Add (or replace, by name) a source of lines for the admins' weekly digest."""
    _ADMIN_DIGEST[name] = lines


def admin_digest_lines(*, today: dt.date) -> list[str]:
    return [line for lines in _ADMIN_DIGEST.values() for line in lines(today=today)]
