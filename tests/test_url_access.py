"""Every URL the project defines, for every persona.

Two guards: a walk over the URL resolver fails on any view that is public but
not on the list of deliberately public views; and every URL of our own apps
must appear in the matrix below, so a new URL without an access rule fails the
suite until someone decides who may open it."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# A row may state POST expectations (tests/access_post.py): see the end of this module.
from tests.access_post import ALLOWED, POST, POST_DATA, everyone_posting, with_post

PUBLIC_VIEWS = {
    "healthz",
    "readyz",
    "admin_login_redirect",
    "admin:login",
    "account_login",
    "account_logout",
    "account_inactive",
    "account_signup",
    "account_email_verification_sent",
    "account_reset_password",
    "account_confirm_login_code",
    "account_confirm_email",
    "account_reset_password_from_key_done",
    "account_reset_password_from_key",
    "account_reset_password_done",
    "mfa_authenticate",
    "activities:calendar_feed",
    "activities:checkin_guest",
}

def _own_apps() -> set[str]:
    """Every app of this project (not Django's or a library's): a new app's URLs need rows without anyone
    remembering to add it here."""
    from pathlib import Path

    from django.apps import apps
    from django.conf import settings

    return {config.label for config in apps.get_app_configs()
            if Path(config.path).resolve().parent == Path(settings.BASE_DIR).resolve()}


OWN_NAMESPACES = _own_apps()
OWN_TOP_LEVEL = {"home", "healthz", "readyz", "admin_login_redirect", "help", "guide_dismiss", "choices"}

# URL name → (how to build its kwargs from the city, {persona: expected status on GET}).
# Personas: anonymous, outsider (login, no role), member, secretary (of org A), other_secretary (of org B), admin.
OK, REDIRECT, FORBIDDEN, NOT_FOUND = 200, 302, 403, 404
LOGIN = "login"  # anonymous users are sent to the login page
UNAUTHENTICATED = 401  # JSON API calls: anonymous callers get 401, not a redirect (tests/api/access_api.py)


def everyone(status):
    return {"outsider": status, "member": status, "secretary": status, "other_secretary": status, "admin": status}


MATRIX = {
    "home": (lambda c: {}, {"anonymous": LOGIN, **everyone(OK)}),
    "healthz": (lambda c: {}, {"anonymous": OK, **everyone(OK)}),
    "help": (lambda c: {}, {"anonymous": LOGIN, **everyone(OK)}),
    # POST only: a GET is refused for everyone who is logged in.
    "guide_dismiss": with_post((lambda c: {}, {"anonymous": LOGIN, **everyone(405)}), everyone_posting(ALLOWED)),
    # Public like /healthz; 503 here because no worker beats in the matrix's city (tests/test_health.py).
    "readyz": (lambda c: {}, {"anonymous": 503, **everyone(503)}),
    "admin_login_redirect": (lambda c: {}, {"anonymous": REDIRECT}),
    # Search-as-you-type options (core.lookups): members to choose from, for those who run organisations.
    "choices": (lambda c: {"source": "members"}, {
        "anonymous": LOGIN, "outsider": FORBIDDEN, "member": FORBIDDEN, "secretary": OK, "other_secretary": OK,
        "admin": OK}),
    "branches:organisation_list": (lambda c: {}, {
        "anonymous": LOGIN, "outsider": FORBIDDEN, "member": FORBIDDEN, "secretary": OK, "other_secretary": OK,
        "admin": OK}),
    # Organisation A's branch: its members see its public page; A's secretary manages it; B's does not see it.
    "branches:organisation_detail": (lambda c: {"pk": c.branch_a.pk}, {
        "anonymous": LOGIN, "outsider": NOT_FOUND, "member": OK, "secretary": OK, "other_secretary": NOT_FOUND,
        "admin": OK}),
    "branches:organisation_edit": (lambda c: {"pk": c.branch_a.pk}, {
        "anonymous": LOGIN, "outsider": NOT_FOUND, "member": FORBIDDEN, "secretary": OK,
        "other_secretary": NOT_FOUND, "admin": OK}),
    "members:member_list": (lambda c: {}, {
        "anonymous": LOGIN, "outsider": FORBIDDEN, "member": FORBIDDEN, "secretary": OK, "other_secretary": OK,
        "admin": OK}),
    "members:member_create": (lambda c: {}, {
        "anonymous": LOGIN, "outsider": FORBIDDEN, "member": FORBIDDEN, "secretary": OK, "other_secretary": OK,
        "admin": OK}),
    "members:member_roster_print": (lambda c: {}, {
        "anonymous": LOGIN, "outsider": FORBIDDEN, "member": FORBIDDEN, "secretary": OK, "other_secretary": OK,
        "admin": OK}),
    "members:member_detail": (lambda c: {"pk": c.member.pk}, {
        "anonymous": LOGIN, "outsider": NOT_FOUND, "member": OK, "secretary": OK, "other_secretary": NOT_FOUND,
        "admin": OK}),
    "members:member_edit": (lambda c: {"pk": c.member.pk}, {
        "anonymous": LOGIN, "outsider": NOT_FOUND, "member": FORBIDDEN, "secretary": OK,
        "other_secretary": NOT_FOUND, "admin": OK}),
    "members:member_personal_data": (lambda c: {"pk": c.member.pk}, {
        "anonymous": LOGIN, "outsider": NOT_FOUND, "member": FORBIDDEN, "secretary": FORBIDDEN,
        "other_secretary": NOT_FOUND, "admin": OK}),
    "members:member_account_create": (lambda c: {"pk": c.other_member.pk}, {
        "anonymous": LOGIN, "outsider": NOT_FOUND, "member": NOT_FOUND, "secretary": NOT_FOUND,
        "other_secretary": OK, "admin": OK}),
}


def _feature_matrices() -> dict:
    """Each feature keeps its rows in tests/<app>/access_<feature>.py as MATRIX = {...}."""
    import importlib
    import pkgutil
    from pathlib import Path

    merged = {}
    tests_dir = Path(__file__).parent
    for package in sorted(p.name for p in tests_dir.iterdir() if (p / "__init__.py").exists()):
        for info in pkgutil.iter_modules([str(tests_dir / package)]):
            if info.name.startswith("access_"):
                module = importlib.import_module(f"tests.{package}.{info.name}")
                overlap = merged.keys() & module.MATRIX.keys() | MATRIX.keys() & module.MATRIX.keys()
                assert not overlap, f"URL names with two access rules: {overlap}"
                merged.update(module.MATRIX)
    return merged


MATRIX.update(_feature_matrices())


def _walk(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name or ''}", pattern


def _guards_itself(callback) -> bool:
    """A JSON API view (Django REST framework) is let past the login middleware because a program cannot follow a
    login redirect: it authenticates the call itself (token or session) and answers an anonymous caller with 401.
    That is only safe when its permission classes demand an authenticated user."""
    from rest_framework.permissions import IsAuthenticated

    view_class = getattr(callback, "cls", None)
    permissions = getattr(view_class, "permission_classes", ())
    return bool(permissions) and all(isinstance(p, type) for p in permissions) and any(
        issubclass(p, IsAuthenticated) for p in permissions)


def test_it_has_no_public_view_that_is_not_meant_to_be():
    public = {name for name, pattern in _walk(get_resolver().url_patterns)
              if getattr(pattern.callback, "login_required", True) is False
              and not _guards_itself(pattern.callback)}
    assert public - PUBLIC_VIEWS == set(), "views reachable without login; protect them or list them as public"


def test_it_has_an_access_rule_for_every_url_of_our_own_apps():
    own = {name for name, _ in _walk(get_resolver().url_patterns)
           if name.split(":")[0] in OWN_NAMESPACES or name in OWN_TOP_LEVEL}
    assert own - MATRIX.keys() == set(), "URLs without an entry in the access matrix"
    assert MATRIX.keys() - own == set(), "matrix entries for URLs that no longer exist"


CASES = [(name, persona) for name, (_, expected) in MATRIX.items() for persona in expected
         if persona not in (POST, POST_DATA)]


@pytest.mark.parametrize(("name", "persona"), CASES, ids=[f"{n}-{p}" for n, p in CASES])
def test_each_persona_gets_exactly_what_it_should(city, client, name, persona):
    from django.urls import reverse

    kwargs_for, statuses = MATRIX[name]
    expected = statuses[persona]
    user = {"anonymous": None, "outsider": city.outsider, "member": city.member_user,
            "secretary": city.secretary, "other_secretary": city.other_secretary, "admin": city.admin}[persona]
    if user is not None:
        client.force_login(user)
    response = client.get(reverse(name, kwargs=kwargs_for(city)))
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    elif expected == UNAUTHENTICATED:
        # A JSON call without a token or session: 401 with the scheme to use, never a login redirect.
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
    else:
        assert response.status_code == expected


def test_a_refusal_is_a_chinese_page_with_the_reason(city, client):
    from django.urls import reverse

    client.force_login(city.member_user)
    response = client.get(reverse("members:member_list"))
    assert response.status_code == 403
    assert "您没有访问该页面的权限" in response.content.decode() and "返回首页" in response.content.decode()
    response = client.get(reverse("members:member_detail", args=[city.other_member.pk]))
    assert response.status_code == 404 and "没有找到您要访问的内容" in response.content.decode()


# --- the same matrix, POSTing ----------------------------------------------------------------------------
# Every view that accepts POST (its require_http_methods/require_POST lets it through, or it has no such
# decorator) is POSTed as each persona, with no data unless the row gives the minimal data (POST_DATA). A POST is expected to meet the same door as the GET: login
# for the anonymous, 404 for what the persona may not see, 403 for what they may see but not change; where the
# GET was let through (200, 302) the POST is too (ALLOWED). A row states a "POST" status only for the personas
# where that differs (e.g. where the GET was refused with 405 because the view only takes POST).

def _allowed_methods(callback) -> set[str] | None:
    """The methods a view's require_http_methods decorator allows (or a REST framework view's handlers), or None
    when it has none."""
    if getattr(callback, "actions", None):  # a REST framework viewset route: its method → action map
        return {method.upper() for method in callback.actions}
    view_class = getattr(callback, "cls", None)
    if view_class is not None and hasattr(view_class, "http_method_names"):
        return {method.upper() for method in view_class.http_method_names if hasattr(view_class, method)}
    function = callback
    while function is not None:
        for cell in getattr(function, "__closure__", None) or ():
            try:
                value = cell.cell_contents
            except ValueError:
                continue
            if isinstance(value, (list, tuple)) and value and all(
                    isinstance(method, str) and method.isupper() for method in value):
                return set(value)
        function = getattr(function, "__wrapped__", None)
    return None


def _post_expectations() -> dict[str, dict[str, object]]:
    views = dict(_walk(get_resolver().url_patterns))
    expectations = {}
    for name, (_, statuses) in MATRIX.items():
        methods = _allowed_methods(views[name].callback)
        if methods is not None and "POST" not in methods:
            continue
        explicit = statuses.get(POST, {})
        row = {}
        for persona, status in statuses.items():
            if persona in (POST, POST_DATA):
                continue
            if persona in explicit:
                row[persona] = explicit[persona]
            elif status in (OK, REDIRECT):
                row[persona] = ALLOWED
            else:
                row[persona] = status
        expectations[name] = row
    return expectations


POST_MATRIX = _post_expectations()
POST_CASES = [(name, persona) for name, row in POST_MATRIX.items() for persona in row]


def test_post_rows_name_only_personas_the_row_has():
    for name, (_, statuses) in MATRIX.items():
        assert set(statuses.get(POST, {})) <= set(statuses) - {POST, POST_DATA}, name


@pytest.mark.parametrize(("name", "persona"), POST_CASES, ids=[f"{n}-{p}" for n, p in POST_CASES])
def test_each_persona_gets_exactly_what_it_should_when_posting(city, client, name, persona):
    from django.urls import reverse

    kwargs_for, statuses = MATRIX[name]
    expected = POST_MATRIX[name][persona]
    data = statuses[POST_DATA](city) if POST_DATA in statuses else {}
    user = {"anonymous": None, "outsider": city.outsider, "member": city.member_user,
            "secretary": city.secretary, "other_secretary": city.other_secretary, "admin": city.admin}[persona]
    if user is not None:
        client.force_login(user)
    response = client.post(reverse(name, kwargs=kwargs_for(city)), data)
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    elif expected == ALLOWED:
        assert response.status_code in (200, 302)
    else:
        assert response.status_code == expected
