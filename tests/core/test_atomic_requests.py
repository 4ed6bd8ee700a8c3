"""ATOMIC_REQUESTS for the requests that write (core.http.atomic_unless_safe): a page that only reads opens no
transaction (no BEGIN and COMMIT round trips); a POST runs in one, rolled back whole when the view fails."""

from unittest import mock

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from core.http import _atomic_unless_safe
from tests.factories import UnitFactory


def _recording_view():
    seen = []

    def view(request):
        seen.append(connection.in_atomic_block)
        return HttpResponse("ok")

    return view, seen


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("method, in_transaction", [("get", False), ("head", False), ("options", False),
                                                    ("post", True), ("put", True), ("patch", True),
                                                    ("delete", True)])
def test_only_the_methods_that_write_run_in_a_transaction(method, in_transaction):
    view, seen = _recording_view()
    wrapped = _atomic_unless_safe(view)
    wrapped(getattr(RequestFactory(), method)("/"))
    assert seen == [in_transaction]
    assert DEFAULT_DB_ALIAS in wrapped._non_atomic_requests  # the handler does not open a second one


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_failing_post_leaves_nothing_written():
    def view(request):
        UnitFactory(name="写了一半的单位")
        raise RuntimeError("视图出错")

    from branches.models import Unit

    with pytest.raises(RuntimeError):
        _atomic_unless_safe(view)(RequestFactory().post("/"))
    assert not Unit.objects.filter(name="写了一半的单位").exists()


def test_a_view_that_opted_out_keeps_its_own_transactions():
    @transaction.non_atomic_requests
    def view(request):
        return HttpResponse("ok")

    assert _atomic_unless_safe(view) is view


def _patterns(patterns):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry.url_patterns)
        elif isinstance(entry, URLPattern):
            yield entry


def test_every_view_of_the_site_is_covered_once():
    """REST framework's views keep the handler's transaction (DRF marks the request's block for rollback on an API
    error); every other view either runs its writes in one or opted out of ATOMIC_REQUESTS itself."""
    from rest_framework.views import APIView

    api_views = 0
    for pattern in _patterns(get_resolver().url_patterns):
        callback = pattern.callback
        if issubclass(getattr(callback, "cls", object), APIView):
            assert not getattr(callback, "atomic_unless_safe", False), pattern.lookup_str
            api_views += 1
            continue
        assert DEFAULT_DB_ALIAS in getattr(callback, "_non_atomic_requests", set()), pattern.lookup_str
        if getattr(callback, "atomic_unless_safe", False):  # wrapped once, not once per include
            assert not getattr(callback.__wrapped__, "atomic_unless_safe", False), pattern.lookup_str
    assert api_views > 0


def test_an_api_error_rolls_back_only_its_own_request(city, login):
    """A 404 from the API (DRF marks the request's atomic block for rollback) leaves the next request working."""
    client = login(city.admin)
    assert client.get("/api/organisations/999999999/").status_code == 404
    assert client.get(f"/api/organisations/{city.branch_a.pk}/").status_code == 200


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_page_opens_no_transaction_and_a_form_post_does(city, login):
    client = login(city.admin)
    wrapper = type(connections[DEFAULT_DB_ALIAS])
    with mock.patch.object(wrapper, "set_autocommit", autospec=True, side_effect=wrapper.set_autocommit) as autocommit:
        assert client.get(reverse("members:member_detail", args=[city.member.pk])).status_code == 200
        assert not any(call.args[1] is False for call in autocommit.call_args_list)
        client.post(reverse("members:member_edit", args=[city.member.pk]), {})
        assert any(call.args[1] is False for call in autocommit.call_args_list)
