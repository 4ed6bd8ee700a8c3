"""POSTs of the exchange app for every persona (the URL matrix covers GETs), and the scope of what each sees."""

import pytest
from django.urls import reverse

from exchange.models import ImportJob
from tests.exchange.access_exchange import LOGIN, POST_MATRIX, secretary_job

CASES = [(name, persona) for name, (_, expected) in POST_MATRIX.items() for persona in expected]


@pytest.mark.parametrize(("name", "persona"), CASES, ids=[f"{n}-{p}" for n, p in CASES])
def test_each_persona_gets_exactly_what_it_should_on_post(city, client, name, persona):
    kwargs_for, statuses = POST_MATRIX[name]
    user = {"anonymous": None, "outsider": city.outsider, "member": city.member_user, "secretary": city.secretary,
            "other_secretary": city.other_secretary, "admin": city.admin}[persona]
    url = reverse(name, kwargs=kwargs_for(city))
    if user is not None:
        client.force_login(user)
    response = client.post(url, {"kind": "roster"})
    expected = statuses[persona]
    if expected == LOGIN:
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == expected


def test_a_secretary_lists_only_their_own_imports(city, login):
    secretary_job(city)
    page = login(city.other_secretary).get(reverse("exchange:index")).content.decode()
    assert "名册.xlsx" not in page
    page = login(city.secretary).get(reverse("exchange:index")).content.decode()
    assert "名册.xlsx" in page and "党组织及所在单位" not in page  # the admin-only kind is not offered


def test_a_secretary_cannot_download_the_organisations_template(city, login):
    assert login(city.secretary).get(reverse("exchange:template", args=["organisations"])).status_code == 403
    assert login(city.admin).get(reverse("exchange:template", args=["organisations"])).status_code == 200
    assert login(city.admin).get(reverse("exchange:template", args=["nonsense"])).status_code == 404


def test_the_import_pages_cost_the_same_number_of_queries_with_more_imports(city, login,
                                                                           django_assert_max_num_queries):
    client = login(city.secretary)
    secretary_job(city)
    with django_assert_max_num_queries(14):
        client.get(reverse("exchange:index"))
    for _ in range(15):
        secretary_job(city)
    assert ImportJob.objects.count() == 16
    with django_assert_max_num_queries(14):
        client.get(reverse("exchange:index"))
