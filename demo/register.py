"""The register over time in the demo city (issue 15): three years of transfers within the system, out of it and
into it (a few per branch per year, some still waiting, a few overdue), members who retired, died or left the
party, flowing / lost-contact / abroad members, and past terms with the committees they had.

Runs after the activities (a member who moved or left is taken off what came after, as the services do) and
writes with bulk inserts: deterministic for a seed, a few seconds at city scale."""

import datetime as dt
import random
from collections import defaultdict
from itertools import pairwise

from django.db import connection
from django.db.models import Q

from activities.models import Activity, Attendance
from branches.choices import OrganisationKind, OrganisationStatus
from branches.models import CommitteePosition, Organisation, Term
from core.dates import local_midnight
from demo.bulk import bulk_set, copy_lines
from members.choices import (
    LEAVING_STATUS,
    CategoryKind,
    EmploymentStatus,
    LeavingKind,
    MembershipStatus,
    Stage,
    TransferKind,
    TransferStatus,
)
from members.models import Leaving, Member, MemberCategory, MemberOrganisationPeriod, Transfer

BATCH = 2000
LETTER_VALID_DAYS = 90
OUTSIDE = ["中共安徽省合肥市委组织部", "中共宿州市委组织部", "中共江苏省徐州市委组织部", "中共淮南市直属机关工作委员会",
           "中共蚌埠市委组织部", "中共上海市浦东新区委员会组织部", "中共阜阳市直属机关工作委员会"]
PLACES = ["上海市浦东新区", "江苏省苏州市", "浙江省杭州市", "广东省深圳市", "合肥市蜀山区", "北京市海淀区"]
ABROAD = ["新加坡", "德国柏林", "澳大利亚悉尼", "日本东京"]
REASONS_WITHIN = ["工作调动", "单位机构调整", "岗位交流", "挂职锻炼结束"]
LEAVING_REASONS = {
    LeavingKind.DECEASED: "因病医治无效去世",
    LeavingKind.SUSPENDED: "与党组织失去联系超过六个月，经多方查找仍无音讯",
    LeavingKind.LAPSED: "连续六个月不参加组织生活、不交纳党费，经教育仍不改正",
    LeavingKind.REMOVED: "理想信念缺失，经教育仍无转变",
    LeavingKind.EXPELLED: "严重违反党的纪律",
}


def _day(rng: random.Random, year: int, today: dt.date) -> dt.date:
    last = min(dt.date(year, 12, 31), today - dt.timedelta(days=1))
    start = dt.date(year, 1, 1)
    return start + dt.timedelta(days=rng.randint(0, max(0, (last - start).days)))


def seed_register(*, rng: random.Random, today: dt.date, years: int = 3, admin=None) -> dict:
    branches = list(Organisation.objects.filter(kind=OrganisationKind.BRANCH, status=OrganisationStatus.ACTIVE)
                    .order_by("path").values_list("pk", flat=True))
    if len(branches) < 2:
        return {}
    seated = set(CommitteePosition.objects.values_list("member_id", flat=True))
    # Plain party members with no login and no seat: the ones the demo moves around.
    pool: dict[int, list[int]] = defaultdict(list)
    stage_of: dict[int, str] = {}
    for pk, org, stage in (Member.objects.filter(status=MembershipStatus.ACTIVE, user__isnull=True,
                                                 stage__in=[Stage.FULL, Stage.PROBATIONARY])
                           .order_by("pk").values_list("pk", "organisation_id", "stage")):
        if pk not in seated:
            pool[org].append(pk)
            stage_of[pk] = stage
    for members in pool.values():
        rng.shuffle(members)

    def take(org: int) -> int | None:
        members = pool.get(org)
        return members.pop() if members and len(members) > 3 else None

    transfers, periods, moves, arrivals, leavings, left = [], [], [], [], [], []
    numbers: dict[int, int] = defaultdict(int)
    first_year = today.year - years + 1

    def letter(year: int) -> int:
        numbers[year] += 1
        return numbers[year]

    for year in range(first_year, today.year + 1):
        for org in branches:
            for _ in range(rng.choice([0, 1, 1, 2])):  # within the system
                member = take(org)
                if member is None:
                    break
                to = rng.choice(branches)
                if to == org:
                    continue
                sent = _day(rng, year, today)
                accepted = sent + dt.timedelta(days=rng.randint(2, 25))
                waiting = accepted >= today or (year == today.year and rng.random() < 0.08)
                transfer = Transfer(kind=TransferKind.WITHIN, member_id=member, from_organisation_id=org,
                                    to_organisation_id=to, reason=rng.choice(REASONS_WITHIN), sent_on=sent,
                                    letter_year=year, letter_number=letter(year),
                                    valid_until=sent + dt.timedelta(days=LETTER_VALID_DAYS),
                                    dues_paid_to=sent.replace(day=1), stage=stage_of[member], created_by=admin)
                if waiting:
                    transfer.status = TransferStatus.SENT
                elif rng.random() < 0.1:
                    transfer.status, transfer.comment = TransferStatus.RETURNED, "介绍信所列转入单位有误，请核实后重新开具"
                    transfer.decided_at = local_midnight(accepted)
                else:
                    transfer.status, transfer.accepted_on = TransferStatus.ACCEPTED, accepted
                    transfer.decided_at = local_midnight(accepted)
                    moves.append((member, org, to, accepted, len(transfers)))
                transfers.append(transfer)
            if rng.random() < 0.5:  # out of the system
                member = take(org)
                if member is not None:
                    sent = _day(rng, year, today)
                    back = sent + dt.timedelta(days=rng.randint(10, 60))
                    transfer = Transfer(kind=TransferKind.OUT, member_id=member, from_organisation_id=org,
                                        outside_organisation=rng.choice(OUTSIDE), reason="调往外地工作", sent_on=sent,
                                        letter_year=year, letter_number=letter(year),
                                        valid_until=sent + dt.timedelta(days=LETTER_VALID_DAYS),
                                        dues_paid_to=sent.replace(day=1), stage=stage_of[member], created_by=admin)
                    if back < today:
                        transfer.status, transfer.accepted_on = TransferStatus.ACCEPTED, back
                        transfer.decided_at, transfer.receipt_note = local_midnight(back), "回执已收回"
                    transfers.append(transfer)
                    left.append((member, org, sent, MembershipStatus.TRANSFERRED_OUT))
            if rng.random() < 0.4:  # into the system: the member's record starts on the day
                member = take(org)
                if member is not None:
                    accepted = _day(rng, year, today)
                    sent = accepted - dt.timedelta(days=rng.randint(3, 30))
                    transfers.append(Transfer(
                        kind=TransferKind.IN, member_id=member, to_organisation_id=org,
                        outside_organisation=rng.choice(OUTSIDE), reason="工作调入", sent_on=sent,
                        incoming_letter_number=f"（{sent.year}）第{rng.randint(1, 300)}号", incoming_letter_date=sent,
                        accepted_on=accepted, status=TransferStatus.ACCEPTED, decided_at=local_midnight(accepted),
                        stage=stage_of[member], created_by=admin))
                    arrivals.append((member, org, accepted, len(transfers) - 1))
            if rng.random() < 0.25:  # leaving the register
                member = take(org)
                if member is not None:
                    kind = rng.choices(list(LEAVING_REASONS), weights=[8, 2, 2, 1, 1])[0]
                    on = _day(rng, year, today)
                    leavings.append(Leaving(member_id=member, kind=kind, left_on=on, reason=LEAVING_REASONS[kind],
                                            document_number=f"〔{year}〕{rng.randint(1, 60)}号"
                                            if kind != LeavingKind.DECEASED else "", recorded_by=admin))
                    left.append((member, org, on, LEAVING_STATUS[kind]))

    Transfer.objects.bulk_create(transfers, batch_size=BATCH)
    # Each accepted move: the old period closed on the day, the new one from it.
    for member, org, to, on, index in moves:
        periods.append(MemberOrganisationPeriod(member_id=member, organisation_id=org, starts_on=None, ends_on=on))
        periods.append(MemberOrganisationPeriod(member_id=member, organisation_id=to, starts_on=on,
                                                transfer_id=transfers[index].pk))
    for member, org, on, index in arrivals:
        periods.append(MemberOrganisationPeriod(member_id=member, organisation_id=org, starts_on=on,
                                                transfer_id=transfers[index].pk))
    MemberOrganisationPeriod.objects.bulk_create(periods, batch_size=BATCH)
    bulk_set(Member, ["organisation", "party_group"], [(member, to, None) for member, _, to, _, _ in moves])
    Leaving.objects.bulk_create(leavings, batch_size=BATCH)
    bulk_set(Member, ["status", "left_on"], [(member, status, on) for member, _, on, status in left])
    _attendance_after(moves=moves, left=left)

    retired = _retirements(rng=rng, today=today, first_year=first_year)
    categories = _categories(rng=rng, today=today, pool=pool)
    seats = _past_committees()
    return {"转接": len(transfers), "离开党籍": len(leavings), "离退休": retired, "流动/失联/出国": categories,
            "往届委员": seats}


NULL = "\\N"  # COPY's text format


def _attendance_after(*, moves, left) -> None:
    """A member is not at what their old branch held after they moved, nor at anything after they left."""
    if connection.vendor == "postgresql":
        # Province scale: 85,000 such members against 44 million attendance rows. One DELETE joined to a
        # temporary table of (member, old organisation or any, since) instead of hundreds of OR-chains.
        gone = [(member, org, local_midnight(on)) for member, org, _, on, _ in moves]
        gone += [(member, None, local_midnight(on)) for member, _, on, _ in left]
        with connection.cursor() as cursor:
            cursor.execute("CREATE TEMPORARY TABLE demo_gone (member_id bigint, organisation_id bigint, "
                           "since timestamptz) ON COMMIT DROP")
            copy_lines("demo_gone", ["member_id", "organisation_id", "since"], (
                f"{member}\t{NULL if org is None else org}\t{since.isoformat(sep=' ')}\n" for member, org, since in gone))
            # By each member's attendance (the member index, then the activity by its key): the planner's hash
            # join read and hashed all 44 million rows instead (32 s against 8 s at province scale).
            cursor.execute("ANALYZE demo_gone")
            cursor.execute("SET LOCAL enable_hashjoin = off")
            cursor.execute("SET LOCAL enable_mergejoin = off")
            cursor.execute(
                f"DELETE FROM {Attendance._meta.db_table} a USING {Activity._meta.db_table} act, demo_gone g "
                "WHERE a.activity_id = act.id AND a.member_id = g.member_id "
                "AND (g.organisation_id IS NULL OR act.organisation_id = g.organisation_id) "
                "AND act.planned_start >= g.since")
            cursor.execute("RESET enable_hashjoin")
            cursor.execute("RESET enable_mergejoin")
            cursor.execute("DROP TABLE demo_gone")
        return
    conditions = [Q(member_id=member, activity__organisation_id=org, activity__planned_start__gte=local_midnight(on))
                  for member, org, _, on, _ in moves]
    conditions += [Q(member_id=member, activity__planned_start__gte=local_midnight(on)) for member, _, on, _ in left]
    for start in range(0, len(conditions), 200):
        chunk = conditions[start:start + 200]
        condition = chunk[0]
        for more in chunk[1:]:
            condition |= more
        # A raw delete: the ORM's delete would write a history row per attendance (simple-history's signal),
        # which at city scale takes minutes; the demo's own rows need no history of their removal.
        rows = Attendance.objects.filter(pk__in=list(Attendance.objects.filter(condition).values_list("pk", flat=True)))
        rows._raw_delete(rows.db)


def _retirements(*, rng: random.Random, today: dt.date, first_year: int) -> int:
    """Retired members get a retirement date; a few serving ones retired during the demo years."""
    retired = list(Member.objects.filter(employment_status=EmploymentStatus.RETIRED, retired_on__isnull=True)
                   .order_by("pk").values_list("pk", "birth_date"))
    dated = []
    for pk, born in retired:
        at = dt.date(born.year + 60, born.month, 28 if (born.month, born.day) == (2, 29) else born.day)
        dated.append((pk, min(at, today - dt.timedelta(days=1))))
    serving = list(Member.objects.filter(employment_status=EmploymentStatus.SERVING, status=MembershipStatus.ACTIVE,
                                         user__isnull=True).order_by("pk").values_list("pk", flat=True))
    newly = [(pk, EmploymentStatus.RETIRED.value, _day(rng, rng.randint(first_year, today.year), today))
             for pk in rng.sample(serving, min(len(serving), max(3, len(serving) // 150)))]
    bulk_set(Member, ["retired_on"], dated)
    bulk_set(Member, ["employment_status", "retired_on"], newly)
    return len(dated) + len(newly)


def _categories(*, rng: random.Random, today: dt.date, pool: dict[int, list[int]]) -> int:
    rows = []
    for org in sorted(pool):
        if rng.random() >= 0.3:
            continue
        member = pool[org].pop() if len(pool[org]) > 3 else None
        if member is None:
            continue
        kind = rng.choices([CategoryKind.FLOWING, CategoryKind.LOST_CONTACT, CategoryKind.ABROAD], weights=[6, 1, 2])[0]
        starts = today - dt.timedelta(days=rng.randint(60, 900))
        ended = starts + dt.timedelta(days=rng.randint(60, 400))
        row = MemberCategory(member_id=member, kind=kind, starts_on=starts,
                             ends_on=ended if ended < today and rng.random() < 0.3 else None)
        if kind == CategoryKind.FLOWING:
            row.place, row.contact = rng.choice(PLACES), f"139{rng.randint(0, 99999999):08d}"
            row.pledge = "在流入地参加组织生活，每季度向党支部书面汇报一次思想和工作情况"
        elif kind == CategoryKind.LOST_CONTACT:
            row.efforts = "支部通过电话、走访家属、联系原单位等方式多次查找，尚未联系上"
        else:
            row.place = rng.choice(ABROAD)
            row.pledge = "出国（境）期间保持与党支部联系，定期汇报"
        rows.append(row)
    MemberCategory.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def _past_committees() -> int:
    """Each past term gets the committee it had: the current committee's posts, held through that term."""
    current = defaultdict(list)
    for org, member, position in (CommitteePosition.objects.filter(ends_on__isnull=True).order_by("pk")
                                  .values_list("organisation_id", "member_id", "position")):
        current[org].append((member, position))
    terms = defaultdict(list)
    for pk, org, starts, ends in Term.objects.order_by("organisation_id", "starts_on").values_list(
            "pk", "organisation_id", "starts_on", "ends_on"):
        terms[org].append((pk, starts, ends))
    rows = []
    for org, org_terms in terms.items():
        for (pk, starts, _), (_, next_starts, _) in pairwise(org_terms):
            for member, position in current.get(org, []):
                rows.append(CommitteePosition(organisation_id=org, member_id=member, position=position, term_id=pk,
                                              starts_on=starts, ends_on=max(starts, next_starts - dt.timedelta(days=1))))
    CommitteePosition.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)
