"""Schemathesis generates calls from /api/schema/ and sends them, in-process, to the Django WSGI application with a
valid admin token: no call may end in a server error, and every answer must match the schema (status code,
content type, body). Bounded (a few examples per operation) so it runs in CI, on every back-end, in a minute or
two; it is never skipped."""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.generation import GenerationMode

from activities.choices import AttendanceStatus
from api.services import api_token_issue
from tests.factories import ActivityFactory, AttendanceFactory, MemberFactory

MAX_EXAMPLES = 5


@pytest.fixture
def admin_token(city, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    # Some data for the generated calls to find: an activity with expected members, and more members.
    activity = ActivityFactory(organisation=city.branch_a)
    AttendanceFactory(activity=activity, member=city.member)
    AttendanceFactory(activity=activity, status=AttendanceStatus.PRESENT)
    MemberFactory.create_batch(3, organisation=city.org_b)
    return api_token_issue(user=city.admin, name="schemathesis", by=city.admin).plaintext


@pytest.fixture
def wsgi_app(db):
    """The real WSGI application, inside the test's transaction: Django's test client does the same and keeps the
    handler from closing the connection (and with it the test's transaction) after each request."""
    from config.wsgi import application

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield application
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_no_generated_call_breaks_the_api_or_its_schema(wsgi_app, admin_token):
    """Each operation of the schema in turn, MAX_EXAMPLES generated calls each (driven by Hypothesis directly:
    the schema is loaded inside the test, where the database and the token exist)."""
    headers = {"Authorization": f"Bearer {admin_token}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app, headers=headers)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 8  # every endpoint of tests/api/test_docs.py
    for operation in operations:
        @given(case=operation.as_strategy(headers=headers))
        @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        def run(case):
            case.call_and_validate()

        run()


def test_no_malformed_call_causes_a_server_error_or_an_undocumented_answer(wsgi_app, admin_token):
    """Calls that break the schema on purpose (wrong types, out-of-range numbers, bad enums): each must be refused
    or ignored with a documented, well-formed answer, never a server error."""
    from schemathesis import checks

    headers = {"Authorization": f"Bearer {admin_token}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app, headers=headers)
    wanted = [checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
              checks.response_schema_conformance]
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy(GenerationMode.NEGATIVE, headers=headers))
        @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        def run(case):
            case.call_and_validate(checks=wanted)

        run()
