import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from community import selectors, services
from community.models import CommunityReport, ReporterType, ServiceRecord
from members.choices import EmploymentStatus
from tests.community.factories import ReportFactory, ServiceFactory, member_reporter_type
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_the_three_reporter_types_are_seeded_as_data(db):
    names = list(ReporterType.objects.values_list("name", flat=True))
    assert names == ["在职党员到居住地社区报到", "党组织到所在社区报到", "领导干部到联系点报到"]


def test_a_member_records_their_report_and_a_service(city, login):
    client = login(city.member_user)
    response = client.post(reverse("community:report_create"), {
        "reporter_type": member_reporter_type().pk, "community": "相山区东山社区", "reported_on": "2025-03-01"})
    assert response.status_code == 302
    report = CommunityReport.objects.get(member=city.member)
    assert report.created_by == city.member_user
    response = client.post(reverse("community:service_create", args=[report.pk]),
                           {"served_on": "2025-03-08", "hours": "2.5", "description": "疫情防控卡口值守"})
    assert response.status_code == 302
    service = ServiceRecord.objects.get(report=report)
    assert service.hours == Decimal("2.5") and service.recorded_by == city.member_user
    page = client.get(reverse("community:my_reporting")).content.decode()
    assert "相山区东山社区" in page and "疫情防控卡口值守" in page


def test_a_member_cannot_record_a_service_on_someone_elses_report(city, login):
    other = ReportFactory(member=city.other_member)
    colleague = ReportFactory(member=MemberFactory(organisation=city.branch_a))
    client = login(city.member_user)
    for report in (other, colleague):
        response = client.post(reverse("community:service_create", args=[report.pk]),
                               {"served_on": "2024-04-01", "hours": "1", "description": "冒名登记"})
        assert response.status_code == 404
    assert not ServiceRecord.objects.exists()


def test_a_member_reports_only_for_themselves_even_if_they_post_another_member(city, login):
    client = login(city.member_user)
    client.post(reverse("community:report_create"), {
        "reporter_type": member_reporter_type().pk, "community": "东山社区", "reported_on": "2025-03-01",
        "member": city.other_member.pk})
    assert list(CommunityReport.objects.values_list("member", flat=True)) == [city.member.pk]


def test_a_member_reports_once_a_year_per_type(city):
    ReportFactory(member=city.member, reported_on=dt.date(2024, 3, 1))
    with pytest.raises(ValidationError):
        services.report_create(member=city.member, by=None, reporter_type=member_reporter_type(),
                               community="别的社区", reported_on=dt.date(2024, 9, 1))
    services.report_create(member=city.member, by=None, reporter_type=member_reporter_type(), community="东山社区",
                           reported_on=dt.date(2025, 2, 1))


def test_the_organisation_reporter_type_is_not_a_members_report(city):
    organisation_type = ReporterType.objects.get(code="organisation-community")
    with pytest.raises(ValidationError):
        services.report_create(member=city.member, by=None, reporter_type=organisation_type, community="东山社区",
                               reported_on=dt.date(2024, 3, 1))


def test_a_service_is_not_before_the_report_nor_longer_than_a_day(city):
    report = ReportFactory(member=city.member, reported_on=dt.date(2024, 3, 1))
    with pytest.raises(ValidationError):
        services.service_record(report=report, by=None, served_on=dt.date(2024, 2, 1), hours=Decimal("1"),
                                description="早于报到")
    with pytest.raises(ValidationError):
        services.service_record(report=report, by=None, served_on=dt.date(2024, 3, 2), hours=Decimal("25"),
                                description="超过一天")


def test_a_secretary_sees_non_reporters_of_their_own_organisations_only(city, login):
    reported = MemberFactory(name="已报到甲", organisation=city.branch_a)
    ReportFactory(member=reported, reported_on=dt.date(2024, 5, 1))
    MemberFactory(name="未报到甲", organisation=city.branch_a)
    MemberFactory(name="退休甲", organisation=city.branch_a, employment_status=EmploymentStatus.RETIRED)
    MemberFactory(name="未报到乙", organisation=city.org_b)
    page = login(city.secretary).get(reverse("community:reporting_overview") + "?year=2024").content.decode()
    assert "未报到甲" in page and "甲党员" in page
    assert "已报到甲" not in page.split("尚未报到")[1]
    assert "退休甲" not in page and "未报到乙" not in page and "乙党员" not in page


def test_reporting_totals_match_hand_counts(city):
    """Branch A: 3 serving members (甲党员 + two), 2 reported in 2024, one served twice (2 + 1.5 h);
    org B: 2 serving (乙党员 + one), 1 reported, served once (3 h). A 2023 report and service do not count."""
    a1, a2 = MemberFactory(organisation=city.branch_a), MemberFactory(organisation=city.branch_a)
    b1 = MemberFactory(organisation=city.org_b)
    MemberFactory(organisation=city.branch_a, employment_status=EmploymentStatus.RETIRED)  # not serving
    r1 = ReportFactory(member=a1, reported_on=dt.date(2024, 3, 1))
    ReportFactory(member=a2, reported_on=dt.date(2024, 4, 1))
    rb = ReportFactory(member=b1, reported_on=dt.date(2024, 3, 1))
    old = ReportFactory(member=city.member, reported_on=dt.date(2023, 3, 1))
    ServiceFactory(report=r1, served_on=dt.date(2024, 3, 2), hours=Decimal("2"))
    ServiceFactory(report=r1, served_on=dt.date(2024, 6, 2), hours=Decimal("1.5"))
    ServiceFactory(report=rb, served_on=dt.date(2024, 3, 9), hours=Decimal("3"))
    ServiceFactory(report=old, served_on=dt.date(2023, 5, 1), hours=Decimal("8"))

    city_totals = selectors.reporting_totals(year=2024)
    assert (city_totals.serving, city_totals.reported, city_totals.served, city_totals.hours) == (
        5, 3, 2, Decimal("6.5"))
    rows = {row.organisation_id: row for row in city_totals.rows}
    assert (rows[city.branch_a.pk].serving, rows[city.branch_a.pk].reported, rows[city.branch_a.pk].served,
            rows[city.branch_a.pk].hours) == (3, 2, 1, Decimal("3.5"))
    assert (rows[city.org_b.pk].reported, rows[city.org_b.pk].hours) == (1, Decimal("3"))
    # Serving without a 2024 report: 甲党员 and 乙党员 (the retired member is not expected to report); the three
    # 2024 reports all await the community's confirmation. The lists the page shows count the same.
    assert city_totals.unreported == 2 == selectors.non_reporters(year=2024).count()
    assert city_totals.unconfirmed == 3 == selectors.unconfirmed_reports(year=2024).count()
    r1.confirmed_by_community, r1.confirmed_on = True, dt.date(2024, 3, 3)
    r1.save()
    assert selectors.reporting_totals(year=2024).unconfirmed == 2

    from branches.models import Organisation

    a_only = selectors.reporting_totals(organisations=Organisation.objects.filter(path__startswith=city.org_a.path),
                                        year=2024)
    assert (a_only.serving, a_only.reported, a_only.served, a_only.hours) == (3, 2, 1, Decimal("3.5"))
    assert (a_only.unreported, a_only.unconfirmed) == (1, 1)
    assert [m.pk for m in selectors.non_reporters(
        organisations=Organisation.objects.filter(path__startswith=city.org_a.path), year=2024)] == [city.member.pk]


def test_a_secretary_confirms_a_report_of_their_organisation(city, login):
    report = ReportFactory(member=city.member, reported_on=dt.date(2024, 3, 1))
    assert login(city.other_secretary).post(reverse("community:report_confirm", args=[report.pk])).status_code == 404
    assert login(city.secretary).post(reverse("community:report_confirm", args=[report.pk])).status_code == 302
    report.refresh_from_db()
    assert report.confirmed_by_community and report.confirmed_on is not None


def test_a_secretary_sees_reports_awaiting_confirmation_of_their_organisations_only(city, login):
    ReportFactory(member=city.member, reported_on=dt.date(2024, 3, 1), community="甲的社区")
    ReportFactory(member=city.other_member, reported_on=dt.date(2024, 3, 1), community="乙的社区")
    ReportFactory(member=MemberFactory(organisation=city.branch_a), reported_on=dt.date(2024, 3, 1),
                  community="已确认社区", confirmed_by_community=True, confirmed_on=dt.date(2024, 3, 2))
    response = login(city.secretary).get(reverse("community:reporting_overview") + "?year=2024")
    assert [r.community for r in response.context["pending"]] == ["甲的社区"]
    assert response.context["pending_count"] == 1


def test_a_secretarys_reporting_page_is_kept_until_a_report_service_or_member_of_theirs_changes(
        city, login, django_assert_max_num_queries):
    client = login(city.secretary)
    url = reverse("community:reporting_overview") + "?year=2024"

    def shown():
        response = client.get(url)
        return response.context["totals"], response.content.decode()

    late = MemberFactory(name="迟到甲", organisation=city.branch_a)
    totals, page = shown()
    assert totals.reported == 0 and "迟到甲" in page.split("尚未报到")[1]
    with django_assert_max_num_queries(1):  # kept: only the reports awaiting confirmation are read
        assert shown()[1].split("在职党员到社区报到")[-1] == page.split("在职党员到社区报到")[-1]
    report = ReportFactory(member=late, reported_on=dt.date(2024, 4, 1), community="迟到的社区")
    totals, page = shown()
    assert totals.reported == 1 and "迟到甲" not in page.split("尚未报到")[1] and "迟到的社区" in page
    ServiceFactory(report=report, served_on=dt.date(2024, 4, 2), hours=Decimal("3"))
    assert shown()[0].hours == Decimal("3")
    assert client.post(reverse("community:report_confirm", args=[report.pk])).status_code == 302
    totals, page = shown()
    assert totals.unconfirmed == 0 and "迟到的社区" not in page
    MemberFactory(name="新来甲", organisation=city.branch_a)
    assert "新来甲" in shown()[1].split("尚未报到")[1]
    # Another organisation's report changes nothing here.
    ReportFactory(member=city.other_member, reported_on=dt.date(2024, 4, 1))
    with django_assert_max_num_queries(1):
        shown()
