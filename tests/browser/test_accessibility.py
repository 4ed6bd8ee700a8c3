"""axe-core (WCAG 2.1 A/AA) over every page shape each role reaches, on a desktop and a phone.

The page shapes are the URL access matrix's: every URL a persona gets 200 for is opened in Chromium as that
persona, axe-core (from the npm registry, node_modules/axe-core) is injected by Playwright and run at both
viewports. Any serious or critical violation fails, naming the page, the rule and the elements."""

import json
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from tests.browser.conftest import DESKTOP, PHONE
from tests.test_url_access import MATRIX, OK

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = {"serious", "critical"}
PERSONAS = ("admin", "secretary", "member")
RUN_AXE = """async () => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                                          resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                      targets: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
}"""


# Swagger UI (drf-spectacular-sidecar) is the integrators' developer tool, third-party markup we do not render;
# every page of the platform itself is checked.
NOT_OURS = {"api:docs"}


def _pages_for(persona: str) -> list[str]:
    return sorted(name for name, (_, statuses) in MATRIX.items()
                  if statuses.get(persona) == OK and name not in NOT_OURS)


def _violations(page) -> list[dict]:
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return [v for v in page.evaluate(RUN_AXE) if v["impact"] in SERIOUS]


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_a_role_reaches_has_no_serious_accessibility_violation(city, browser, live_server, persona):
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make install` (npm ci) first")
    user = {"admin": city.admin, "secretary": city.secretary, "member": city.member_user}[persona]
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP, locale="zh-CN",
                                  timezone_id="Asia/Shanghai")
    context.set_default_timeout(15_000)
    # A session cookie from Django's test client: the login form itself is checked under "anonymous" below.
    from django.test import Client

    client = Client()
    client.force_login(user)
    session = client.cookies["sessionid"]
    context.add_cookies([{"name": "sessionid", "value": session.value, "url": live_server.url}])
    page = context.new_page()
    found, checked = {}, 0
    try:
        for name in _pages_for(persona):
            kwargs_for, _ = MATRIX[name]
            try:
                # Each row builds its own objects; two rows may want the same one-per-year record: skip the second.
                with transaction.atomic():
                    url = reverse(name, kwargs=kwargs_for(city))
            except IntegrityError:
                continue
            probe = page.request.get(url, max_redirects=0)
            if probe.status != 200:
                found[url] = [{"id": "status", "impact": "critical", "help": f"HTTP {probe.status}", "targets": []}]
                continue
            if "text/html" not in (probe.headers.get("content-type") or "") or "attachment" in (
                    probe.headers.get("content-disposition") or ""):
                continue  # files, feeds and JSON have no page to check
            if "<html" not in probe.text()[:500]:
                continue  # an htmx fragment: checked inside the page that shows it
            page.goto(url)
            checked += 1
            for viewport, size in (("desktop", DESKTOP), ("phone", PHONE)):
                page.set_viewport_size(size)
                problems = _violations(page)
                if problems:
                    found[f"{url} ({viewport})"] = problems
            page.set_viewport_size(DESKTOP)
    finally:
        context.close()
    assert checked > 5, f"only {checked} pages checked for {persona}"
    assert not found, f"{persona}: serious/critical axe violations:\n" + json.dumps(found, ensure_ascii=False,
                                                                                       indent=1)


def test_the_login_page_has_no_serious_accessibility_violation(page):
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        page.goto("/accounts/login/")
        assert _violations(page) == []
