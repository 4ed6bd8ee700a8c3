"""The demo city's development pipeline (called by `seed_demo` after the people exist): every applicant,
activist, candidate and probationary member on the register gets a development record whose steps match the
dates already on the register (talk within the month, a year as activist, training, publicity of five working
days, approval within three months …), the approval steps decided by the working committee; each affiliated
organisation gets this year's development plan. Deterministic for a given random generator; bulk-inserted."""

import datetime as dt
import random
from collections import defaultdict

from django.utils import timezone

from branches.models import Organisation
from development.choices import StepStatus
from development.models import DevelopmentPlan, DevelopmentRecord, DevelopmentStep, StepDefinition
from members.choices import MembershipStatus, Stage
from members.models import Member

BATCH = 2000
PIPELINE = [Stage.APPLICANT, Stage.ACTIVIST, Stage.CANDIDATE, Stage.PROBATIONARY]


def _d(day: dt.date, days: int) -> dt.date:
    return day + dt.timedelta(days=days)


def _weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _plan_steps(rng: random.Random, member, today: dt.date) -> list[tuple[int, dt.date, dict]]:
    """(number, date, extra fields) of the steps the member's register dates imply, none after today."""
    steps = [(1, member.applied_on, {})]
    applied, activist, candidate, admitted = member.applied_on, member.activist_on, member.candidate_on, \
        member.admitted_on
    talk = _d(applied, rng.randint(5, 25))
    if activist:
        talk = min(talk, _d(activist, -3))
    steps.append((2, talk, {"note": "了解入党动机，介绍党的基本知识。"}))
    if activist:
        steps += [(3, activist, {}), (4, _d(activist, 3), {"approve": rng.randint(2, 10)}),
                  (5, _d(activist, 7), {"people": "contacts"})]
        day = _d(activist, 180)
        while day <= (candidate or today) and day <= today:
            steps.append((6, day, {"note": "思想积极，工作表现突出。"}))
            day = _d(day, 182)
    if candidate:
        steps += [(7, candidate, {}), (8, _d(candidate, 3), {"approve": rng.randint(2, 10)}),
                  (9, _d(candidate, 7), {"people": "introducers"}), (10, _d(candidate, 12), {}),
                  (11, _d(candidate, 20), {"training_days": 3, "training_hours": 24, "end_date": _d(candidate, 22)})]
    if admitted:
        start = _weekday(_d(admitted, -20))
        steps += [(12, start, {"end_date": _d(start, 7)}), (13, _d(admitted, -10), {"approve": 2}),
                  (14, _d(admitted, -6), {})]
        votes = rng.randint(6, 30)
        steps.append((15, admitted, {"voters_entitled": votes, "votes_for": votes, "votes_against": 0,
                                     "votes_abstain": 0}))
        talk_on = min(_d(admitted, 5), today)
        steps.append((16, talk_on, {}))
        approved = min(_d(admitted, rng.randint(20, 80)), today)
        steps.append((17, min(_d(admitted, 7), today), {"approved_on": approved}))
        steps += [(18, _d(approved, 7), {}), (19, _d(approved, 10), {}), (20, _d(approved, 30), {})]
        day = _d(approved, 120)
        while day <= today:
            steps.append((21, day, {"note": "按时参加组织生活，发挥作用明显。"}))
            day = _d(day, 120)
    return [(n, day, extra) for n, day, extra in steps if day and day <= today]


def seed_development(*, rng: random.Random, today: dt.date, admin=None) -> dict[str, int]:
    definitions = {d.number: d for d in StepDefinition.objects.all()}
    people = list(Member.objects.filter(status=MembershipStatus.ACTIVE, stage__in=PIPELINE)
                  .exclude(development__isnull=False).order_by("pk")
                  .only("pk", "organisation_id", "applied_on", "activist_on", "candidate_on", "admitted_on"))
    needed = {p.organisation_id for p in people}
    full: dict[int, list[int]] = defaultdict(list)
    for pk, organisation_id in (Member.objects.filter(organisation_id__in=needed, stage=Stage.FULL,
                                                      status=MembershipStatus.ACTIVE)
                                .order_by("pk").values_list("pk", "organisation_id")):
        full[organisation_id].append(pk)
    records = DevelopmentRecord.objects.bulk_create(
        [DevelopmentRecord(member_id=p.pk, opened_on=p.applied_on or today, opened_by=admin) for p in people],
        batch_size=BATCH)
    now = timezone.now()
    rows, links = [], []
    for person, record in zip(people, records):
        rounds: dict[int, int] = defaultdict(int)
        for number, day, extra in _plan_steps(rng, person, today):
            extra = dict(extra)
            definition = definitions[number]
            who = extra.pop("people", None)
            approve_after = extra.pop("approve", None)
            step = DevelopmentStep(record=record, definition=definition, date=day, recorded_by=admin,
                                   round=1, status=StepStatus.RECORDED, **extra)
            if definition.needs_approval:
                step.status = StepStatus.APPROVED
                step.approved_on = step.approved_on or min(_d(day, approve_after or 5), today)
                step.decided_by, step.decided_at = admin, now
            rounds[number] += 1
            step.round = rounds[number]
            rows.append(step)
            if who:
                pool = [pk for pk in full.get(person.organisation_id, []) if pk != person.pk]
                links.append((step, rng.sample(pool, min(2, len(pool)))))
    DevelopmentStep.objects.bulk_create(rows, batch_size=BATCH)
    through = DevelopmentStep.people.through
    through.objects.bulk_create([through(developmentstep_id=step.pk, member_id=pk) for step, pks in links
                                 for pk in pks], batch_size=BATCH)
    plans = [DevelopmentPlan(organisation=organisation, year=today.year, planned=rng.randint(0, 2))
             for organisation in Organisation.objects.filter(parent__parent__isnull=True, parent__isnull=False)
             .order_by("pk")]
    DevelopmentPlan.objects.bulk_create(plans, batch_size=BATCH, ignore_conflicts=True)
    return {"发展档案": len(records), "步骤记录": len(rows), "年度计划": len(plans)}
