"""民主评议党员 for each year of the demo city whose 组织生活会 was held (called by `seed_demo`): every full member
graded (优秀 about a fifth, never over a third; a few 基本合格; now and then a 不合格 with 限期改正), probationary
members taking part ungraded. Past years are confirmed by the working committee; the last year is partly still
submitted or in draft. Deterministic for a given random generator; bulk-inserted."""

import datetime as dt
import random
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.utils import timezone

from activities.choices import ActivityKind, ActivityStatus
from activities.models import Activity
from appraisals.choices import AppraisalStatus, FollowUp, Grade
from appraisals.models import Appraisal, AppraisalEntry
from demo.bulk import insert_rows
from members.choices import Stage
from members.models import Member

BATCH = 5000
ENTRY_COLUMNS = ["appraisal_id", "member_id", "stage", "graded", "grade", "follow_up", "follow_up_note"]


def _grades(rng: random.Random, n: int) -> list[tuple[str, str, str]]:
    excellent = min(n // 3, round(n * rng.uniform(0.12, 0.3)))
    grades = [(Grade.EXCELLENT, "", "")] * excellent
    for _ in range(n - excellent):
        draw = rng.random()
        if draw < 0.004:
            grades.append((Grade.UNQUALIFIED, FollowUp.CORRECTION, "限期三个月改正，由支部书记谈话提醒并跟踪"))
        elif draw < 0.03:
            grades.append((Grade.BASICALLY_QUALIFIED, "", ""))
        else:
            grades.append((Grade.QUALIFIED, "", ""))
    rng.shuffle(grades)
    return grades


def seed_appraisals(*, rng: random.Random, today: dt.date) -> dict:
    meetings = list(Activity.objects.filter(kind=ActivityKind.ORG_LIFE_MEETING, status=ActivityStatus.HELD)
                    .order_by("organisation_id", "planned_start").values_list("pk", "organisation_id", "actual_start",
                                                                              "planned_start"))
    members: dict[int, list[tuple[int, dt.date | None, dt.date | None]]] = defaultdict(list)
    for pk, organisation_id, stage, admitted_on, full_on in (
            Member.objects.party_members().order_by("organisation_id", "pk")
            .values_list("pk", "organisation_id", "stage", "admitted_on", "full_on")):
        # A full member without a recorded conversion date counts as full (old registers lack the date).
        members[organisation_id].append((pk, admitted_on, full_on or (admitted_on if stage == Stage.FULL else None)))
    admin = get_user_model().objects.filter(username="admin").first()
    last_year = max((timezone.localtime(a or p).year for _, _, a, p in meetings), default=None)
    appraisals, plans, seen = [], [], set()
    for meeting_pk, organisation_id, actual, planned in meetings:
        held = timezone.localtime(actual or planned)
        key = (organisation_id, held.year)
        if key in seen or not members.get(organisation_id):
            continue
        seen.add(key)
        day = held.date()
        taking_part = [(pk, full_on is not None and full_on < day) for pk, admitted_on, full_on in
                       members[organisation_id] if admitted_on and admitted_on <= day]
        if not taking_part:
            continue
        draw = rng.random()
        status = AppraisalStatus.CONFIRMED
        if held.year == last_year and draw < 0.15:
            status = AppraisalStatus.SUBMITTED if draw < 0.1 else AppraisalStatus.DRAFT
        decided_at = held + dt.timedelta(days=rng.randint(10, 40)) if status == AppraisalStatus.CONFIRMED else None
        appraisals.append(Appraisal(
            organisation_id=organisation_id, year=held.year, meeting_id=meeting_pk, status=status,
            submitted_at=held + dt.timedelta(days=rng.randint(2, 8)) if status != AppraisalStatus.DRAFT else None,
            decided_by=admin if decided_at else None, decided_at=decided_at))
        plans.append((taking_part, status))
    created = Appraisal.objects.bulk_create(appraisals, batch_size=BATCH)
    entries, counts = [], defaultdict(int)
    for appraisal, (taking_part, status) in zip(created, plans, strict=True):
        full = [pk for pk, is_full in taking_part if is_full]
        grades = _grades(rng, len(full))
        if status == AppraisalStatus.DRAFT:  # still being graded
            grades = [("", "", "")] * len(full)
        for pk, (grade, follow_up, note) in zip(full, grades, strict=True):
            entries.append((appraisal.pk, pk, Stage.FULL.value, True, str(grade), str(follow_up), note))
            counts[grade or "ungraded_yet"] += 1
        for pk, is_full in taking_part:
            if not is_full:
                entries.append((appraisal.pk, pk, Stage.PROBATIONARY.value, False, "", "", ""))
                counts["probationary"] += 1
    # A million entries at province scale: plain rows (demo.bulk.insert_rows), no model instances.
    insert_rows(AppraisalEntry, ENTRY_COLUMNS, entries)
    return {"appraisals": len(created), "entries": len(entries), **{str(k): v for k, v in counts.items()}}
