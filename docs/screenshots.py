"""Refresh the README's screenshots: every role's main pages, taken in Debian's Chromium with Playwright.

Run against a server with the demo city (`make run` in another terminal, or any running instance):

    .venv/bin/python docs/screenshots.py                # http://127.0.0.1:8000
    .venv/bin/python docs/screenshots.py --base-url http://127.0.0.1:8001

It logs in as the demo accounts (password demo-password-123) and writes docs/screenshots/<role>-<page>.png.
"""

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parent / "screenshots"
PASSWORD = "demo-password-123"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]

# (role, account, [(file name, path)]) — the pages a new user of each role sees first.
PAGES = [
    ("secretary", "secretary", [("home", "/"), ("activities", "/activities/"), ("members", "/members/"),
                                ("development", "/development/"), ("transfers", "/members/transfers/"),
                                ("dues", "/dues/"), ("import", "/exchange/")]),
    ("admin", "admin", [("home", "/"), ("matrix", "/oversight/matrix/"), ("organisations", "/organisations/"),
                        ("reviews", "/oversight/reviews/"), ("reports", "/reports/"),
                        ("calendar", "/activities/calendar/")]),
    ("member", "member", [("home", "/"), ("calendar", "/activities/calendar/"), ("help", "/help/")]),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    options = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=options.chromium, args=ARGS, headless=True)
        page = browser.new_page(base_url=options.base_url, viewport={"width": 1280, "height": 900},
                                locale="zh-CN", timezone_id="Asia/Shanghai")
        page.goto("/accounts/login/")
        page.screenshot(path=str(OUT / "login.png"))
        for role, username, pages in PAGES:
            page.context.clear_cookies()
            page.goto("/accounts/login/")
            page.fill("input[name=login]", username)
            page.fill("input[name=password]", PASSWORD)
            with page.expect_navigation():
                page.get_by_role("button", name="登录").click()
            for name, path in pages:
                response = page.goto(path)
                if response is None or response.status != 200:
                    print(f"skipped {role} {path}: HTTP {response and response.status}")
                    continue
                page.wait_for_load_state("networkidle")
                target = OUT / f"{role}-{name}.png"
                page.screenshot(path=str(target), full_page=False)
                print(f"wrote {target.relative_to(OUT.parent.parent)}")
        browser.close()


if __name__ == "__main__":
    main()
