"""The OpenAPI 3 schema and the docs pages, served from local static files (no CDN)."""

from django.urls import reverse


def test_the_schema_is_openapi_3_and_describes_every_endpoint(city, client):
    client.force_login(city.secretary)
    response = client.get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/organisations/", "/api/organisations/{id}/", "/api/members/", "/api/members/{id}/",
            "/api/activities/", "/api/activities/{id}/", "/api/activities/{id}/attendance/",
            "/api/compliance/"} == set(schema["paths"])
    assert schema["components"]["securitySchemes"]["apiToken"] == {
        "type": "http", "scheme": "bearer", "description": "管理员在后台签发的接口令牌（以 jg_ 开头）。"}
    assert set(schema["paths"]["/api/activities/{id}/attendance/"]) == {"post"}


def test_the_docs_page_loads_its_assets_from_our_own_static_files(city, client):
    from django.contrib.staticfiles import finders

    client.force_login(city.member_user)
    page = client.get(reverse("api:docs")).content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "https://" not in page and "http://" not in page and "cdn" not in page.lower()
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")


def test_the_docs_page_sends_an_anonymous_visitor_to_log_in(client):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_schema_is_generated_once_and_then_served_as_it_was(city, client, monkeypatch):
    from drf_spectacular.generators import SchemaGenerator

    from api.views import SchemaView

    monkeypatch.setattr(SchemaView, "_generated", {})
    client.force_login(city.secretary)
    first = client.get(reverse("api:schema"), {"format": "json"}).json()
    monkeypatch.setattr(SchemaGenerator, "get_schema", lambda *args, **kwargs: (_ for _ in ()).throw(
        AssertionError("generated again")))
    client.force_login(city.member_user)
    assert client.get(reverse("api:schema"), {"format": "json"}).json() == first
