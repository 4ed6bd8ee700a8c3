"""Three years of realistic activities for the demo city (called by `seed_demo`).

Most required meetings are held, some are missed, a few are cancelled;
attendance has some leave and absence; open lectures count their participants;
themed days with the 微心愿 theme publish wishes. Deterministic for a given
random generator, and bulk-inserted (no per-row save)."""

import datetime as dt
import random
import uuid
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from activities.choices import ActivityKind, ActivityStatus, AttendanceStatus, RecordedBy, Theme, WishStatus
from activities.models import Activity, Attendance, MicroWish
from activities.services import month_day
from branches.choices import OrganisationKind, OrganisationStatus
from branches.models import CommitteePosition, Organisation, PartyGroup
from demo.bulk import Beside, copy_lines, copy_text, insert_rows, reserve_ids
from members.choices import MembershipStatus, Stage
from members.models import Member

# Activities held in memory before they are written with their attendance (bounds memory at province scale).
FLUSH_ACTIVITIES = 20000
THEMES = [Theme.OATH_RENEWAL, Theme.MICRO_LESSON, Theme.MICRO_REFLECTION, Theme.MICRO_WISH]
THEMED_TITLES = {
    Theme.OATH_RENEWAL: "重温入党誓词",
    Theme.MICRO_LESSON: "“微党课”主题党日",
    Theme.MICRO_REFLECTION: "“微感言”交流",
    Theme.MICRO_WISH: "“微心愿”认领",
}
LESSON_TOPICS = ["学习贯彻党的二十大精神", "弘扬伟大建党精神", "加强机关作风建设", "做让党放心让人民满意的模范机关",
                 "牢记初心使命 勇于担当作为", "深入学习党章党规", "推动机关党建与业务深度融合", "传承红色基因"]
LEAVE_REASONS = ["出差", "病假", "参加上级会议", "外出培训", "事假：家中有事"]
CANCEL_REASONS = ["与上级重要会议冲突，改期举行", "防汛值班，活动顺延", "疫情防控要求，暂停集中活动"]
WISHES = [("为社区困难老人购买棉被", "居民"), ("辅导留守儿童功课", "居民"), ("为独居老人修理水管", "居民"),
          ("捐赠一批儿童读物", "居民"), ("陪同残疾居民就医", "居民"), ("为社区活动室添置书柜", "社区"),
          ("帮助孤寡老人打扫卫生", "居民"), ("为环卫工人送去防暑用品", "社区")]
LECTURE_PLACES = ["市委党校报告厅", "市直机关工委党员教育中心", "市图书馆报告厅", "市政务中心会议室"]
LECTURERS = ["市委常委、组织部部长", "市直机关工委书记", "市委党校教授", "市社科联专家", "全国优秀共产党员代表"]

TZ_HOURS = dt.timedelta(hours=8)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    # Asia/Shanghai has no daylight saving: a fixed offset is exact and cheap for half a million rows.
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=dt.timezone.utc) - TZ_HOURS


def _months(start: dt.date, end: dt.date):
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


ACTIVITY_COLUMNS = ["id", "organisation_id", "party_group_id", "kind", "theme", "title", "planned_start",
                    "planned_end", "actual_start", "actual_end", "place", "host", "lecturer", "recorder", "minutes",
                    "status", "cancel_reason", "is_open", "is_city_wide", "participant_count", "uid"]


class _Activity:
    """One activity as it will be written (ACTIVITY_COLUMNS): two million of them at province scale, so a plain
    record with slots, not a model instance run through bulk_create (which spent most of the load in Python)."""

    __slots__ = ACTIVITY_COLUMNS

    def __init__(self, **values):
        for name in ACTIVITY_COLUMNS:
            setattr(self, name, values.get(name, _BLANK.get(name)))

    @property
    def pk(self):
        return self.id

    def row(self) -> tuple:
        return tuple(getattr(self, name) for name in ACTIVITY_COLUMNS)


_BLANK = {"theme": "", "place": "", "host": "", "lecturer": "", "recorder": "", "minutes": "", "cancel_reason": "",
          "is_open": False, "is_city_wide": False}


class _Builder:
    def __init__(self, rng: random.Random, now: dt.datetime):
        self.rng = rng
        self.now = now
        self.activities: list[_Activity] = []
        self.expected: list[list[int]] = []  # member ids expected, parallel to self.activities
        self.wish_counts: list[int] = []

    def add(self, *, expected, **fields):
        start = fields["planned_start"]
        past = start < self.now
        status = ActivityStatus.PLANNED
        if past:
            roll = self.rng.random()
            status = (ActivityStatus.HELD if roll < 0.93 else
                      ActivityStatus.CANCELLED if roll < 0.96 else ActivityStatus.PLANNED)
        activity = _Activity(uid=uuid.UUID(int=self.rng.getrandbits(128), version=4), status=status.value,
                             **{key: getattr(value, "value", value) for key, value in fields.items()})
        if status == ActivityStatus.HELD:
            shift = dt.timedelta(minutes=self.rng.choice([0, 0, 0, 10, -30, 30]))
            activity.actual_start = start + shift
            activity.actual_end = fields["planned_end"] + shift
            activity.minutes = fields.get("minutes") or (
                f"会议由{activity.host or '支部书记'}主持。{activity.title}。与会同志结合工作实际交流发言，"
                "会议对下一阶段工作作出安排。")
        elif status == ActivityStatus.CANCELLED:
            activity.cancel_reason = self.rng.choice(CANCEL_REASONS)
        self.activities.append(activity)
        self.expected.append(expected)
        self.wish_counts.append(self.rng.randint(2, 4) if fields.get("theme") == Theme.MICRO_WISH else 0)


WISH_COLUMNS = ["organisation_id", "activity_id", "title", "wisher_name", "status", "claimed_by_id", "claimed_at",
                "fulfilled_at", "fulfilment_note"]
ATTENDANCE_COLUMNS = ["activity_id", "member_id", "guest_name", "guest_unit", "role", "status", "leave_reason",
                      "recorded_via", "recorded_at"]


# Attendance drawn in the database from a hash of the member and the activity's salt: of every hundred expected at
# a held meeting, 88 present (four in ten of them by QR code), 8 on leave with one of LEAVE_REASONS, 4 absent. Each
# row's id is its activity's first id plus the member's place in the expected list, so the rows do not depend on
# which connection wrote them or when.
_LEAVE_REASON_WHENS = " ".join(f"WHEN {i} THEN %(reason{i})s" for i in range(len(LEAVE_REASONS)))
ATTENDANCE_SELECT = f"""
    SELECT id, activity_id, member_id, '', '', 'ATTENDEE',
           CASE WHEN held = 0 THEN %(expected)s WHEN h %% 100 < 88 THEN %(present)s
                WHEN h %% 100 < 96 THEN %(leave)s ELSE %(absent)s END,
           CASE WHEN held = 1 AND h %% 100 >= 88 AND h %% 100 < 96 THEN
                CASE h / 1000 %% {len(LEAVE_REASONS)} {_LEAVE_REASON_WHENS} END
           ELSE '' END,
           CASE WHEN held = 0 THEN '' WHEN h %% 100 < 88 AND h / 100 %% 10 < 4 THEN %(qr)s ELSE %(secretary)s END,
           recorded_at
    FROM (SELECT s.first_id + e.position AS id, s.activity_id, e.member_id, s.held, s.recorded_at,
                 (e.member_id * 2654435761 + s.salt) %% 4294967291 AS h
          FROM demo_activity_set s JOIN demo_expected e ON e.set_id = s.set_id) AS drawn
    ORDER BY id"""
ATTENDANCE_PARAMS = {
    "expected": AttendanceStatus.EXPECTED.value, "present": AttendanceStatus.PRESENT.value,
    "leave": AttendanceStatus.LEAVE.value, "absent": AttendanceStatus.ABSENT.value,
    "qr": RecordedBy.QR.value, "secretary": RecordedBy.SECRETARY.value,
    **{f"reason{i}": reason for i, reason in enumerate(LEAVE_REASONS)},
}


def _attendance_plan(builder: _Builder, rng: random.Random) -> tuple[int, list[tuple], list[tuple]]:
    """Who each activity expects, as the database will draw their attendance from it: each distinct list of
    members once, as a numbered set of (set, place, member), and per activity (activity, set, salt, held, when
    recorded, first row id), with the rows' ids reserved. Returns (rows to come, sets, activities)."""
    sets: dict[int, tuple[int, list[int]]] = {}  # id(list) → (set number, the list, kept so its id is not reused)
    by_activity = []
    rows = 0
    adapt = connection.ops.adapt_datetimefield_value  # what the ORM would store for an aware datetime
    for activity, expected in zip(builder.activities, builder.expected):
        if expected:
            number = sets.setdefault(id(expected), (len(sets) + 1, expected))[0]
            held = activity.status == ActivityStatus.HELD
            by_activity.append([activity.pk, number, rng.getrandbits(30), int(held),
                                adapt(activity.actual_end) if held else None, rows])
            rows += len(expected)
    first = reserve_ids(Attendance, rows).start if rows else 0
    for row in by_activity:
        row[-1] += first
    members = [(number, place, member_id) for number, expected in sets.values()
               for place, member_id in enumerate(expected)]
    return rows, members, by_activity


def _attendance_write(members: list[tuple], by_activity: list[tuple]) -> int:
    """The rows of `_attendance_plan`, made by the database in one INSERT … SELECT on this thread's connection:
    close to a million at city scale and tens of millions at province scale. Python writes only who is expected
    and the salts; making and parsing a text line per row in Python and COPY took most of the province's load."""
    if not by_activity:
        return 0
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        # In the caller's transaction: a failed chunk takes its scratch tables with it.
        cursor.execute("CREATE TEMPORARY TABLE demo_expected (set_id bigint NOT NULL, position bigint NOT NULL, "
                       "member_id bigint NOT NULL)")
        cursor.execute("CREATE TEMPORARY TABLE demo_activity_set (activity_id bigint NOT NULL, set_id bigint NOT NULL, "
                       "salt bigint NOT NULL, held smallint NOT NULL, recorded_at timestamp with time zone, "
                       "first_id bigint NOT NULL)")
        _scratch_rows("demo_expected", ["set_id", "position", "member_id"], members)
        _scratch_rows("demo_activity_set", ["activity_id", "set_id", "salt", "held", "recorded_at", "first_id"],
                      by_activity)
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE demo_expected")
            cursor.execute("ANALYZE demo_activity_set")
            cursor.execute("SET LOCAL work_mem = '256MB'")  # the chunk's rows sorted in memory
        cursor.execute(
            f"INSERT INTO {quote(Attendance._meta.db_table)} "
            f"({', '.join(map(quote, ['id', *ATTENDANCE_COLUMNS]))}) "
            + ATTENDANCE_SELECT, ATTENDANCE_PARAMS)
        written = cursor.rowcount
        cursor.execute("DROP TABLE demo_expected")
        cursor.execute("DROP TABLE demo_activity_set")
    return written


def _scratch_rows(table: str, columns: list[str], rows: list) -> None:
    """Plain values (numbers, datetimes as the database stores them, None) into a scratch table: COPY on
    PostgreSQL, executemany elsewhere."""
    if connection.vendor == "postgresql":
        copy_lines(table, columns, ("\t".join(map(copy_text, row)) + "\n" for row in rows))
    else:
        _insert_rows(table, columns, rows)


def _insert_rows(table: str, columns: list[str], rows: list[tuple]) -> int:
    """Rows already in database form, by executemany: the loads' path off PostgreSQL (there, dues go by COPY lines
    made as they are read, attendance by INSERT … SELECT)."""
    if not rows:
        return 0
    quote = connection.ops.quote_name
    placeholders = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) "
                           f"VALUES ({placeholders})", rows)
    return len(rows)


def seed_activities(*, rng: random.Random, years: int = 3, today: dt.date | None = None, stdout=None) -> dict:
    # "Now" is the given day's (at this time of day): what is held, cancelled or still planned follows `today`, not
    # the clock (a seed for 24 November run in December held December's meetings).
    now = timezone.localtime()
    today = today or now.date()
    now = now.replace(year=today.year, month=today.month, day=today.day)
    first = dt.date(today.year - years, today.month, 1)
    last = (today.replace(day=1) + dt.timedelta(days=62)).replace(day=1)  # two months ahead

    members_by_org: dict[int, list[int]] = defaultdict(list)
    names: dict[int, str] = {}
    for pk, org_id, name in (Member.objects.filter(status=MembershipStatus.ACTIVE,
                                                   stage__in=[Stage.FULL, Stage.PROBATIONARY])
                             .order_by("pk").values_list("pk", "organisation_id", "name")):
        members_by_org[org_id].append(pk)
        names[pk] = name
    group_members: dict[int, list[int]] = defaultdict(list)
    for pk, group_id in Member.objects.filter(party_group__isnull=False).order_by("pk").values_list(
            "pk", "party_group_id"):
        group_members[group_id].append(pk)
    groups_by_org: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for pk, org_id, name in PartyGroup.objects.order_by("pk").values_list("pk", "organisation_id", "name"):
        groups_by_org[org_id].append((pk, name))
    committee: dict[int, list[int]] = defaultdict(list)
    secretary: dict[int, int] = {}
    for org_id, member_id, position in CommitteePosition.objects.filter(ends_on__isnull=True).order_by("pk") \
            .values_list("organisation_id", "member_id", "position"):
        committee[org_id].append(member_id)
        if position == "SECRETARY":
            secretary[org_id] = member_id

    organisations = list(Organisation.objects.filter(status=OrganisationStatus.ACTIVE).order_by("path")
                         .values("pk", "kind", "short_name", "name", "address", "established_on"))
    root = next(o for o in organisations if o["kind"] == OrganisationKind.WORKING_COMMITTEE)
    builder = _Builder(rng, now)
    totals = _Writer(builder, rng, now, stdout)

    try:
        for org in organisations:
            totals.maybe_flush()
            if org["kind"] not in (OrganisationKind.BRANCH, OrganisationKind.TEMPORARY_BRANCH):
                continue
            pk = org["pk"]
            everyone = members_by_org.get(pk, [])
            if not everyone:
                continue
            place = org["address"] or "机关党员活动室"
            host = names.get(secretary.get(pk), "")
            themed_day = rng.randint(10, 20)
            has_committee = len(committee.get(pk, [])) >= 3
            common = {"organisation_id": pk, "place": place, "host": host}
            for year, month in _months(first, last):
                day = month_day(year, month, themed_day)
                theme = THEMES[(year * 12 + month) % len(THEMES)]
                builder.add(expected=everyone, kind=ActivityKind.THEMED_DAY, theme=theme,
                            title=f"{month}月主题党日：{THEMED_TITLES[theme]}", planned_start=_at(day, 15),
                            planned_end=_at(day, 17), **common)
                if has_committee:
                    day = month_day(year, month, 5)
                    builder.add(expected=committee[pk], kind=ActivityKind.COMMITTEE_MEETING,
                                title=f"{month}月支委会", planned_start=_at(day, 9), planned_end=_at(day, 10, 30),
                                **common)
                for group_id, group_name in groups_by_org.get(pk, []):
                    day = month_day(year, month, 8)
                    builder.add(expected=group_members.get(group_id, []), kind=ActivityKind.GROUP_MEETING,
                                party_group_id=group_id, title=f"{month}月党小组会（{group_name}）",
                                planned_start=_at(day, 16), planned_end=_at(day, 17), **common)
                if month % 3 == 0:
                    day = month_day(year, month, 22)
                    builder.add(expected=everyone, kind=ActivityKind.GENERAL_MEETING,
                                title=f"第{month // 3}季度支部党员大会", planned_start=_at(day, 15),
                                planned_end=_at(day, 17), **common)
                if month % 3 == 2:
                    day = month_day(year, month, 25)
                    topic = rng.choice(LESSON_TOPICS)
                    builder.add(expected=everyone, kind=ActivityKind.PARTY_LESSON, title=f"党课：{topic}",
                                lecturer=host, planned_start=_at(day, 15), planned_end=_at(day, 16, 30), **common)
                if month == 12:
                    builder.add(expected=everyone, kind=ActivityKind.ORG_LIFE_MEETING, title=f"{year}年度组织生活会",
                                planned_start=_at(dt.date(year, 12, 10), 9), planned_end=_at(dt.date(year, 12, 10), 12),
                                **common)
                    builder.add(expected=everyone, kind=ActivityKind.APPRAISAL_MEETING, title=f"{year}年度民主评议党员",
                                planned_start=_at(dt.date(year, 12, 12), 9), planned_end=_at(dt.date(year, 12, 12), 11),
                                **common)

        # City-wide: open lectures (开放式党课, about 70 a year), the party-affairs cadre class and the
        # secretaries' classes.
        hosts = [o["pk"] for o in organisations if o["kind"] in (OrganisationKind.PARTY_COMMITTEE,
                                                                 OrganisationKind.GENERAL_BRANCH)] or [root["pk"]]
        for year, month in _months(first, last):
            for _ in range(rng.randint(5, 7)):
                day = month_day(year, month, rng.randint(3, 27))
                builder.add(expected=[], organisation_id=rng.choice(hosts), kind=ActivityKind.OPEN_LECTURE,
                            title=f"开放式党课：{rng.choice(LESSON_TOPICS)}", lecturer=rng.choice(LECTURERS),
                            place=rng.choice(LECTURE_PLACES), is_open=True, is_city_wide=True,
                            participant_count=rng.randint(300, 700), planned_start=_at(day, 14, 30),
                            planned_end=_at(day, 16, 30))
            if month in (4, 10):
                day = month_day(year, month, 16)
                builder.add(expected=[], organisation_id=root["pk"], kind=ActivityKind.TRAINING, is_city_wide=True,
                            title=f"{year}年市直机关党支部书记培训班（{'春' if month == 4 else '秋'}季）",
                            place="市委党校", planned_start=_at(day, 9),
                            planned_end=_at(day + dt.timedelta(days=2), 17))
            if month == 6:
                day = month_day(year, month, 12)
                builder.add(expected=[], organisation_id=root["pk"], kind=ActivityKind.TRAINING, is_city_wide=True,
                            title=f"{year}年市直机关党务干部培训班", place="市委党校", planned_start=_at(day, 9),
                            planned_end=_at(day + dt.timedelta(days=2), 17))
            if month in (3, 9):
                day = month_day(year, month, 18)
                builder.add(expected=[], organisation_id=root["pk"], kind=ActivityKind.OTHER, is_city_wide=True,
                            title="“市直机关大讲堂”专题讲座", lecturer=rng.choice(LECTURERS), place="市委党校报告厅",
                            planned_start=_at(day, 14, 30), planned_end=_at(day, 17))

        totals.flush()
    finally:
        totals.close()
    counts = dict(Activity.objects.values_list("status").annotate(n=Count("pk")).order_by())
    return {"activities": totals.activities, "attendances": totals.attendances, "wishes": totals.wishes,
            "by_status": counts}


class _Writer:
    """Writes what the builder holds and empties it: every few thousand activities, each chunk in its own
    transaction (one transaction for tens of millions of rows spent minutes in its COMMIT alone)."""

    def __init__(self, builder: _Builder, rng: random.Random, now: dt.datetime, stdout):
        self.builder, self.rng, self.now, self.stdout = builder, rng, now, stdout
        self.activities = self.attendances = self.wishes = 0
        # Attendance by connections of their own (PostgreSQL inserting on both cores while Python makes the next
        # chunk) when each chunk is committed before its attendance is written: not inside a caller's
        # transaction, whose rows those connections could not see and whose rollback would not take theirs.
        self.beside = Beside() if connection.vendor == "postgresql" and not connection.in_atomic_block else None

    def maybe_flush(self) -> None:
        if len(self.builder.activities) >= FLUSH_ACTIVITIES:
            self.flush()

    def close(self) -> None:
        """Waits for the attendance still being written; raises what failed there."""
        if self.beside:
            self.beside, beside = None, self.beside
            beside.close()

    def flush(self) -> None:
        builder, rng, now = self.builder, self.rng, self.now
        if not builder.activities:
            return
        with transaction.atomic():
            for activity, pk in zip(builder.activities, reserve_ids(Activity, len(builder.activities))):
                activity.id = pk
            insert_rows(Activity, ACTIVITY_COLUMNS, [activity.row() for activity in builder.activities])
            rows, members, by_activity = _attendance_plan(builder, rng)
            if not self.beside:
                _attendance_write(members, by_activity)
            wishes = []
            for activity, count, expected in zip(builder.activities, builder.wish_counts, builder.expected):
                for _ in range(count):
                    title, who = rng.choice(WISHES)
                    wisher = f"{rng.choice('王李张刘陈杨赵黄周吴')}{'大爷' if who == '居民' else '社区'}"
                    status, claimed_by, claimed_at, fulfilled_at, note = WishStatus.OPEN, None, None, None, ""
                    if activity.status == ActivityStatus.HELD and expected:
                        status = WishStatus.FULFILLED if activity.planned_start < now - dt.timedelta(days=30) \
                            else WishStatus.CLAIMED
                        claimed_by = rng.choice(expected)
                        claimed_at = activity.actual_end
                        if status == WishStatus.FULFILLED:
                            fulfilled_at = activity.actual_end + dt.timedelta(days=rng.randint(3, 20))
                            note = "已按心愿送达，受助群众表示感谢。"
                    wishes.append((activity.organisation_id, activity.pk, title, wisher, status.value, claimed_by,
                                   claimed_at, fulfilled_at, note))
            insert_rows(MicroWish, WISH_COLUMNS, wishes)
        if self.beside:
            self.beside.submit(lambda: _attendance_write(members, by_activity))
        self.activities += len(builder.activities)
        self.attendances += rows
        self.wishes += len(wishes)
        if self.stdout:
            self.stdout.write(f"  已写入活动 {self.activities} 项、出勤记录 {self.attendances} 条")
        builder.activities, builder.expected, builder.wish_counts = [], [], []
