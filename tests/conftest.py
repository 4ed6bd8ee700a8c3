"""Personas and guards shared by every test.

The personas: a working-committee admin; the secretary of organisation A (which
has a branch below it); a member of A's branch; the secretary of an unrelated
organisation B; an outsider with a login but no role."""

import logging
from dataclasses import dataclass

import pytest
# Imported before any test freezes the clock: REST framework's throttles keep `time.time` as a class attribute
# when their module is first imported, and imported inside a freeze_time block they would keep freezegun's
# stand-in for good (every later API call then fails with "fake_time() takes 0 positional arguments").
import rest_framework.throttling  # noqa: F401, I001

from branches.choices import OrganisationKind, RoleKind
from tests.factories import PASSWORD, MemberFactory, OrganisationFactory, RoleFactory, UserFactory

pytest_plugins = ["tests.worker"]


@dataclass
class City:
    root: object
    org_a: object
    branch_a: object
    org_b: object
    admin: object
    secretary: object
    other_secretary: object
    member_user: object
    member: object
    other_member: object
    outsider: object


@pytest.fixture
def city(db) -> City:
    root = OrganisationFactory(kind=OrganisationKind.WORKING_COMMITTEE, name="市直机关工委", unit=None)
    org_a = OrganisationFactory(kind=OrganisationKind.GENERAL_BRANCH, name="甲局机关党总支", parent=root)
    branch_a = OrganisationFactory(name="甲局第一党支部", parent=org_a, unit=org_a.unit)
    org_b = OrganisationFactory(name="乙局机关党支部", parent=root)
    admin = UserFactory(username="admin-user", full_name="工委管理员")
    RoleFactory(user=admin, kind=RoleKind.ADMIN, organisation=None)
    secretary = UserFactory(username="secretary-a", full_name="甲书记")
    RoleFactory(user=secretary, organisation=org_a)
    other_secretary = UserFactory(username="secretary-b", full_name="乙书记")
    RoleFactory(user=other_secretary, organisation=org_b)
    member_user = UserFactory(username="member-a", full_name="甲党员")
    member = MemberFactory(name="甲党员", organisation=branch_a, user=member_user)
    other_member = MemberFactory(name="乙党员", organisation=org_b)
    outsider = UserFactory(username="outsider", full_name="无角色")
    return City(root, org_a, branch_a, org_b, admin, secretary, other_secretary, member_user, member, other_member,
                outsider)


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """Keep the serialized seed rows (rules, checklist) reachable from every connection object.

    Transactional (live-server) tests restore the rule tables from what Django serialized at set-up;
    after Playwright starts, tests may get a new connection object without that copy, and the rule
    tables would stay empty. Storing it on the class makes it survive the reconnect."""
    from django.db import connections

    for connection in connections.all():
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents is not None:
            type(connection)._test_serialized_contents = contents
    yield


@pytest.fixture(autouse=True)
def fresh_cache():
    """The cache (and so allauth's login rate limits) starts empty for every test, and so does the process's memory
    of how many choices a select offers (core.lookups)."""
    from django.core.cache import cache

    from core.lookups import forget_choice_counts

    cache.clear()
    forget_choice_counts()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def fail_on_logged_errors(caplog):
    """A test that makes the application log an ERROR fails, even if its assertions pass."""
    yield
    errors = [r for r in caplog.get_records("call") if r.levelno >= logging.ERROR]
    assert not errors, f"ERROR logged: {[r.getMessage() for r in errors]}"


__all__ = ["PASSWORD"]
