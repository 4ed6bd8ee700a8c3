"""Small request helpers for views. Services never take the request: a view passes what they need."""


def client_address(request) -> str | None:
    """The client's address as the web server saw it, for the action log."""
    return request.META.get("REMOTE_ADDR") or None
