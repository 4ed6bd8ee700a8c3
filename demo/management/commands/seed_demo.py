"""`manage.py seed_demo`: builds a demo city — the working committee, its 82
affiliated organisations and their branches, about 9,500 members, terms,
committees, party groups and logins — into an empty database.

The city is planned in memory first (structure, member slots, who holds which
position), then written with bulk_create in batches: no per-row save and no
per-row query, so `--orgs 5000 --members 500000` takes minutes, not hours.
Everything random comes from one random.Random(seed): the same seed gives the
same city. Dates are relative to today, so terms stay current whenever it runs.
"""

import datetime as dt
import random
import time
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Q

from activities.models import Activity, Attendance
from branches.choices import OrganisationKind, Position, RoleKind
from branches.models import CommitteePosition, Organisation, PartyGroup, Role, Term, Unit
from demo import names as demo_data
from demo.bulk import bulk_load, insert_rows, reserve_ids
from dues.models import DuesPayment
from members.choices import Education, EmploymentStatus, Gender, Stage
from members.idnumbers import HUAIBEI_REGIONS, make_id_number
from members.models import Member
from rules.models import TermLength, Threshold, ThresholdCode

DEMO_PASSWORD = "demo-password-123"
BATCH = 5000
DEFAULT_ORGS = 300
DEFAULT_MEMBERS = 9500
REAL_UNITS = len(demo_data.UNITS)
# Share of units big enough for a 机关党委 or 机关党总支 (the rest are one 党支部).
MULTI_SHARE = 0.43
# Keep branches this far below the size cap on average, so the spread of sizes fits under it.
FILL = 0.76
MIN_BRANCH_SIZE = 5

# Used only when the rule tables are empty (e.g. a test flushed them); normally read from rules.
FALLBACK_LIMITS = {
    ThresholdCode.BRANCH_MIN_FULL_MEMBERS: 3,
    ThresholdCode.BRANCH_COMMITTEE_MIN_FULL_MEMBERS: 7,
    ThresholdCode.COMMITTEE_MIN_SIZE: 3,
    ThresholdCode.COMMITTEE_MAX_SIZE: 7,
    ThresholdCode.BRANCH_MAX_MEMBERS: 50,
}
FALLBACK_TERM_YEARS = {OrganisationKind.PARTY_COMMITTEE: 5, OrganisationKind.GENERAL_BRANCH: 3,
                       OrganisationKind.BRANCH: 3}

# Member slots: a stage code and flags, planned before any row is written.
APPLICANT, ACTIVIST, CANDIDATE, PROBATIONARY, FULL = range(5)
# Plain strings: member rows go to the database without passing through the model fields.
STAGES = [Stage.APPLICANT.value, Stage.ACTIVIST.value, Stage.CANDIDATE.value, Stage.PROBATIONARY.value,
          Stage.FULL.value]
FEMALE, MALE = Gender.FEMALE.value, Gender.MALE.value
RETIRED_STATUS, SERVING_STATUS = EmploymentStatus.RETIRED.value, EmploymentStatus.SERVING.value
RETIRED, SENIOR = 1, 2

S, D, O, P, C = (Position.SECRETARY, Position.DEPUTY_SECRETARY, Position.ORGANISATION, Position.PUBLICITY,
                 Position.DISCIPLINE)
BRANCH_COMMITTEES = {3: [[S, O, P]], 4: [[S, O, P, C], [S, O, P, C], [S, D, O, P]], 5: [[S, D, O, P, C]]}
PARTY_COMMITTEE_SEATS = [S, D, O, P, C, Position.YOUTH, Position.WOMEN]


def chinese_number(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return (digits[tens] if tens > 1 else "") + "十" + (digits[ones] if ones else "")
    return str(n)


@dataclass(eq=False)
class OrgPlan:
    kind: str
    name: str
    unit: int | None
    parent: int | None
    depth: int
    established: dt.date
    retiree: bool = False
    children: list[int] = field(default_factory=list)
    # Leaf branches only: one entry per member slot.
    stages: bytearray = field(default_factory=bytearray)
    flags: bytearray = field(default_factory=bytearray)
    groups: int = 0
    pk: int | None = None


@dataclass(eq=False)
class CityPlan:
    units: list[tuple[str, float]]
    orgs: list[OrgPlan]
    leaves: list[int]
    positions: list[tuple[int, str, int, int]] = field(default_factory=list)  # org, position, leaf org, slot
    leaders: dict[tuple[int, int], int] = field(default_factory=dict)  # (leaf org, group) → slot
    # org, starts_on, ends_on, number, is current
    terms: list[tuple[int, dt.date, dt.date, int, bool]] = field(default_factory=list)
    demo_branch: int | None = None
    demo_member_slot: int | None = None


class CityPlanner:
    def __init__(self, *, seed: int, orgs: int, members: int, today: dt.date, limits: dict, term_years: dict):
        self.seed, self.orgs, self.members, self.today = seed, orgs, members, today
        self.limits, self.term_years = limits, term_years
        self.cap = limits[ThresholdCode.BRANCH_MAX_MEMBERS]
        self.min_full = limits[ThresholdCode.BRANCH_MIN_FULL_MEMBERS]
        self.min_size = max(MIN_BRANCH_SIZE, self.min_full + 2)

    def plan(self) -> tuple[CityPlan, random.Random]:
        target = self.orgs
        for _ in range(20):
            rng = random.Random(self.seed)
            city = self._structure(rng, target)
            if self.members <= FILL * self.cap * len(city.leaves):
                break
            # Not enough branches to keep each under the cap: grow the city rather than break the rule.
            target = int(target * self.members / (FILL * self.cap * len(city.leaves))) + 1
        if self.members < self.min_size * len(city.leaves):
            raise CommandError(f"党员人数太少：{len(city.leaves)} 个党支部至少需要 {self.min_size * len(city.leaves)} 名党员。")
        self._members(rng, city)
        self._positions(rng, city)
        self._groups(rng, city)
        self._demo(city)
        self._terms(rng, city)
        return city, rng

    # --- structure ------------------------------------------------------------

    def _units(self, rng, count: int) -> list[tuple[str, float]]:
        units = list(demo_data.UNITS[:count])
        suffixes = demo_data.SYNTHETIC_SUFFIXES
        for k in range(count - len(units)):
            base = demo_data.UNITS[k % REAL_UNITS][0]
            name = base + suffixes[(k // REAL_UNITS) % len(suffixes)]
            if k >= REAL_UNITS * len(suffixes):
                name += f"第{chinese_number(k // (REAL_UNITS * len(suffixes)) + 1)}分部"
            units.append((name, rng.choice(demo_data.UNITS)[1]))
        return units

    def _structure(self, rng, target: int) -> CityPlan:
        unit_count = min(target - 1, max(1, round(target * REAL_UNITS / DEFAULT_ORGS)))
        rest = target - 1 - unit_count
        if rest < 2:
            unit_count, rest = target - 1, 0
        units = self._units(rng, unit_count)
        multi_count = min(round(unit_count * MULTI_SHARE), rest // 2)
        by_size = sorted(range(unit_count), key=lambda i: (-units[i][1], i))
        multi = by_size[:multi_count]
        sub_orgs = dict.fromkeys(multi, 2)
        extra = rest - 2 * multi_count
        if multi:
            total = sum(units[i][1] for i in multi)
            shares = {i: extra * units[i][1] / total for i in multi}
            for i in multi:
                sub_orgs[i] += int(shares[i])
            left = extra - sum(int(s) for s in shares.values())
            for i in sorted(multi, key=lambda i: (-(shares[i] % 1), i))[:left]:
                sub_orgs[i] += 1

        today = self.today
        orgs = [OrgPlan(OrganisationKind.WORKING_COMMITTEE, "中共淮北市直属机关工作委员会", None, None, 0,
                        dt.date(1984, 6, 1))]

        def add(kind, name, unit, parent, retiree=False):
            parent_plan = orgs[parent]
            latest = min(dt.date(2015, 12, 31), today).toordinal()
            start = max(parent_plan.established.toordinal(), dt.date(1980, 1, 1).toordinal())
            established = dt.date.fromordinal(rng.randint(min(start, latest), latest) if parent else
                                              rng.randint(dt.date(1980, 1, 1).toordinal(),
                                                          dt.date(2005, 12, 31).toordinal()))
            orgs.append(OrgPlan(kind, name, unit, parent, parent_plan.depth + 1, established, retiree))
            parent_plan.children.append(len(orgs) - 1)
            return len(orgs) - 1

        def add_branches(prefix, unit, parent, count, retiree_last):
            for k in range(count):
                if retiree_last and k == count - 1:
                    add(OrganisationKind.BRANCH, f"{units[unit][0]}离退休干部党支部", unit, parent, retiree=True)
                else:
                    add(OrganisationKind.BRANCH, f"{prefix}第{chinese_number(k + 1)}党支部", unit, parent)

        for i, (name, _) in enumerate(units):
            s = sub_orgs.get(i, 0)
            # "市纪委监委机关" is already an organ: its branch is "市纪委监委机关党支部", not "…机关机关党支部".
            organ = name if name.endswith("机关") else f"{name}机关"
            if s == 0:
                add(OrganisationKind.BRANCH, f"{organ}党支部", i, 0)
            elif s < 5:
                top = add(OrganisationKind.GENERAL_BRANCH, f"{organ}党总支", i, 0)
                add_branches(organ, i, top, s, retiree_last=s >= 3)
            else:
                top = add(OrganisationKind.PARTY_COMMITTEE, f"{organ}党委", i, 0)
                nested = s // 7 if s >= 9 else 0
                sections = demo_data.SECTIONS.get(name, demo_data.GENERIC_SECTIONS)
                for j in range(nested):
                    section = sections[j] if j < len(sections) else f"直属第{chinese_number(j + 1)}"
                    gb = add(OrganisationKind.GENERAL_BRANCH, f"{name}{section}党总支", i, top)
                    add_branches(f"{name}{section}", i, gb, 3, retiree_last=False)
                add_branches(organ, i, top, s - 4 * nested, retiree_last=True)
        leaves = [k for k, o in enumerate(orgs) if o.kind == OrganisationKind.BRANCH]
        return CityPlan(units, orgs, leaves)

    # --- members --------------------------------------------------------------

    def _sizes(self, rng, city: CityPlan) -> list[int]:
        raw = []
        for k in city.leaves:
            org = city.orgs[k]
            if org.retiree:
                raw.append(rng.randint(15, 40))
            elif org.parent == 0:
                raw.append(rng.randint(8, 42))
            else:
                raw.append(rng.randint(26, 46))
        # Scale the raw sizes to the wanted total, bending the top softly under the cap so that
        # branches spread over the high forties instead of piling up at exactly the cap.
        knee = self.cap - 8

        def shape(factor):
            top = max(raw) * factor
            sizes = []
            for r in raw:
                n = r * factor
                if n > knee and top > self.cap:
                    n = knee + (n - knee) * (self.cap - knee) / (top - knee)
                sizes.append(min(self.cap, max(self.min_size, round(n))))
            return sizes

        low, high = 0.0, 4.0 * self.cap / min(raw)
        for _ in range(40):
            middle = (low + high) / 2
            low, high = (middle, high) if sum(shape(middle)) < self.members else (low, middle)
        sizes = shape(low)
        diff = self.members - sum(sizes)
        while diff:
            sign = 1 if diff > 0 else -1
            open_ = [i for i, n in enumerate(sizes) if (n < self.cap if sign > 0 else n > self.min_size)]
            rng.shuffle(open_)
            step = max(1, abs(diff) // len(open_))
            for i in open_:
                room = self.cap - sizes[i] if sign > 0 else sizes[i] - self.min_size
                delta = min(step, room, abs(diff))
                sizes[i] += sign * delta
                diff -= sign * delta
                if not diff:
                    break
        return sizes

    def _members(self, rng, city: CityPlan) -> None:
        sizes = self._sizes(rng, city)
        retiree_total = sum(n for k, n in zip(city.leaves, sizes) if city.orgs[k].retiree)
        others = self.members - retiree_total
        # About 15% retired overall: nine in ten of a retirees' branch, the rest scattered.
        scattered = max(0.0, min(0.3, (0.15 * self.members - 0.9 * retiree_total) / max(1, others)))
        random_ = rng.random
        for k, size in zip(city.leaves, sizes):
            org = city.orgs[k]
            stages, flags = bytearray(size), bytearray(size)
            for slot in range(size):
                if org.retiree:
                    stages[slot] = FULL
                    flags[slot] = RETIRED if random_() < 0.9 else 0
                    continue
                r = 1.0 if slot < self.min_full else random_()
                # A real pipeline narrows at each step: a few applicants and activists per branch, fewer
                # candidates, and a handful admitted a year across the city (about 0.6% of members).
                stage = (APPLICANT if r < 0.03 else ACTIVIST if r < 0.055 else CANDIDATE if r < 0.062
                         else PROBATIONARY if r < 0.068 else FULL)
                stages[slot] = stage
                if stage == FULL and random_() < scattered / 0.875:
                    flags[slot] = RETIRED
            org.stages, org.flags = stages, flags

    @staticmethod
    def _eligible(org: OrgPlan) -> list[int]:
        """Full members who can hold a position: serving ones first (retired ones run a retirees' branch)."""
        full = [i for i, st in enumerate(org.stages) if st == FULL]
        if org.retiree:
            return full
        return [i for i in full if not org.flags[i] & RETIRED] + [i for i in full if org.flags[i] & RETIRED]

    def _positions(self, rng, city: CityPlan) -> None:
        committee_from = self.limits[ThresholdCode.BRANCH_COMMITTEE_MIN_FULL_MEMBERS]
        low = max(3, self.limits[ThresholdCode.COMMITTEE_MIN_SIZE])
        high = max(low, min(5, self.limits[ThresholdCode.COMMITTEE_MAX_SIZE]))
        used: set[tuple[int, int]] = set()

        for k in city.leaves:
            org = city.orgs[k]
            eligible = self._eligible(org)
            if len(eligible) >= committee_from:
                size = low if len(eligible) < 15 else rng.randint(low, high)
                seats = rng.choice(BRANCH_COMMITTEES[min(size, 5)])
            else:
                seats = [S]
            holders = rng.sample(eligible[: max(len(seats), len(eligible) * 2 // 3)], len(seats))
            for position, slot in zip(seats, holders):
                city.positions.append((k, position, k, slot))
                used.add((k, slot))
                org.flags[slot] |= SENIOR

        # Committees and general branches: their members sit in the branches below them.
        for k, org in enumerate(city.orgs):
            if org.kind not in (OrganisationKind.PARTY_COMMITTEE, OrganisationKind.GENERAL_BRANCH):
                continue
            if org.kind == OrganisationKind.PARTY_COMMITTEE:
                size = min(rng.choice([5, 5, 6, 7]), self.limits[ThresholdCode.COMMITTEE_MAX_SIZE])
                seats = PARTY_COMMITTEE_SEATS[:size]
            else:
                seats = rng.choice(BRANCH_COMMITTEES[min(rng.randint(low, high), 5)])
            direct = [c for c in org.children if city.orgs[c].kind == OrganisationKind.BRANCH]
            deeper = [g for c in org.children for g in city.orgs[c].children]
            for group in (direct, deeper):
                pool = [(c, slot) for c in group for slot in self._eligible(city.orgs[c])
                        if (c, slot) not in used and not city.orgs[c].flags[slot] & RETIRED]
                take = rng.sample(pool, min(len(seats), len(pool)))
                for position, (leaf, slot) in zip(seats, take):
                    city.positions.append((k, position, leaf, slot))
                    used.add((leaf, slot))
                    city.orgs[leaf].flags[slot] |= SENIOR
                seats = seats[len(take):]
                if not seats:
                    break
            if seats and seats[0] == S:
                raise CommandError(f"{org.name} 找不到可担任书记的正式党员。")

    def _groups(self, rng, city: CityPlan) -> None:
        secretaries = {(leaf, slot) for org, pos, leaf, slot in city.positions if org == leaf and pos == S}
        for k in city.leaves:
            org = city.orgs[k]
            size = len(org.stages)
            if size < 15 or rng.random() >= 0.35:
                continue
            org.groups = rng.randint(2, min(4, size // 5))
            for g in range(org.groups):
                slots = [i for i in range(size) if i * org.groups // size == g and org.stages[i] == FULL]
                slots.sort(key=lambda i: (k, i) in secretaries)
                if slots:
                    city.leaders[(k, g)] = slots[0]

    def _demo(self, city: CityPlan) -> None:
        holders = {(leaf, slot) for _, _, leaf, slot in city.positions}
        with_committee = {org for org, pos, _, _ in city.positions if pos != S}
        candidates = [k for k in city.leaves if not city.orgs[k].retiree and k in with_committee]
        if not candidates:
            candidates = [k for k in city.leaves if not city.orgs[k].retiree] or city.leaves
        city.demo_branch = min(candidates, key=lambda k: (abs(len(city.orgs[k].stages) - 30), k))
        org = city.orgs[city.demo_branch]
        plain = [i for i in self._eligible(org) if (city.demo_branch, i) not in holders]
        city.demo_member_slot = plain[0] if plain else None

    # --- terms ------------------------------------------------------------------

    def _terms(self, rng, city: CityPlan) -> None:
        today = self.today
        non_root = list(range(1, len(city.orgs)))
        overdue_n = min(len(non_root), max(2, round(len(non_root) * 0.009)))
        due_n = min(len(non_root) - overdue_n, max(3, round(len(non_root) * 0.03)))
        picked = rng.sample(non_root, overdue_n + due_n)
        overdue, due = set(picked[:overdue_n]), set(picked[overdue_n:])
        for k in non_root:
            org = city.orgs[k]
            years = self.term_years[org.kind]
            length = relativedelta(years=years)
            if k in overdue:
                starts = today - length - dt.timedelta(days=rng.randint(10, 150))
            elif k in due:
                starts = today - length + dt.timedelta(days=rng.randint(15, 170))
            else:
                starts = today - dt.timedelta(days=rng.randint(30, years * 365 - 220))
            starts = max(starts, org.established + dt.timedelta(days=1))
            number = max(1, (starts.year - org.established.year) // years + 1)
            # An earlier term, elected on time: it ended on or after the day the current one began.
            previous = starts - length + dt.timedelta(days=rng.randint(0, 60))
            if number > 1 and previous > org.established and rng.random() < 0.6:
                city.terms.append((k, previous, previous + length, number - 1, False))
            # Same as Term.default_end with the rule in force today (read once, not per row).
            city.terms.append((k, starts, starts + length, number, True))


class Command(BaseCommand):
    help = "生成演示数据：市直机关工委及所属 82 家党组织、党支部、党员、届次、委员和演示账号（仅用于空数据库）。"

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="随机种子；同一种子生成同样的组织结构和人员")
        parser.add_argument("--orgs", type=int, default=DEFAULT_ORGS, help="党组织数量（约）")
        parser.add_argument("--members", type=int, default=DEFAULT_MEMBERS, help="党员（含入党申请人等）数量")
        parser.add_argument("--if-empty", action="store_true", help="已有党组织时什么也不做（供 make run 每次调用）")
        parser.add_argument("--activity-years", type=int, default=3,
                            help="生成近几年的组织生活、督导考核、表彰与共建数据；0 表示只生成组织和人员")

    def handle(self, *args, seed, orgs, members, if_empty, activity_years, **options):
        if Organisation.objects.exists():
            if if_empty:
                self.stdout.write("已有党组织数据，跳过演示数据生成。")
                return
            raise CommandError("数据库中已有党组织，演示数据只能生成到空数据库中。")
        if orgs < 10:
            raise CommandError("--orgs 至少为 10。")
        started = time.monotonic()
        today = dt.date.today()
        limits = {**FALLBACK_LIMITS, **Threshold.all_in_force(today)}
        term_years = {kind: TermLength.years_for(kind, today) or years for kind, years in FALLBACK_TERM_YEARS.items()}
        city, rng = CityPlanner(seed=seed, orgs=orgs, members=members, today=today, limits=limits,
                                term_years=term_years).plan()
        if len(city.orgs) > orgs + orgs // 10:
            self.stdout.write(f"每个党支部不超过 {limits[ThresholdCode.BRANCH_MAX_MEMBERS]} 名党员，"
                              f"党组织数量调整为 {len(city.orgs)} 个。")
        # Several transactions: the city, then each later domain (activities in chunks of their own). One
        # transaction for tens of millions of rows spent minutes in its COMMIT alone.
        with transaction.atomic():
            writer = CityWriter(city, rng, today, self.stdout)
            writer.write()
        if activity_years > 0:
            self._grow(rng=rng, today=today, years=activity_years)
        self._analyse()
        self.stdout.write(self.style.SUCCESS(
            f"演示数据已生成（用时 {time.monotonic() - started:.1f} 秒）：单位 {len(city.units)} 个，"
            f"党组织 {len(city.orgs)} 个，党员 {members} 名，账号 {writer.user_count} 个。"))
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for line in writer.login_lines:
            self.stdout.write(f"  {line}")


    def _grow(self, *, rng, today: dt.date, years: int) -> None:
        """What the later domains add to the city, each from its own app's demo module, in order:
        activities first (honours pick top-ten lectures among them; appraisals are held at the 组织生活会),
        then oversight, honours, community, dues, appraisals."""
        from demo.activities import seed_activities
        from demo.appraisals import seed_appraisals
        from demo.community import seed_community
        from demo.development import seed_development
        from demo.dues import seed_dues
        from demo.honours import seed_honours
        from demo.oversight import seed_oversight
        from demo.register import seed_register

        admin = get_user_model().objects.filter(username="admin").first()

        def activities():
            with bulk_load(Activity, Attendance, stdout=self.stdout):
                return seed_activities(rng=rng, years=years, today=today, stdout=self.stdout)

        def dues():
            # Fourteen million payments at province scale: loaded without the table's indexes, as attendance is.
            with bulk_load(DuesPayment, stdout=self.stdout), transaction.atomic():
                return seed_dues(rng=rng, today=today, years=years)

        steps = [
            ("组织生活", activities),
            ("名册变动", lambda: seed_register(rng=rng, today=today, years=years, admin=admin)),
            ("督导考核", lambda: seed_oversight(rng=rng, today=today, admin=admin)),
            ("表彰与品牌", lambda: seed_honours(rng=rng, today=today)),
            ("共驻共建", lambda: seed_community(rng=rng, today=today)),
            ("党费", dues),
            ("民主评议党员", lambda: seed_appraisals(rng=rng, today=today)),
            ("发展党员", lambda: seed_development(rng=rng, today=today, admin=admin)),
        ]
        for label, step in steps:
            started = time.monotonic()
            self.stdout.write(f"正在生成{label}……")
            if step in (activities, dues):
                counts = step()  # its own transactions, around which the table's indexes are dropped and rebuilt
            else:
                with transaction.atomic():
                    counts = step()
            summary = "，".join(f"{key} {value}" for key, value in counts.items() if isinstance(value, int))
            self.stdout.write(f"  {label}：{summary}（{time.monotonic() - started:.1f} 秒）")


    def _analyse(self) -> None:
        """Fresh statistics for the planner (autovacuum may be off), and no cached page from an earlier city."""
        from activities.ical import calendar_changed
        from branches.access import shell_changed
        from core.cache import bump_version
        from oversight.compliance import matrix_changed
        from oversight.dashboard import DECISIONS_VERSION_KEY

        started = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        for changed in (matrix_changed, calendar_changed, shell_changed):
            changed()
        bump_version(DECISIONS_VERSION_KEY)  # the home figures, the admin's and every secretary's
        self.stdout.write(f"已更新统计信息（ANALYZE，{time.monotonic() - started:.1f} 秒）。")


class CityWriter:
    """Writes a CityPlan with bulk inserts; keeps only primary keys of what it wrote."""

    def __init__(self, city: CityPlan, rng: random.Random, today: dt.date, stdout):
        self.city, self.rng, self.today, self.stdout = city, rng, today, stdout
        self.term_pk: dict[int, tuple[int, dt.date]] = {}
        self.group_pk: dict[tuple[int, int], int] = {}
        self.member_pks: dict[int, list[int]] = {}
        self.member_info: dict[tuple[int, int], tuple[str, str]] = {}  # (leaf, slot) → (name, phone)
        self.user_count = 0
        self.login_lines: list[str] = []

    def write(self) -> None:
        self._organisations()
        self._terms()
        self._groups()
        self._members()
        self._positions()
        self._users()

    def _organisations(self) -> None:
        city = self.city
        self.stdout.write(f"正在生成单位 {len(city.units)} 个、党组织 {len(city.orgs)} 个……")
        units = Unit.objects.bulk_create(
            [Unit(name=name, short_name=name[1:] if name.startswith("市") else name,
                  address=f"淮北市相山区{self.rng.choice(demo_data.ROADS)}{self.rng.randint(1, 300)}号",
                  sort_order=i + 1)
             for i, (name, _) in enumerate(city.units)],
            batch_size=BATCH,
        )
        unit_addresses = [u.address for u in units]
        sort_orders: dict[int | None, int] = {}
        written: list[tuple[OrgPlan, Organisation]] = []
        for depth in range(max(o.depth for o in city.orgs) + 1):
            level = [o for o in city.orgs if o.depth == depth]
            objects = []
            for org in level:
                sort_orders[org.parent] = sort_orders.get(org.parent, 0) + 1
                address = (f"{unit_addresses[org.unit]}{self.rng.randint(1, 9)}楼党员活动室" if org.unit is not None
                           else "淮北市相山区人民路 市委大院")
                objects.append(Organisation(
                    kind=org.kind, name=org.name, short_name="市直机关工委" if org.parent is None else "",
                    unit_id=units[org.unit].pk if org.unit is not None else None,
                    parent_id=city.orgs[org.parent].pk if org.parent is not None else None,
                    depth=depth, established_on=org.established, sort_order=sort_orders[org.parent],
                    address=address,
                ))
            Organisation.objects.bulk_create(objects, batch_size=BATCH)
            for org, obj in zip(level, objects):
                org.pk = obj.pk
                written.append((org, obj))
        # bulk_create skips Organisation.save(), which computes the materialised path; parents come first here.
        paths: dict[int, str] = {}
        for org, obj in written:
            obj.path = (paths[city.orgs[org.parent].pk] if org.parent is not None else "/") + f"{obj.pk}/"
            paths[obj.pk] = obj.path
        Organisation.objects.bulk_update([obj for _, obj in written], ["path"], batch_size=1000)

    def _terms(self) -> None:
        terms = [Term(organisation_id=self.city.orgs[k].pk, number=number, elected_on=starts, starts_on=starts,
                      ends_on=ends)
                 for k, starts, ends, number, _ in self.city.terms]
        Term.objects.bulk_create(terms, batch_size=BATCH)
        for (k, starts, _, _, current), term in zip(self.city.terms, terms):
            if current:
                self.term_pk[k] = (term.pk, starts)

    def _groups(self) -> None:
        groups, keys = [], []
        for k in self.city.leaves:
            org = self.city.orgs[k]
            for g in range(org.groups):
                groups.append(PartyGroup(organisation_id=org.pk, name=f"第{chinese_number(g + 1)}党小组",
                                         sort_order=g + 1))
                keys.append((k, g))
        PartyGroup.objects.bulk_create(groups, batch_size=BATCH)
        self.group_pk = {key: group.pk for key, group in zip(keys, groups)}

    def _members(self) -> None:
        city, rng, today = self.city, self.rng, self.today
        total = sum(len(city.orgs[k].stages) for k in city.leaves)
        self.stdout.write(f"正在生成党员 {total} 名……")
        wanted = {(leaf, slot) for _, _, leaf, slot in city.positions}
        if city.demo_member_slot is not None:
            wanted.add((city.demo_branch, city.demo_member_slot))
        factory = MemberFactory(rng, today)
        buffer: list[tuple] = []
        owners: list[tuple[int, int]] = []
        written, report_at = 0, 100_000

        def flush():
            nonlocal written, report_at
            pks = reserve_ids(Member, len(buffer))
            insert_rows(Member, ["id", *MEMBER_COLUMNS], [(pk, *row) for pk, row in zip(pks, buffer)])
            for (leaf, slot), row, pk in zip(owners, buffer, pks):
                self.member_pks.setdefault(leaf, []).append(pk)
                if (leaf, slot) in wanted:
                    self.member_info[(leaf, slot)] = (row[NAME], row[PHONE])
            written += len(buffer)
            if written >= report_at:
                self.stdout.write(f"  已写入党员 {written}/{total} 名")
                report_at += 100_000
            buffer.clear()
            owners.clear()

        for k in city.leaves:
            org = city.orgs[k]
            size = len(org.stages)
            titles = factory.titles_for(city.units[org.unit][0])
            for slot in range(size):
                group = self.group_pk.get((k, slot * org.groups // size)) if org.groups else None
                buffer.append(factory.make(organisation_id=org.pk, stage=org.stages[slot], flags=org.flags[slot],
                                           titles=titles, party_group_id=group))
                owners.append((k, slot))
            if len(buffer) >= BATCH:
                flush()
        if buffer:
            flush()

    def _pk(self, leaf: int, slot: int) -> int:
        return self.member_pks[leaf][slot]

    def _positions(self) -> None:
        positions = []
        for k, position, leaf, slot in self.city.positions:
            term_pk, starts = self.term_pk[k]
            positions.append(CommitteePosition(organisation_id=self.city.orgs[k].pk, member_id=self._pk(leaf, slot),
                                               position=position, term_id=term_pk, starts_on=starts))
        CommitteePosition.objects.bulk_create(positions, batch_size=BATCH)
        leaders = [PartyGroup(pk=self.group_pk[key], leader_id=self._pk(key[0], slot))
                   for key, slot in self.city.leaders.items()]
        PartyGroup.objects.bulk_update(leaders, ["leader"], batch_size=1000)

    def _users(self) -> None:
        city = self.city
        User = get_user_model()
        secretaries = {org: (leaf, slot) for org, position, leaf, slot in city.positions if position == S}
        demo_secretary = secretaries.get(city.demo_branch)
        demo_member = (city.demo_branch, city.demo_member_slot) if city.demo_member_slot is not None else None
        # (username, full name, phone, member slot, organisation it runs, is admin)
        plans = [("admin", "工委管理员", None, None, None, True)]
        if demo_secretary:
            name, phone = self.member_info[demo_secretary]
            plans.append(("secretary", name, phone, demo_secretary, city.demo_branch, False))
        if demo_member:
            name, phone = self.member_info[demo_member]
            plans.append(("member", name, phone, demo_member, None, False))
        for k in range(1, len(city.orgs)):
            if k != city.demo_branch:
                name, phone = self.member_info[secretaries[k]]
                plans.append((f"sec{city.orgs[k].pk}", name, phone, secretaries[k], k, False))

        taken = set(User.objects.filter(Q(username__in=["admin", "secretary", "member"]) | Q(username__startswith="sec"))
                    .values_list("username", flat=True))
        taken_phones = set(User.objects.exclude(phone=None).values_list("phone", flat=True))
        for username in ("admin", "secretary", "member"):
            if username in taken:
                self.stdout.write(f"用户名 {username} 已存在，保持原样，未创建该演示账号。")
        plans = [p for p in plans if p[0] not in taken]

        password = make_password(DEMO_PASSWORD)  # hashed once: hundreds of users share it
        users = [User(username=username, full_name=full_name, password=password, is_staff=admin, is_superuser=admin,
                      phone=phone if phone and phone not in taken_phones else None)
                 for username, full_name, phone, _, _, admin in plans]
        User.objects.bulk_create(users, batch_size=BATCH)
        self.user_count = len(users)

        links, roles = [], []
        for (username, _, _, slot, org, admin), user in zip(plans, users):
            if slot is not None:
                links.append(Member(pk=self._pk(*slot), user_id=user.pk))
            if admin:
                roles.append(Role(user_id=user.pk, kind=RoleKind.ADMIN))
            elif org is not None:
                roles.append(Role(user_id=user.pk, kind=RoleKind.SECRETARY, organisation_id=city.orgs[org].pk))
        Member.objects.bulk_update(links, ["user"], batch_size=1000)
        Role.objects.bulk_create(roles, batch_size=BATCH)

        created = {p[0]: p for p in plans}
        if "admin" in created:
            self.login_lines.append("admin      工委管理员（可登录 /admin/）")
        if "secretary" in created:
            self.login_lines.append(f"secretary  {city.orgs[city.demo_branch].name} 书记 {created['secretary'][1]}")
        if "member" in created:
            self.login_lines.append(f"member     {city.orgs[city.demo_branch].name} 党员 {created['member'][1]}")
        example = next((p[0] for p in plans if p[0].startswith("sec") and p[0] != "secretary"), None)
        if example:
            self.login_lines.append(f"sec<党组织编号>  各党组织书记，如 {example}")


MEMBER_COLUMNS = [
    "name", "gender", "ethnicity", "birth_date", "id_number", "phone", "education", "employment_status", "job_title",
    "organisation_id", "party_group_id", "stage", "applied_on", "activist_on", "candidate_on", "admitted_on",
    "full_on", "residential_community",
]
NAME, PHONE = MEMBER_COLUMNS.index("name"), MEMBER_COLUMNS.index("phone")


class MemberFactory:
    """Makes one consistent member row (in MEMBER_COLUMNS order) at a time: dates in order and within
    the rules, ID number matching the birth date, unique ID numbers and phones."""

    def __init__(self, rng: random.Random, today: dt.date):
        self.rng = rng
        self.today = today.toordinal()
        self.id_sequences: dict[tuple[str, int, bool], list[int]] = {}
        self.phones: set[str] = set()
        count = len(demo_data.SURNAMES)
        self.surname_weights = list(_cumulative([100 / (i + 4) for i in range(count)]))
        self.ethnicities = [e for e, _ in demo_data.ETHNICITIES]
        self.ethnicity_weights = list(_cumulative([w for _, w in demo_data.ETHNICITIES]))
        self.regions = HUAIBEI_REGIONS + demo_data.OTHER_REGIONS
        self.latest_full_birth = min(dt.date(2000, 12, 31), today - relativedelta(years=26)).toordinal()

    @staticmethod
    def titles_for(unit_name: str) -> list[str]:
        for key, titles in demo_data.UNIT_TITLES.items():
            if key in unit_name:
                return titles + demo_data.JOB_TITLES
        return demo_data.JOB_TITLES

    def _year(self, first: int, last: int) -> int:
        return self.rng.randint(dt.date(first, 1, 1).toordinal(), dt.date(last, 12, 31).toordinal())

    def make(self, *, organisation_id: int, stage: int, flags: int, titles: list[str],
             party_group_id: int | None) -> tuple:
        rng, randint, today = self.rng, self.rng.randint, self.today
        retired, senior = flags & RETIRED, flags & SENIOR
        female = rng.random() < (0.45 if stage != FULL or not senior else 0.3)
        if retired:
            birth = self._year(1960, 1965 if not female else 1970)
        elif stage == FULL:
            birth = self._year(1966 if not female else 1972, 1990 if senior else 2000)
            birth = min(birth, self.latest_full_birth)
        else:
            birth = self._year(1988, 2000)
        adult = birth + 18 * 366  # always past the 18th birthday

        applied = activist = candidate = admitted = full = None
        if stage == FULL:
            delay = randint(365, 400) if rng.random() > 0.05 else randint(540, 731)
            a1, a2, a3 = randint(30, 540), randint(365, 720), randint(60, 300)
            earliest, latest = adult + a1 + a2 + a3, today - delay
            admitted = min(max(birth + int(rng.uniform(21, 38) * 365.25), earliest), latest)
            full = admitted + delay
            candidate = admitted - a3
            activist = candidate - a2
            applied = activist - a1
        elif stage == PROBATIONARY:
            admitted = today - randint(10, 360)
            candidate = admitted - randint(60, 300)
            activist = candidate - randint(365, 720)
            applied = activist - randint(30, 540)
        elif stage == CANDIDATE:
            candidate = today - randint(10, 300)
            activist = candidate - randint(365, 720)
            applied = activist - randint(30, 540)
        elif stage == ACTIVIST:
            activist = today - randint(10, 700)
            applied = activist - randint(30, 540)
        else:
            applied = today - randint(5, 360)

        birth_date = dt.date.fromordinal(birth)
        born = birth_date.year
        if born < 1970:
            education = rng.choices(EDUCATION_OLD, cum_weights=EDUCATION_OLD_W)[0]
        elif born < 1985:
            education = rng.choices(EDUCATION_MID, cum_weights=EDUCATION_MID_W)[0]
        else:
            education = rng.choices(EDUCATION_YOUNG, cum_weights=EDUCATION_YOUNG_W)[0]
        if retired:
            title = demo_data.RETIRED_TITLE
        elif senior:
            title = rng.choice(demo_data.SENIOR_TITLES)
        else:
            title = rng.choice(titles)
        return (
            self._name(female), FEMALE if female else MALE,
            rng.choices(self.ethnicities, cum_weights=self.ethnicity_weights)[0],
            birth_date.isoformat(), self._id_number(birth_date, female), self._phone(),
            education, RETIRED_STATUS if retired else SERVING_STATUS, title, organisation_id, party_group_id,
            STAGES[stage], _date(applied), _date(activist), _date(candidate), _date(admitted), _date(full),
            rng.choice(demo_data.COMMUNITY_NAMES),
        )

    def _name(self, female: bool) -> str:
        rng = self.rng
        surname = rng.choices(demo_data.SURNAMES, cum_weights=self.surname_weights)[0]
        last = rng.choice(demo_data.GIVEN_FEMALE if female else demo_data.GIVEN_MALE)
        if rng.random() < 0.3:
            return surname + last
        first = rng.choice(demo_data.GIVEN_FIRST + (demo_data.GIVEN_FEMALE if female else demo_data.GIVEN_MALE))
        return surname + first + last

    def _id_number(self, birth_date: dt.date, female: bool) -> str:
        rng = self.rng
        region = rng.choice(HUAIBEI_REGIONS) if rng.random() < 0.8 else rng.choice(demo_data.OTHER_REGIONS)
        regions = [region] + self.regions
        for region in regions:
            key = (region, birth_date.toordinal(), female)
            sequence = self.id_sequences.get(key)
            if sequence is None:
                sequence = self.id_sequences[key] = [rng.randrange(400), 0]
            if sequence[1] < 500:  # make_id_number has 500 sequence numbers per day, region and sex
                sequence[1] += 1
                return make_id_number(region=region, birth_date=birth_date, sequence=sum(sequence) - 1,
                                      female=female)
        raise CommandError("公民身份号码顺序码已用尽。")

    def _phone(self) -> str:
        rng = self.rng
        while True:
            phone = f"{rng.choice(demo_data.PHONE_PREFIXES)}{rng.randrange(10 ** 8):08d}"
            if phone not in self.phones:
                self.phones.add(phone)
                return phone


def _cumulative(weights):
    total = 0
    for w in weights:
        total += w
        yield total


def _date(ordinal: int | None) -> str | None:
    return dt.date.fromordinal(ordinal).isoformat() if ordinal is not None else None


EDUCATION_OLD, EDUCATION_OLD_W = (
    [e.value for e in (Education.BACHELOR, Education.COLLEGE, Education.SECONDARY, Education.MASTER,
                       Education.BELOW)],
    list(_cumulative([35, 35, 20, 5, 5])),
)
EDUCATION_MID, EDUCATION_MID_W = (
    [e.value for e in (Education.BACHELOR, Education.MASTER, Education.COLLEGE, Education.SECONDARY,
                       Education.DOCTORATE, Education.BELOW)],
    list(_cumulative([55, 15, 22, 5, 2, 1])),
)
EDUCATION_YOUNG, EDUCATION_YOUNG_W = (
    [e.value for e in (Education.BACHELOR, Education.MASTER, Education.DOCTORATE, Education.COLLEGE)],
    list(_cumulative([55, 35, 3, 7])),
)
