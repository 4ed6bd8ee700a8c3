"""The yearly figures and the lists: hand-counted cases, and query counts that do not grow with the data."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.choices import AttendanceStatus
from branches.models import Organisation
from community import selectors, services
from community.selectors import community_figures
from tests.community.factories import (
    AgreementFactory,
    CampaignFactory,
    DonationFactory,
    ProjectFactory,
    ReportFactory,
    ServiceFactory,
)
from tests.factories import ActivityFactory, AttendanceFactory, MemberFactory
from tests.html import table

pytestmark = pytest.mark.django_db
UTC = dt.timezone.utc


def lecture(organisation, when: dt.datetime, *, participants=None, status="HELD", **kwargs):
    return ActivityFactory(organisation=organisation, kind="OPEN_LECTURE", theme="", is_open=True, status=status,
                           planned_start=when, planned_end=when + dt.timedelta(hours=2),
                           actual_start=when if status == "HELD" else None, participant_count=participants,
                           lecturer="市委党校教授", **kwargs)


def test_open_lecture_totals_match_hand_counts(city, login):
    """2024: three held lectures (120 recorded, 300 recorded, 2 checked in), one planned and one cancelled
    (not counted), one private party lesson (not open); one held in 2023."""
    lecture(city.org_a, dt.datetime(2024, 3, 1, 2, tzinfo=UTC), participants=120)
    lecture(city.org_b, dt.datetime(2024, 6, 1, 2, tzinfo=UTC), participants=300)
    counted = lecture(city.branch_a, dt.datetime(2024, 9, 1, 2, tzinfo=UTC))
    AttendanceFactory(activity=counted, member=city.member, status=AttendanceStatus.PRESENT)
    AttendanceFactory(activity=counted, member=None, guest_name="社区居民", status=AttendanceStatus.PRESENT)
    AttendanceFactory(activity=counted, member=MemberFactory(organisation=city.branch_a),
                      status=AttendanceStatus.ABSENT)
    lecture(city.org_a, dt.datetime(2024, 10, 1, 2, tzinfo=UTC), status="PLANNED")
    lecture(city.org_a, dt.datetime(2024, 11, 1, 2, tzinfo=UTC), status="CANCELLED", cancel_reason="改期")
    ActivityFactory(organisation=city.org_a, kind="PARTY_LESSON", status="HELD", participant_count=50,
                    planned_start=dt.datetime(2024, 5, 1, 2, tzinfo=UTC),
                    planned_end=dt.datetime(2024, 5, 1, 4, tzinfo=UTC),
                    actual_start=dt.datetime(2024, 5, 1, 2, tzinfo=UTC))
    lecture(city.org_a, dt.datetime(2023, 3, 1, 2, tzinfo=UTC), participants=999)

    totals = selectors.open_lecture_totals(year=2024)
    assert (totals.lectures, totals.participants) == (3, 422)
    page = login(city.outsider).get(reverse("community:lecture_list") + "?year=2024").content.decode()
    assert "3 场" in page and "422 人次" in page and counted.get_absolute_url() in page
    assert len(login(city.member_user).get(reverse("community:lecture_list") + "?year=2024")
               .context["page"].object_list) == 4  # the planned one is listed, the cancelled one is not


def test_community_figures_match_hand_counts(city):
    """A hand-built 2024: org B and branch A have agreements (A's is under org A); two members reported, one
    served 3.5 hours; 1,150.50 yuan donated to two campaigns; one temporary branch set up in 2024."""
    lecture(city.org_a, dt.datetime(2024, 3, 1, 2, tzinfo=UTC), participants=100)
    AgreementFactory(organisation=city.branch_a, signed_on=dt.date(2023, 5, 1))
    AgreementFactory(organisation=city.org_b, signed_on=dt.date(2024, 5, 1))
    AgreementFactory(organisation=city.org_b, signed_on=dt.date(2024, 6, 1))
    AgreementFactory(organisation=city.org_a, signed_on=dt.date(2025, 1, 1))  # after the year
    report = ReportFactory(member=city.member, reported_on=dt.date(2024, 3, 1))
    ReportFactory(member=city.other_member, reported_on=dt.date(2024, 4, 1))
    ServiceFactory(report=report, served_on=dt.date(2024, 3, 2), hours=Decimal("2"))
    ServiceFactory(report=report, served_on=dt.date(2024, 4, 2), hours=Decimal("1.5"))
    flood = CampaignFactory(name="防汛", starts_on=dt.date(2024, 7, 1))
    epidemic = CampaignFactory(name="抗疫", starts_on=dt.date(2024, 1, 20))
    DonationFactory(campaign=flood, member=city.member, amount=Decimal("150.50"), donated_on=dt.date(2024, 7, 3))
    DonationFactory(campaign=epidemic, member=None, organisation=city.org_b, amount=Decimal("1000"),
                    donated_on=dt.date(2024, 2, 1))
    DonationFactory(campaign=epidemic, member=city.member, amount=Decimal("77"), donated_on=dt.date(2023, 2, 1))
    services.temporary_branch_create(campaign=flood, parent=city.org_a, name="防汛临时党支部", secretary=city.member,
                                     established_on=dt.date(2024, 7, 2), by=None)

    figures = community_figures(year=2024)
    assert figures.open_lectures == 1 and figures.lecture_participants == 100
    assert figures.organisations_with_agreement == 2
    assert (figures.members_reported, figures.volunteers, figures.volunteer_hours) == (2, 1, Decimal("3.5"))
    assert figures.donations_total == Decimal("1150.50")
    assert [(c.name, c.total) for c in figures.donations_by_campaign] == [
        ("抗疫", Decimal("1000")), ("防汛", Decimal("150.50"))]
    assert figures.temporary_branches == 1

    org_a_tree = Organisation.objects.filter(path__startswith=city.org_a.path)
    a = community_figures(year=2024, organisations=org_a_tree)
    assert (a.open_lectures, a.organisations_with_agreement, a.members_reported, a.volunteers) == (1, 1, 1, 1)
    assert a.donations_total == Decimal("150.50") and a.temporary_branches == 1


def grow(city, n: int) -> None:
    """n more of everything: members who report and serve, agreements with projects, lectures, donations."""
    campaign = CampaignFactory(starts_on=dt.date(2024, 1, 1))
    for i in range(n):
        branch = Organisation.objects.create(kind="BRANCH", name=f"增长支部{n}-{i}", parent=city.org_a,
                                             unit=city.org_a.unit)
        member = MemberFactory(organisation=branch)
        MemberFactory(organisation=city.branch_a)
        ServiceFactory(report=ReportFactory(member=member, reported_on=dt.date(2024, 3, 1)))
        ProjectFactory(agreement=AgreementFactory(organisation=branch))
        lecture(branch, dt.datetime(2024, 4, 1 + i % 27, 2, tzinfo=UTC), participants=10)
        DonationFactory(campaign=campaign, member=member, donated_on=dt.date(2024, 2, 1))
        services.temporary_branch_create(campaign=campaign, parent=branch, name=f"临时支部{n}-{i}",
                                         secretary=member, established_on=dt.date(2024, 2, 1), by=None)


PAGES = [
    ("member_user", lambda c: reverse("community:lecture_list") + "?year=2024"),
    ("admin", lambda c: reverse("community:agreement_list")),
    ("secretary", lambda c: reverse("community:agreement_list")),
    ("admin", lambda c: reverse("community:reporting_overview") + "?year=2024"),
    ("secretary", lambda c: reverse("community:reporting_overview") + "?year=2024"),
    ("member_user", lambda c: reverse("community:my_reporting")),
    ("member_user", lambda c: reverse("community:campaign_list")),
    ("admin", lambda c: reverse("community:campaign_detail", args=[c.campaign.pk])),
]


@pytest.mark.parametrize(("persona", "url_for"), PAGES)
def test_query_count_of_pages_does_not_grow_with_the_data(city, client, persona, url_for,
                                                          django_assert_max_num_queries):
    city.campaign = CampaignFactory(starts_on=dt.date(2024, 1, 1))
    report = ReportFactory(member=city.member, reported_on=dt.date(2024, 3, 1))

    def more(n):
        grow(city, n)
        for _ in range(n):
            ServiceFactory(report=report)
            DonationFactory(campaign=city.campaign, member=MemberFactory(organisation=city.branch_a))

    client.force_login(getattr(city, persona))
    url = url_for(city)
    more(2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    more(10)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_query_count_of_the_figures_does_not_grow_with_the_data(city):
    grow(city, 2)
    org_a_tree = Organisation.objects.filter(path__startswith=city.org_a.path)
    with CaptureQueriesContext(connection) as small:
        community_figures(year=2024)
        community_figures(year=2024, organisations=org_a_tree)
    grow(city, 12)
    with CaptureQueriesContext(connection) as large:
        figures = community_figures(year=2024)
        community_figures(year=2024, organisations=org_a_tree)
    assert len(large.captured_queries) == len(small.captured_queries)
    assert figures.members_reported == 14 and figures.temporary_branches == 14


def test_the_reporting_overview_pages_its_rows_by_organisation(city, client, monkeypatch):
    from community.views import reporting

    monkeypatch.setattr(reporting, "ORGANISATION_ROWS_PER_PAGE", 1)
    client.force_login(city.admin)
    url = reverse("community:reporting_overview") + "?year=2024"
    first = client.get(url)
    rows = first.context["organisation_rows"]
    assert len(rows.object_list) == 1 and rows.paginator.count >= 2
    assert "org_page=2" in first.content.decode()
    second_page = client.get(url + "&org_page=2")
    second = second_page.context["organisation_rows"]
    assert second.object_list[0].name != rows.object_list[0].name
    # Each page's table is its own (the rendered rows are kept per counting and page).
    shown = table(second_page.content.decode(), "reporting-by-organisation")
    assert second.object_list[0].name in shown and rows.object_list[0].name not in shown


def test_the_city_wide_reporting_totals_are_counted_every_five_minutes_a_secretarys_at_once(city, client):
    from freezegun import freeze_time

    from branches.versions import SUMMARY_SECONDS
    from tests.community.factories import ReportFactory

    url = reverse("community:reporting_overview") + "?year=2024"
    with freeze_time("2024-06-01 09:00:00+08:00") as clock:
        client.force_login(city.admin)
        first = client.get(url)
        assert "全市数据统计于 09:00" in first.content.decode()
        ReportFactory(member=city.member)
        assert client.get(url).context["totals"].reported == first.context["totals"].reported
        client.force_login(city.secretary)
        mine = client.get(url)
        assert mine.context["counted_at"] is None
        assert mine.context["totals"].reported == 1
        client.force_login(city.admin)
        clock.tick(SUMMARY_SECONDS + 1)
        assert client.get(url).context["totals"].reported == first.context["totals"].reported + 1


def test_the_lecture_list_is_kept_for_everyone_until_an_activity_changes(city, login, django_assert_max_num_queries):
    lecture(city.org_a, dt.datetime(2024, 3, 1, 2, tzinfo=UTC), participants=120, title="第一讲")
    url = reverse("community:lecture_list") + "?year=2024"
    assert "第一讲" in login(city.member_user).get(url).content.decode()
    client = login(city.outsider)
    client.get(reverse("help"))  # (the outsider's session and account read once)
    with django_assert_max_num_queries(0):  # another user, the same list: nothing read but the kept page
        assert "第一讲" in client.get(url).content.decode()
    added = lecture(city.org_b, dt.datetime(2024, 4, 1, 2, tzinfo=UTC), participants=30, title="第二讲")
    page = login(city.outsider).get(url).content.decode()
    assert "第二讲" in page and "150 人次" in page
    added.status = "CANCELLED"
    added.cancel_reason = "改期"
    added.save()
    page = login(city.outsider).get(url).content.decode()
    assert "第二讲" not in page and "120 人次" in page
    # A check-in on a lecture without a recorded count moves its participants; a host renamed shows at once.
    counted = lecture(city.branch_a, dt.datetime(2024, 5, 1, 2, tzinfo=UTC), title="第三讲")
    attendance = AttendanceFactory(activity=counted, member=city.member, status=AttendanceStatus.EXPECTED)
    assert "120 人次" in login(city.outsider).get(url).content.decode()
    attendance.status = AttendanceStatus.PRESENT
    attendance.save()
    assert "121 人次" in login(city.outsider).get(url).content.decode()
    city.branch_a.short_name = "甲一支部"
    city.branch_a.save()
    assert "甲一支部" in login(city.outsider).get(url).content.decode()
    # Any other query is rendered for itself.
    assert "第一讲" in login(city.outsider).get(url + "&page=abc").content.decode()
