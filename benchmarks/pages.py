"""Every page shape the demo roles reach, under a real HTTP load, beside the `/healthz` floor.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jiguan_bench .venv/bin/python benchmarks/pages.py
    … benchmarks/pages.py --roles admin --only matrix,activities --seconds 2

What it does, against the database DATABASE_URL names (seeded with `seed_demo`):
1. logs in as each demo role (admin, secretary, member) with Django's test client and walks the URL resolver;
   a pattern with parameters gets one representative object (the role's own first, then any) — the first
   candidate that answers 200 to a GET is the page's shape; POST-only views, redirects and downloads drop out;
2. per page, with the test client: query count and SQL time (CaptureQueriesContext, second of two requests);
3. starts gunicorn (2 workers, loopback only) on the same database and loads each page with `wrk`
   (`apt-get install wrk`; 4 connections, `--seconds` each, the whole role bounded by `--budget`), `/healthz`
   first and last: p50, p99, requests/s and the share of the floor's requests/s.
The iCal feed is loaded twice: plain (200) and with the ETag it answered (304). The API's rate limit is lifted for
the run (API_READ_RATE), so API pages are measured, not their 429 answers.
Numbers are for reading (benchmarks/README.md records them); tests assert query counts, not seconds.
"""

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# The API's rate limit (1,000 reads an hour per user) would turn a load run into a measure of 429 answers, and
# what one run used would drop the API from the next run's discovery: lifted here and for gunicorn.
os.environ.setdefault("API_READ_RATE", "100000000/hour")

import django

django.setup()

import logging

# Discovery asks for pages a role may not open (403/404/405): those are expected, not worth a traceback.
logging.getLogger("django.request").setLevel(logging.CRITICAL)

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

ROLES = ["admin", "secretary", "member"]
SKIP_NAMESPACES = {"admin"}
# Not pages: sign-in machinery, files, writes reached by GET, and views that only redirect.
SKIP_NAME = re.compile(r"^(account_|mfa_|admin_login)|delete|reset|logout|read_all|_open$|_file$|_photo$|"
                       r"thumbnail|download|export|checkin$|checkin_guest|_ics$|evidence$|certificate")
# Parameters the URL name does not explain: which model a pk (or org_pk …) belongs to.
MODEL_FOR = {
    "honours:red_flag": "branches.Organisation",
    "honours:star_ratings": "branches.Organisation",
    "notifications:webhook_list": "branches.Organisation",
    "notifications:webhook_create": "branches.Organisation",
    "notifications:webhook_edit": "notifications.WebhookEndpoint",
    "community:donation_create": "community.Campaign",
    "community:temporary_branch_create": "community.Campaign",
    "community:project_add": "community.CoBuildingAgreement",
    "community:agreement_scan": "community.CoBuildingAgreement",
    "community:service_create": "community.CommunityReport",
    "community:report_confirm": "community.CommunityReport",
    "oversight:review_detail": "oversight.StandardisationReview",
    "oversight:duty_report": "oversight.DutyAssignment",
    "honours:red_flag_confirm": "honours.RedFlagApplication",
    "honours:star_rating_confirm": "honours.StarRating",
    "reports:report_detail": "reports.Report",
    "reports:report_progress": "reports.Report",
}
ORG_PARAMS = {"org_pk", "organisation_pk"}
CANDIDATES = 4


@dataclass
class Page:
    role: str
    name: str
    url: str
    queries: int = 0
    sql_ms: float = 0.0
    alone_ms: float = 0.0
    size: int = 0
    headers: dict = field(default_factory=dict)
    load: dict = field(default_factory=dict)


def walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace + (p.namespace + ":" if p.namespace else "")
            yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern) and p.name:
            yield namespace + p.name, p


def model_for(name: str, param: str):
    if param in ORG_PARAMS:
        return apps.get_model("branches.Organisation")
    if name in MODEL_FOR:
        return apps.get_model(MODEL_FOR[name])
    words = name.split(":")[-1].split("_")
    for n in range(len(words) - 1, 0, -1):
        wanted = "".join(words[:n])
        for model in apps.get_models():
            if model._meta.model_name == wanted:
                return model
    return None


def own_first(model, user, organisation_path: str | None):
    """A few pks of the model, those of the role's own organisation first."""
    manager = model._default_manager
    pks = []
    if organisation_path:
        field_names = {f.name for f in model._meta.get_fields()}
        if model._meta.model_name == "organisation":
            pks += list(manager.filter(path__startswith=organisation_path).order_by("-depth", "pk")
                        .values_list("pk", flat=True)[:CANDIDATES])
        elif "organisation" in field_names:
            pks += list(manager.filter(organisation__path__startswith=organisation_path).order_by("-pk")
                        .values_list("pk", flat=True)[:CANDIDATES])
    if "user" in {f.name for f in model._meta.get_fields()}:
        pks += list(manager.filter(user=user).order_by("-pk").values_list("pk", flat=True)[:CANDIDATES])
    pks += list(manager.order_by("-pk").values_list("pk", flat=True)[:CANDIDATES])
    return list(dict.fromkeys(pks))


def role_organisation_path(user) -> str | None:
    from branches import access

    paths = access.managed_paths(user)
    if paths:
        return paths[0]
    member = access.own_member(user)
    return member.organisation.path if member else None


def kwargs_candidates(name: str, pattern: URLPattern, user, path: str | None):
    params = list(pattern.pattern.converters)
    if not params:
        yield {}
        return
    today = timezone.localdate()
    fixed = {"year": today.year, "month": today.month}
    if name == "activities:calendar_feed":
        from activities.ical import calendar_feed_for

        yield {"token": calendar_feed_for(user=user).token}
        return
    pk_params = [p for p in params if p not in fixed]
    if len(pk_params) != 1:
        return
    model = model_for(name, pk_params[0])
    if model is None:
        return
    for pk in own_first(model, user, path):
        yield {**{p: fixed[p] for p in params if p in fixed}, pk_params[0]: pk}


def measure(client, url, **headers):
    client.get(url, **headers)  # warm: first-use caches
    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        response = client.get(url, **headers)
        alone = time.perf_counter() - started
    sql = sum(float(q["time"]) for q in ctx.captured_queries)
    return response, len(ctx.captured_queries), sql * 1000, alone * 1000


def discover(role: str, only: list[str]) -> tuple[list[Page], str]:
    user = get_user_model().objects.get(username=role)
    client = Client()
    client.force_login(user)
    path = role_organisation_path(user)
    pages = []
    for name, pattern in walk(get_resolver().url_patterns):
        if name.split(":")[0] in SKIP_NAMESPACES or SKIP_NAME.search(name.split(":")[-1]):
            continue
        if only and not any(o in name for o in only):
            continue
        for kwargs in kwargs_candidates(name, pattern, user, path):
            try:
                url = reverse(name, kwargs=kwargs)
            except NoReverseMatch:  # a parameter that is not an object's pk (a REST route's own converter)
                break
            response, queries, sql, alone = measure(client, url)
            if response.status_code != 200 or response.get("Content-Disposition", "").startswith("attachment"):
                continue
            page = Page(role, name, url, queries, sql, alone, len(response.content))
            pages.append(page)
            print(f"  {role} {name}: {queries} queries, {sql:.0f} ms SQL, {alone:.0f} ms, "
                  f"{len(response.content) // 1024} KiB", file=sys.stderr, flush=True)
            if name == "activities:calendar_feed":
                etag = response["ETag"]
                response, queries, sql, alone = measure(client, url, HTTP_IF_NONE_MATCH=etag)
                if response.status_code == 304:
                    pages.append(Page(role, name + " (304)", url, queries, sql, alone, 0,
                                      {"If-None-Match": etag}))
            break
    # What a signed-in browser sends: its session and the CSRF cookie its first form gave it (a page that keeps
    # markup with the viewer's CSRF token keys it by that secret: without the cookie every load is a new browser).
    client.get(reverse("help"))
    return pages, "; ".join(f"{name}={morsel.value}" for name, morsel in sorted(client.cookies.items())
                            if name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME))


# --- load ---------------------------------------------------------------------------------------------------

WRK_LATENCY = re.compile(r"^\s+(50|99)(?:\.000)?%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
WRK_RATE = re.compile(r"Requests/sec:\s+([\d.]+)")
WRK_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def warm(url: str, *, cookie: str | None, headers: dict, times: int = 4) -> None:
    """A few requests first, so both workers have loaded the view, its templates and their caches."""
    request_headers = dict(headers)
    if cookie:
        request_headers["Cookie"] = cookie
    for _ in range(times):
        try:
            urllib.request.urlopen(urllib.request.Request(url, headers=request_headers), timeout=60).read()
        except OSError:
            pass  # a 304 raises here; the load run reports errors


def wrk(url: str, *, seconds: float, connections: int, cookie: str | None, headers: dict) -> dict:
    warm(url, cookie=cookie, headers=headers)
    command = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency", "--timeout", "10s"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    for key, value in headers.items():
        command += ["-H", f"{key}: {value}"]
    result = subprocess.run(command + [url], capture_output=True, text=True, timeout=seconds + 30, check=False)
    output = result.stdout
    if "Requests/sec" not in output:
        print(f"wrk failed on {url}: {result.stdout[-300:]} {result.stderr[-300:]}", file=sys.stderr)
    latency = {k: float(v) * UNIT[u] for k, v, u in WRK_LATENCY.findall(output)}
    rate = WRK_RATE.search(output)
    errors = WRK_NON_2XX.search(output)
    return {"p50": latency.get("50"), "p99": latency.get("99"), "rps": float(rate.group(1)) if rate else 0.0,
            "errors": int(errors.group(1)) if errors else 0}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port: int) -> subprocess.Popen:
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    process = subprocess.Popen(
        [gunicorn, "config.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT, env={**os.environ, "DEBUG": "false"}, start_new_session=True)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return process
        except OSError:
            time.sleep(0.2)
    stop(process)
    raise SystemExit("gunicorn did not start")


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=20)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--roles", default=",".join(ROLES))
    parser.add_argument("--only", default="", help="comma-separated parts of URL names (e.g. matrix,activity_list)")
    parser.add_argument("--seconds", type=float, default=2.0, help="load per page (wrk rounds to whole seconds)")
    parser.add_argument("--budget", type=float, default=40.0, help="most seconds of load per role")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--no-load", action="store_true", help="query counts and single-request times only")
    args = parser.parse_args()
    only = [o for o in args.only.split(",") if o]
    if not args.no_load and not shutil.which("wrk"):
        raise SystemExit("wrk is needed for the load (apt-get install wrk), or run with --no-load")

    from branches.models import Organisation
    from members.models import Member

    print(f"{Organisation.objects.count()} organisations, {Member.objects.count()} members, "
          f"{connection.vendor} {connection.settings_dict.get('NAME')}")
    found = {role: discover(role, only) for role in args.roles.split(",")}
    process = None if args.no_load else start_gunicorn(port := free_port())
    try:
        for role, (pages, cookie) in found.items():
            print(f"\n== {role}: {len(pages)} pages")
            floor = None
            if process:
                seconds = max(2.0, min(args.seconds, args.budget / (len(pages) + 2)))
                base = f"http://127.0.0.1:{port}"
                first = wrk(base + "/healthz", seconds=seconds, connections=args.connections, cookie=None,
                            headers={})
                for page in pages:
                    page.load = wrk(base + page.url, seconds=seconds, connections=args.connections, cookie=cookie,
                                    headers=page.headers)
                last = wrk(base + "/healthz", seconds=seconds, connections=args.connections, cookie=None,
                           headers={})
                floor = (first["rps"] + last["rps"]) / 2
                print(f"floor /healthz: {first['rps']:.0f} and {last['rps']:.0f} req/s (p50 {first['p50']} ms)")
            print(f"{'page':<44} {'queries':>7} {'sql ms':>7} {'alone':>7} {'KiB':>6} {'p50 ms':>7} {'p99 ms':>7} "
                  f"{'req/s':>7} {'floor':>6}")
            shares = []
            for page in pages:
                load = page.load
                share = load["rps"] / floor if floor and load else None
                if share is not None:
                    shares.append(share)
                fmt = lambda v, f: format(v, f) if v is not None else "-"
                print(f"{page.name:<44} {page.queries:>7} {page.sql_ms:>7.1f} {page.alone_ms:>7.1f} "
                      f"{page.size / 1024:>6.0f} {fmt(load.get('p50'), '7.1f'):>7} {fmt(load.get('p99'), '7.1f'):>7} "
                      f"{fmt(load.get('rps'), '7.0f'):>7} {fmt(share, '6.3f'):>6}"
                      + (f"  ({load['errors']} non-2xx)" if load.get("errors") else ""))
            if shares:
                print(f"median share of the floor: {statistics.median(shares):.3f}; lowest {min(shares):.3f}")
    finally:
        if process:
            stop(process)


if __name__ == "__main__":
    main()
