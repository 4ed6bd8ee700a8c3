import datetime as dt

from appraisals import services
from tests.factories import ActivityFactory, MemberFactory


def meeting(organisation, year=2025):
    start = dt.datetime(year, 12, 10, 6, 0, tzinfo=dt.UTC)
    return ActivityFactory(organisation=organisation, kind="ORG_LIFE_MEETING", theme="",
                           title=f"{year}年度组织生活会", planned_start=start, planned_end=start + dt.timedelta(hours=3))


def appraisal_with(city, *, full: int, probationary: int = 0, year=2025, by=None):
    """An appraisal of branch A with `full` full members (city.member among them) and some probationary ones."""
    MemberFactory.create_batch(full - 1, organisation=city.branch_a)
    MemberFactory.create_batch(probationary, organisation=city.branch_a, stage="PROBATIONARY",
                               admitted_on=dt.date(year, 3, 1), full_on=None)
    return services.appraisal_start(organisation=city.branch_a, meeting=meeting(city.branch_a, year),
                                    by=by or city.secretary)
