"""The cached compliance matrix is the matrix: after every kind of change it equals a fresh count."""

import datetime as dt

import pytest
from django.utils import timezone
from freezegun import freeze_time

from activities import services
from activities.choices import ActivityKind
from branches.models import Organisation
from oversight import compliance
from tests.factories import ActivityFactory

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def at(year, month, day, hour=15):
    return dt.datetime(year, month, day, hour, tzinfo=SHANGHAI)


def cells(matrix):
    return [(row.pk, [(c.state, c.required, c.held) for c in row.cells]) for row in matrix.rows]


def assert_cache_equals_recount(today):
    organisations = Organisation.objects.active()
    cached = compliance.cached_matrix_for(organisations=organisations, year=today.year, today=today)
    fresh = compliance.matrix_for(organisations=organisations, year=today.year, today=today)
    assert cells(cached) == cells(fresh)
    assert (cached.required, cached.held) == (fresh.required, fresh.held)


@freeze_time("2026-07-20 10:00:00")
def test_the_cached_matrix_follows_creating_moving_cancelling_recording_and_deleting(city, admin_actions):
    today = timezone.localdate()
    assert_cache_equals_recount(today)
    meeting = admin_actions.create(city.branch_a, ActivityKind.GENERAL_MEETING, at(2026, 3, 30))
    assert_cache_equals_recount(today)
    admin_actions.record(meeting, at(2026, 3, 30))  # held at the quarter's end: fills Q1
    assert_cache_equals_recount(today)
    admin_actions.move(meeting, at(2026, 4, 2))  # actual start moved over the quarter boundary: Q2 instead
    assert_cache_equals_recount(today)
    joint = admin_actions.create(city.branch_a, ActivityKind.PARTY_LESSON, at(2026, 5, 12))
    joint.joint_organisations.add(city.org_b)
    admin_actions.record(joint, at(2026, 5, 12))
    assert_cache_equals_recount(today)
    joint.joint_organisations.remove(city.org_b)
    assert_cache_equals_recount(today)
    lesson = admin_actions.create(city.org_b, ActivityKind.THEMED_DAY, at(2026, 7, 15))
    admin_actions.cancel(lesson)
    assert_cache_equals_recount(today)
    meeting.delete()
    assert_cache_equals_recount(today)


@pytest.fixture
def admin_actions(city):
    class Actions:
        def create(self, organisation, kind, start):
            return ActivityFactory(organisation=organisation, kind=kind, theme="", planned_start=start,
                                   planned_end=start + dt.timedelta(hours=2))

        def record(self, activity, start):
            activity.status = "HELD"
            activity.actual_start, activity.actual_end = start, start + dt.timedelta(hours=2)
            activity.save()

        def move(self, activity, start):
            activity.actual_start, activity.actual_end = start, start + dt.timedelta(hours=2)
            activity.save()

        def cancel(self, activity):
            services.activity_cancel(activity=activity, by=city.admin, reason="改期")

    return Actions()


def test_equal_counts_in_a_matrix_are_one_object_so_a_cached_matrix_reads_back_quickly(city):
    """Thousands of cells at city scale: each distinct list of counts is pickled and read back once."""
    from branches.models import Organisation
    from oversight.compliance import matrix_for

    matrix = matrix_for(organisations=Organisation.objects.all(), year=2025, today=dt.date(2025, 11, 30))
    lists = [cell.kinds for row in matrix.organisation_rows for cell in row.cells if cell.kinds]
    counts = [count for kinds in lists for count in kinds]
    assert len(lists) > len(set(lists))  # the same counts recur (months, organisations alike)
    assert len({id(kinds) for kinds in lists}) == len(set(lists))
    assert len({id(count) for count in counts}) == len(set(counts))


def test_the_index_cuts_its_groups_once_and_the_same_way_it_would_on_reading(city):
    """Groups: the working committee alone on every page, then each top organisation with its subtree. An index
    cached before the layout was kept (layout None) groups alike."""
    import pickle

    from tests.factories import OrganisationFactory

    OrganisationFactory(parent=city.branch_a, name="甲局第一党支部下的小组")
    index = pickle.loads(pickle.dumps(compliance.cached_matrix_index(
        organisations=Organisation.objects.active(), year=2026, today=dt.date(2026, 7, 20))))
    common, groups = index.groups()
    assert [row.pk for row in common] == [city.root.pk]
    by_top = {group[0].pk: [row.pk for row in group] for group in groups}
    assert set(by_top) == {city.org_a.pk, city.org_b.pk}
    assert set(by_top[city.org_a.pk]) >= {city.org_a.pk, city.branch_a.pk}
    assert len(groups[0:5]) == len(groups) == 2 and groups[-1] == groups[1]
    every = [row for group in groups for row in group]
    assert [row.pk for row in common + every] == [row.pk for row in index.index_rows]

    unlaid = compliance.MatrixIndex(index.rows, index.kinds, index.required, index.held)
    assert unlaid.groups()[0] == common and list(unlaid.groups()[1]) == list(groups)


def test_the_index_keeps_its_rows_as_columns_and_gives_back_the_same_rows(city):
    """IndexRows pickles a few arrays and strings, not a tuple per row; every way of reading it gives the rows the
    index was made from."""
    import pickle

    rows = [(city.root.pk, "市直机关工委", "WORKING_COMMITTEE", 0, True, ""),
            (city.org_a.pk, "甲局机关党总支", "GENERAL_BRANCH", 1, False, "g..a.M"),
            (city.branch_a.pk, "甲局第一党支部", "BRANCH", 2, False, "rMN.gDD"),
            (city.org_b.pk, "", "BRANCH", 1, False, "")]
    packed = pickle.loads(pickle.dumps(compliance.IndexRows(rows)))
    assert isinstance(packed, compliance.IndexRows)
    assert b"GENERAL_BRANCH" in pickle.dumps(packed) and pickle.dumps(packed).count(b"BRANCH") == 2  # once per kind
    assert len(packed) == 4 and list(packed) == rows and packed[1:3] == tuple(rows[1:3])
    assert packed[-1] == rows[-1] and packed[0] == rows[0] and packed[::2] == tuple(rows[::2])
    with pytest.raises(IndexError):
        packed[4]
    index = compliance.MatrixIndex(packed, ("THEMED_DAY",), 0, 0)
    assert index.organisation_pks() == [city.org_a.pk, city.branch_a.pk, city.org_b.pk]
    assert compliance.MatrixIndex(tuple(rows), ("THEMED_DAY",), 0, 0).organisation_pks() == index.organisation_pks()
    built = compliance.cached_matrix_index(organisations=Organisation.objects.active(), year=2026,
                                           today=dt.date(2026, 7, 20))
    assert isinstance(built.rows, compliance.IndexRows) and [row.pk for row in built.index_rows][0] == city.root.pk


def test_the_plain_matrix_page_reads_the_outline_and_a_filter_the_months(city, login, monkeypatch):
    """The outline is the index without its months, kept under the same version: the plain page reads only it
    (a province's index is 2.6 MB), a filter reads the months; both follow a change at once."""
    from django.urls import reverse

    from tests.factories import OrganisationFactory

    today = timezone.localdate()
    scope = Organisation.objects.active()
    index = compliance.cached_matrix_index(organisations=scope, year=today.year, today=today)
    outline = compliance.cached_matrix_outline(organisations=scope, year=today.year, today=today)
    assert [row[:5] for row in outline.rows] == [row[:5] for row in index.rows]
    assert {row[5] for row in outline.rows} == {""} and any(row[5] for row in index.rows)
    assert (outline.required, outline.held, outline.layout) == (index.required, index.held, index.layout)

    client = login(city.admin)
    client.get(reverse("oversight:matrix"))
    read = []
    real = compliance.cached_matrix_index
    monkeypatch.setattr(compliance, "cached_matrix_index", lambda **kwargs: read.append(1) or real(**kwargs))
    client.get(reverse("oversight:matrix"))
    assert read == []
    assert client.get(reverse("oversight:matrix"), {"incomplete": "1"}).status_code == 200 and read == [1]
    added = OrganisationFactory(parent=city.org_b, name="乙局新党支部")
    shown = [row.pk for row, _ in client.get(reverse("oversight:matrix")).context["rows"]]
    assert added.pk in shown


@freeze_time("2026-07-20 10:00:00")
def test_the_matrix_pages_table_is_kept_until_a_cell_or_a_name_changes_for_each_day_and_query(
        city, login, admin_actions, monkeypatch):
    """The page's table is kept rendered under the scope's matrix of the day and what chose its rows: a second view
    reads no matrix, and a recorded meeting, a renamed organisation, another query or the next day show at once."""
    import re

    from django.urls import reverse

    read = []
    real = compliance.cached_matrix_for
    monkeypatch.setattr(compliance, "cached_matrix_for", lambda **kwargs: read.append(1) or real(**kwargs))
    client = login(city.admin)

    def table(query="") -> str:
        html = client.get(reverse("oversight:matrix") + query).content.decode()
        return html.split('data-testid="compliance-matrix"')[1].split("</table>")[0]

    def march_of_branch_a(html: str) -> str:
        return re.search(rf'<a href="[^"]*/{city.branch_a.pk}/2026/3/">([^<]*)</a>', html).group(1)

    first = table()
    assert read == [1]
    assert table() == first and read == [1]  # kept: no matrix read

    meeting = admin_actions.create(city.branch_a, ActivityKind.GENERAL_MEETING, at(2026, 3, 30))
    admin_actions.record(meeting, at(2026, 3, 30))
    recorded = table()
    assert read == [1, 1] and march_of_branch_a(recorded) != march_of_branch_a(first)
    assert march_of_branch_a(recorded) == march_of_branch_a(compliance_page_html(client))

    city.branch_a.name = "甲局第一党支部（更名）"
    city.branch_a.save()
    assert "甲局第一党支部（更名）" in table()

    count = len(read)
    assert "乙局" not in table("?q=甲局") and len(read) == count + 1  # another query: its own table
    table("?q=甲局&org_kind=nonsense")  # the same rows, but page links that carry what was asked
    assert len(read) == count + 2
    with freeze_time("2026-07-21 10:00:00"):
        table()
    assert len(read) == count + 3  # the next day: the months that are over may differ


def compliance_page_html(client) -> str:
    """The table rendered afresh (the kept one emptied)."""
    from django.core.cache import cache
    from django.urls import reverse

    cache.clear()
    return client.get(reverse("oversight:matrix")).content.decode()


def test_a_scope_is_compiled_once_and_equal_scopes_share_their_key(city, monkeypatch):
    """What is kept under a scope names it by its SQL: compiled once per queryset (the matrix page asks twice)."""
    from django.db.models.sql.query import Query

    today = dt.date(2026, 7, 20)
    compiled = []
    real = Query.sql_with_params
    monkeypatch.setattr(Query, "sql_with_params", lambda self: compiled.append(1) or real(self))
    scope = Organisation.objects.active()
    outline = compliance.kept_key("outline", organisations=scope, year=2026, today=today)
    table = compliance.kept_key("table", organisations=scope, year=2026, today=today)
    assert len(compiled) == 1 and outline.replace(":outline:", ":table:") == table
    assert compliance.kept_key("table", organisations=Organisation.objects.active(), year=2026, today=today) == table
    assert compliance.kept_key("table", organisations=Organisation.objects.filter(pk=city.org_b.pk), year=2026,
                               today=today) != table


class CacheSpy:
    """The cache, with the keys read through `get` written down."""

    def __init__(self, real):
        self.real, self.reads = real, []

    def get(self, key, *args, **kwargs):
        self.reads.append(key)
        return self.real.get(key, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.real, name)


def test_a_kept_outline_is_read_back_once_per_process_and_only_while_the_cache_holds_the_same(city, monkeypatch):
    """A province's outline or index took milliseconds a page to read back: the process keeps its copy and reads
    only the small token stored beside it. A lost key or another worker's recount (another token) is never
    answered from the copy."""
    today = dt.date(2026, 7, 20)
    spy = CacheSpy(compliance.cache)
    monkeypatch.setattr(compliance, "cache", spy)

    def outline():
        return compliance.cached_matrix_outline(organisations=Organisation.objects.active(), year=2026, today=today)

    first = outline()
    key = compliance.kept_key("outline", organisations=Organisation.objects.active(), year=2026, today=today)
    spy.reads.clear()
    assert outline() is first
    assert spy.reads == [f"{key}:token"]  # the token only, not the outline

    spy.real.delete_many([key, f"{key}:token"])  # lost (an eviction, an emptied cache) under the same version
    again = outline()
    assert again is not first and list(again.rows) == list(first.rows)

    other = compliance.MatrixIndex(compliance.IndexRows([]), (), 0, 0)
    spy.real.set_many({key: other, f"{key}:token": "another worker's"})  # recounted elsewhere
    assert len(first.rows) > 0 and len(outline().rows) == 0
