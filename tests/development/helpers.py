"""Building a development record step by step through the services (dates that keep every limit)."""

import datetime as dt

from development import services
from development.choices import Outcome
from development.models import DevelopmentRecord, StepDefinition
from members.choices import Gender
from tests.factories import MemberFactory

D = dt.date

# number → (date, extra data, approval date or None)
HAPPY = {
    2: (D(2022, 1, 20), {}, None),
    3: (D(2022, 3, 1), {}, None),
    4: (D(2022, 3, 5), {}, D(2022, 3, 10)),
    5: (D(2022, 3, 10), {"people": "contacts"}, None),
    6: (D(2022, 9, 1), {"note": "表现良好"}, None),
    7: (D(2023, 3, 1), {}, None),
    8: (D(2023, 3, 5), {}, D(2023, 3, 8)),
    9: (D(2023, 3, 10), {"people": "introducers"}, None),
    10: (D(2023, 3, 15), {}, None),
    11: (D(2023, 3, 20), {"training_days": 3, "end_date": D(2023, 3, 22)}, None),
    12: (D(2023, 4, 3), {"end_date": D(2023, 4, 7)}, None),
    13: (D(2023, 4, 10), {}, D(2023, 4, 12)),
    14: (D(2023, 4, 15), {}, None),
    15: (D(2023, 4, 20), {"votes_for": 9, "votes_against": 0, "votes_abstain": 1, "voters_entitled": 10}, None),
    16: (D(2023, 4, 25), {}, None),
    17: (D(2023, 5, 1), {}, D(2023, 6, 1)),
    18: (D(2023, 6, 10), {}, None),
    19: (D(2023, 6, 15), {}, None),
    20: (D(2023, 7, 1), {}, None),
    21: (D(2023, 10, 1), {}, None),
    22: (D(2024, 4, 10), {}, None),
    23: (D(2024, 4, 20), {"votes_for": 10, "votes_against": 0, "votes_abstain": 0, "voters_entitled": 10}, None),
    24: (D(2024, 4, 25), {"outcome": Outcome.CONVERTED}, D(2024, 5, 10)),
    25: (D(2024, 6, 1), {}, None),
}


BIRTH, APPLIED = D(1995, 6, 1), D(2022, 1, 10)


def applicant(city, *, name="张申请", birth=BIRTH, applied=APPLIED) -> DevelopmentRecord:
    branch = city.branch_a
    return services.applicant_register(by=city.secretary, organisation=branch, applied_on=applied, data={
        "name": name, "gender": Gender.FEMALE, "ethnicity": "汉族", "birth_date": birth, "id_number": None,
        "phone": "", "education": "", "job_title": "科员"})


def full_members(city, count=2):
    return [MemberFactory(organisation=city.branch_a, name=f"介绍人{i}") for i in range(count)]


def data_for(city, number, people=None, **overrides) -> services.StepData:
    day, extra, _ = HAPPY[number]
    extra = dict(extra)
    if extra.pop("people", None):
        extra["people"] = people or full_members(city)
    return services.StepData(date=overrides.pop("date", day), **{**extra, **overrides})


def take(city, record, number, *, approve=True, approved_on=None, **overrides):
    definition = StepDefinition.objects.get(number=number)
    step = services.step_record(record=record, definition=definition, data=data_for(city, number, **overrides),
                                by=city.secretary)
    approval = approved_on or HAPPY[number][2]
    if definition.needs_approval and approve:
        step = services.step_decide(step=step, by=city.admin, approve=True, approved_on=approval)
    return step


def walk(city, record, upto: int, *, start: int = 2):
    people = full_members(city)
    for number in range(start, upto + 1):
        overrides = {"people": people} if HAPPY[number][1].get("people") else {}
        take(city, record, number, **overrides)
    return record
