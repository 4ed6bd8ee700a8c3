"""Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

No `playwright install`: the browser is the system's /usr/bin/chromium. Without it the
browser tests skip on a workstation and fail on CI, where a silent skip would hide them.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


class _Chromium:
    """Playwright and its browser, started by the first browser test and stopped after the last one.

    Playwright's sync API keeps an asyncio event loop running in the test thread, so while it runs
    Django's async-safety guard would refuse the (synchronous) ORM calls of tests and fixtures:
    DJANGO_ALLOW_ASYNC_UNSAFE is set for exactly that time. It must not outlive Playwright: tests that
    run later start `manage.py check --deploy` in a subprocess, which inherits the environment and
    rejects the variable (async.E001).
    """

    def __init__(self):
        self.playwright = None
        self.browser = None
        self._saved = None

    def start(self):
        from playwright.sync_api import sync_playwright

        self._saved = os.environ.get(ASYNC_UNSAFE)
        os.environ[ASYNC_UNSAFE] = "true"
        self.playwright = sync_playwright().start()
        self.browser = self.playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                                       headless=True)
        return self.browser

    def stop(self):
        if self.playwright is None:
            return
        try:
            self.browser.close()
            self.playwright.stop()
        finally:
            self.playwright = self.browser = None
            if self._saved is None:
                os.environ.pop(ASYNC_UNSAFE, None)
            else:
                os.environ[ASYNC_UNSAFE] = self._saved


_chromium = _Chromium()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: apt-get install -y chromium fonts-noto-cjk"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    yield _chromium.browser or _chromium.start()
    _chromium.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    # Once the last test that uses the browser has been torn down (its database flush included),
    # stop Playwright instead of waiting for the end of the session, when other tests still run.
    try:
        return (yield)
    finally:
        # Even when the teardown failed (a logged error), Playwright must not outlive the last browser test.
        if item is _last_browser_item(item.session):
            _chromium.stop()


def _last_browser_item(session):
    if not hasattr(session, "_last_browser_item"):
        users = [i for i in session.items if "browser" in getattr(i, "fixturenames", ())]
        session._last_browser_item = users[-1] if users else None
    return session._last_browser_item


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The live server runs in this process and shares its cache: without a clean one, login
    rate limits filled by earlier tests (the same 127.0.0.1 address) would refuse our logins."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def _new_page(browser, live_server, viewport):
    context = browser.new_context(base_url=live_server.url, viewport=viewport, locale="zh-CN",
                                  timezone_id="Asia/Shanghai")
    context.set_default_timeout(15_000)
    return context, context.new_page()


@pytest.fixture
def page(browser, live_server):
    context, page = _new_page(browser, live_server, DESKTOP)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    context, page = _new_page(browser, live_server, PHONE)
    yield page
    context.close()


@pytest.fixture
def log_in():
    """Sign in through the real login form, as a user would."""
    from tests.factories import PASSWORD

    def _log_in(page, user, password=PASSWORD):
        page.goto("/accounts/login/")
        page.fill("input[name=login]", user.username)
        page.fill("input[name=password]", password)
        with page.expect_navigation():
            page.get_by_role("button", name="登录").click()
        if "/accounts/login/" in page.url:
            alerts = page.locator("[role=alert]").all_inner_texts()
            pytest.fail(f"{user.username} could not log in: {alerts or page.inner_text('main')}")
        return page

    return _log_in


@pytest.fixture
def screenshot(request):
    """Save a full-page screenshot to test-artifacts/<test name>[-<suffix>].png."""

    def _screenshot(page, suffix: str = "") -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        name = request.node.name + (f"-{suffix}" if suffix else "")
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _screenshot
