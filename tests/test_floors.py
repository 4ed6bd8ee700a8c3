"""The apps stand on floors, and imports only go down (README, "Project layout").

Read as a test, not a lint rule: every project app's source is parsed with `ast` and each import of another
project app is checked against the floors below. It fails on
- an import that goes up a floor (e.g. `branches` importing `activities`, `rules` importing `branches`);
- two apps importing each other, on any floor (feature apps are one floor, so between two of them only one
  direction is allowed).
Imports inside functions count too: a lazy import is still a dependency.
"""

import ast
from collections import defaultdict
from pathlib import Path

import pytest

BASE = Path(__file__).resolve().parent.parent

# The ground floors, lowest first. Any app not named here is a feature app (activities, oversight, honours,
# community, development, dues, appraisals, exchange, and whatever comes next) and stands on FEATURE_FLOOR.
GROUND = {
    "core": 0,
    "accounts": 1,
    "audit": 1,
    "rules": 2,
    "branches": 3,
    "members": 4,
    # Features register their reminder rules, digest lines and exporters with these two; they import no feature.
    "notifications": 5,
    "reports": 5,
}
FEATURE_FLOOR = 6
# May import every app: the demo city fills them all; config wires them; the JSON API reads every feature through
# its own access rules and selectors (it is an outside view of the whole platform, like the pages); the yearly
# party-building report (and the roster report) draw on every feature and register with reports.
TOP = {"demo": 7, "config": 7, "api": 7, "yearly": 7}

# Known violations being removed on another branch. Each entry names who removes it; delete the entry when
# that lands (the test fails on an entry that is no longer needed, so the list can only shrink).
KNOWN_VIOLATIONS: set[tuple[str, str]] = set()


def _apps() -> set[str]:
    return {path.parent.name for path in BASE.glob("*/apps.py")} | {"config"}


def floor(app: str) -> int:
    return GROUND.get(app, TOP.get(app, FEATURE_FLOOR))


def _imports() -> tuple[dict[tuple[str, str], set[str]], dict[tuple[str, str], set[str]]]:
    """(importing app, imported app) → the files where it happens; and (importing app, imported module) → files."""
    apps = _apps()
    edges: dict[tuple[str, str], set[str]] = defaultdict(set)
    modules_used: dict[tuple[str, str], set[str]] = defaultdict(set)
    for app in apps:
        for source in (BASE / app).rglob("*.py"):
            if "migrations" in source.parts:
                continue
            tree = ast.parse(source.read_text(encoding="utf-8"), filename=str(source))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules = [node.module]
                else:
                    continue
                for module in modules:
                    target = module.split(".")[0]
                    if target in apps and target != app:
                        edges[(app, target)].add(str(source.relative_to(BASE)))
                        modules_used[(app, module)].add(str(source.relative_to(BASE)))
    return edges, modules_used


EDGES, MODULES_USED = _imports()
# What one feature app may take from another: its models and its vocabularies, never its helpers (shared helpers
# belong in core).
FEATURE_TO_FEATURE = ("models", "choices")


def _describe(pairs) -> str:
    return "\n".join(f"  {a} → {b}: {', '.join(sorted(EDGES[(a, b)]))}" for a, b in sorted(pairs))


def test_every_app_has_a_floor():
    apps = _apps()
    assert {"core", "branches", "members", "activities", "demo", "config"} <= apps
    assert all(floor(app) == FEATURE_FLOOR for app in apps - set(GROUND) - set(TOP))


def test_no_app_imports_from_a_higher_floor():
    upward = {(a, b) for (a, b) in EDGES if floor(b) > floor(a)} - KNOWN_VIOLATIONS
    assert not upward, "imports that go up a floor:\n" + _describe(upward)


def test_no_two_apps_import_each_other():
    pairs = {tuple(sorted((a, b))) for (a, b) in EDGES if (b, a) in EDGES}
    pairs = {pair for pair in pairs
             if pair not in KNOWN_VIOLATIONS and pair[::-1] not in KNOWN_VIOLATIONS}
    assert not pairs, "apps that import each other:\n" + _describe(
        {(a, b) for a, b in pairs} | {(b, a) for a, b in pairs})


def test_the_ground_floors_import_no_feature_app():
    """The access module and the other ground apps never reach up into a feature."""
    reaching = {(a, b) for (a, b) in EDGES
                if floor(a) < FEATURE_FLOOR and floor(b) == FEATURE_FLOOR} - KNOWN_VIOLATIONS
    assert not reaching, "ground apps importing a feature app:\n" + _describe(reaching)


def test_a_feature_takes_only_models_and_choices_from_another_feature():
    helpers = {(app, module): files for (app, module), files in MODULES_USED.items()
               if floor(app) == FEATURE_FLOOR and floor(module.split(".")[0]) == FEATURE_FLOOR
               and module.split(".", 1)[-1] not in FEATURE_TO_FEATURE}
    assert not helpers, "feature apps using another feature's helpers:\n" + "\n".join(
        f"  {app} → {module}: {', '.join(sorted(files))}" for (app, module), files in sorted(helpers.items()))


@pytest.mark.parametrize("pair", sorted(KNOWN_VIOLATIONS))
def test_each_known_violation_still_exists(pair):
    """Remove an entry from KNOWN_VIOLATIONS once its import is gone, so the list only shrinks."""
    assert pair in EDGES, f"{pair[0]} no longer imports {pair[1]}: remove it from KNOWN_VIOLATIONS"
