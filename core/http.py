"""Small request helpers for views. Services never take the request: a view passes what they need."""

from functools import wraps


def client_address(request) -> str | None:
    """The client's address as the web server saw it, for the action log."""
    return request.META.get("REMOTE_ADDR") or None


# --- ATOMIC_REQUESTS for the requests that write -----------------------------------------------------------------
# ATOMIC_REQUESTS wraps every view in a transaction: for a GET that only reads, a BEGIN and a COMMIT, two round trips
# to PostgreSQL on every page (~0.3 ms of a 4 ms page). A page that reads needs no transaction (each statement sees
# committed data either way); a request that may write keeps ATOMIC_REQUESTS exactly as Django applies it (inside
# the handler, so middleware's process_exception still sees the view's exceptions). A GET that writes a row (the
# action log's "personal data viewed") writes it in autocommit, alone, as one statement would anyway. REST framework's
# views keep the handler's transaction for every method: on an API error DRF marks "the request's" atomic block for
# rollback whenever ATOMIC_REQUESTS is on, and outside one it would mark an enclosing block (a test's) instead.

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _atomic_unless_safe(view):
    from asgiref.sync import iscoroutinefunction
    from django.db import DEFAULT_DB_ALIAS, transaction
    from rest_framework.views import APIView

    opted_out = getattr(view, "_non_atomic_requests", set())
    if (getattr(view, "atomic_unless_safe", False) or DEFAULT_DB_ALIAS in opted_out or iscoroutinefunction(view)
            or issubclass(getattr(view, "cls", object), APIView)):
        return view
    atomic_view = transaction.atomic(using=DEFAULT_DB_ALIAS)(view)

    @wraps(view)
    def view_atomic_unless_safe(request, *args, **kwargs):
        if request.method in SAFE_METHODS:
            return view(request, *args, **kwargs)
        return atomic_view(request, *args, **kwargs)

    # The handler's own ATOMIC_REQUESTS skips this view: it opens the transaction itself, for writes only.
    view_atomic_unless_safe._non_atomic_requests = opted_out | {DEFAULT_DB_ALIAS}
    view_atomic_unless_safe.atomic_unless_safe = True
    return view_atomic_unless_safe


def atomic_unless_safe(patterns: list) -> list:
    """Every view of `patterns` (and of what they include) in ATOMIC_REQUESTS' transaction for POST, PUT, PATCH and
    DELETE only; views that opted out (`transaction.non_atomic_requests`) stay as they are. For ROOT_URLCONF."""
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.urls import URLPattern, URLResolver

    if not connections.settings[DEFAULT_DB_ALIAS].get("ATOMIC_REQUESTS"):
        return patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            atomic_unless_safe(entry.url_patterns)
        elif isinstance(entry, URLPattern):
            entry.callback = _atomic_unless_safe(entry.callback)
    return patterns
