import datetime as dt
import random

from branches.choices import OrganisationKind
from demo.development import seed_development
from development.models import DevelopmentRecord, DevelopmentStep
from development.services import record_recompute
from members.choices import Stage
from members.models import Member
from tests.factories import MemberFactory, OrganisationFactory

TODAY = dt.date(2026, 11, 24)


def small_city():
    root = OrganisationFactory(kind=OrganisationKind.WORKING_COMMITTEE, name="市直机关工委", unit=None)
    rng = random.Random(3)
    for n in range(6):
        organisation = OrganisationFactory(parent=root)
        branch = OrganisationFactory(parent=organisation)
        MemberFactory.create_batch(4, organisation=branch)
        for _ in range(2):
            applied = TODAY - dt.timedelta(days=rng.randint(5, 300))
            MemberFactory(organisation=branch, stage=Stage.APPLICANT, applied_on=applied, activist_on=None,
                          candidate_on=None, admitted_on=None, full_on=None)
        activist = TODAY - dt.timedelta(days=rng.randint(10, 600))
        MemberFactory(organisation=branch, stage=Stage.ACTIVIST, applied_on=activist - dt.timedelta(days=60),
                      activist_on=activist, candidate_on=None, admitted_on=None, full_on=None)
        admitted = TODAY - dt.timedelta(days=rng.randint(10, 350))
        candidate = admitted - dt.timedelta(days=100)
        MemberFactory(organisation=branch, stage=Stage.PROBATIONARY, applied_on=candidate - dt.timedelta(days=500),
                      activist_on=candidate - dt.timedelta(days=400), candidate_on=candidate, admitted_on=admitted,
                      full_on=None)


def snapshot():
    return list(DevelopmentStep.objects.order_by("pk").values_list("record__member__name", "definition__number",
                                                                   "date", "status", "approved_on"))


def test_every_person_in_the_pipeline_gets_steps_that_give_back_their_stage(db):
    small_city()
    result = seed_development(rng=random.Random(7), today=TODAY)
    assert result["发展档案"] == DevelopmentRecord.objects.count() == 24
    before = dict(Member.objects.values_list("pk", "stage"))
    for record in DevelopmentRecord.objects.select_related("member"):
        record_recompute(record=record, by=None)
    assert dict(Member.objects.values_list("pk", "stage")) == before
    assert DevelopmentStep.objects.filter(definition__number=17, status="APPROVED").count() == 6
    assert all(step.date <= TODAY for step in DevelopmentStep.objects.all())


def test_the_same_seed_gives_the_same_pipeline(db):
    small_city()
    seed_development(rng=random.Random(7), today=TODAY)
    first = snapshot()
    DevelopmentStep.objects.all().delete()
    DevelopmentRecord.objects.all().delete()
    seed_development(rng=random.Random(7), today=TODAY)
    assert [row[1:] for row in snapshot()] == [row[1:] for row in first]
