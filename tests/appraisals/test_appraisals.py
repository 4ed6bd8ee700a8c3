"""民主评议党员: full members graded, probationary members taking part ungraded, 优秀 at most one third of those
graded (a rule row), 不合格 with a recorded follow-up, and the draft → submitted → confirmed workflow."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from appraisals import selectors, services
from appraisals.choices import AppraisalStatus, FollowUp, Grade
from appraisals.models import AppraisalEntry
from tests.appraisals.helpers import appraisal_with, meeting


def grades_for(appraisal, excellent: int, rest=Grade.QUALIFIED):
    entries = list(appraisal.entries.filter(graded=True).order_by("pk"))
    return {e.member_id: {"grade": Grade.EXCELLENT if i < excellent else rest} for i, e in enumerate(entries)}


def test_everyone_takes_part_but_only_full_members_are_to_be_graded(city):
    appraisal = appraisal_with(city, full=4, probationary=2)
    assert appraisal.entries.count() == 6
    assert appraisal.entries.filter(graded=False).count() == 2
    assert set(appraisal.entries.filter(graded=False).values_list("stage", flat=True)) == {"PROBATIONARY"}


def test_exactly_one_third_excellent_is_accepted(city):
    appraisal = appraisal_with(city, full=9, probationary=2)
    services.appraisal_grade(appraisal=appraisal, grades=grades_for(appraisal, 3), by=city.secretary)
    assert AppraisalEntry.objects.filter(grade=Grade.EXCELLENT).count() == 3


def test_one_excellent_beyond_a_third_is_refused_with_the_numbers(city):
    appraisal = appraisal_with(city, full=9, probationary=2)
    with pytest.raises(ValidationError) as error:
        services.appraisal_grade(appraisal=appraisal, grades=grades_for(appraisal, 4), by=city.secretary)
    message = str(error.value)
    assert "4 人" in message and "9 人" in message and "至多 3 人" in message
    assert not AppraisalEntry.objects.exclude(grade="").exists()  # refused whole


def test_a_probationary_member_cannot_be_graded(city):
    appraisal = appraisal_with(city, full=3, probationary=1)
    probationary = appraisal.entries.get(graded=False)
    with pytest.raises(ValidationError, match="预备党员"):
        services.appraisal_grade(appraisal=appraisal, grades={probationary.member_id: {"grade": Grade.QUALIFIED}},
                                 by=city.secretary)
    probationary.grade = Grade.QUALIFIED
    with pytest.raises(ValidationError):
        probationary.full_clean()


def test_unqualified_needs_a_recorded_follow_up(city):
    appraisal = appraisal_with(city, full=3)
    member_id = appraisal.entries.first().member_id
    with pytest.raises(ValidationError, match="组织处置"):
        services.appraisal_grade(appraisal=appraisal, grades={member_id: {"grade": Grade.UNQUALIFIED}},
                                 by=city.secretary)
    services.appraisal_grade(appraisal=appraisal, by=city.secretary, grades={member_id: {
        "grade": Grade.UNQUALIFIED, "follow_up": FollowUp.CORRECTION, "follow_up_note": "三个月内改正，支部跟踪"}})
    assert AppraisalEntry.objects.get(member_id=member_id).follow_up == FollowUp.CORRECTION


def test_it_is_submitted_when_all_are_graded_then_confirmed_by_the_superior_and_final(city):
    appraisal = appraisal_with(city, full=3, probationary=1)
    with pytest.raises(ValidationError, match="3 名正式党员没有评定等次"):
        services.appraisal_submit(appraisal=appraisal, by=city.secretary)
    services.appraisal_grade(appraisal=appraisal, grades=grades_for(appraisal, 1), by=city.secretary)
    services.appraisal_submit(appraisal=appraisal, by=city.secretary)
    with pytest.raises(ValidationError, match="不能再修改"):
        services.appraisal_grade(appraisal=appraisal, grades=grades_for(appraisal, 0), by=city.secretary)
    services.appraisal_decide(appraisal=appraisal, target=AppraisalStatus.CONFIRMED, by=city.admin)
    appraisal.refresh_from_db()
    assert appraisal.status == AppraisalStatus.CONFIRMED and appraisal.decided_by == city.admin
    with pytest.raises(ValidationError, match="不能再更改"):
        services.appraisal_decide(appraisal=appraisal, target=AppraisalStatus.DRAFT, comment="再议", by=city.admin)
    assert selectors.grade_counts(year=2025) == {"graded": 3, "ungraded": 1, "appraisals": 1, Grade.EXCELLENT: 1,
                                                 Grade.QUALIFIED: 2, Grade.BASICALLY_QUALIFIED: 0,
                                                 Grade.UNQUALIFIED: 0}


def test_a_return_needs_a_reason_and_reopens_the_grading(city):
    appraisal = appraisal_with(city, full=3)
    services.appraisal_grade(appraisal=appraisal, grades=grades_for(appraisal, 0), by=city.secretary)
    services.appraisal_submit(appraisal=appraisal, by=city.secretary)
    with pytest.raises(ValidationError, match="理由"):
        services.appraisal_decide(appraisal=appraisal, target=AppraisalStatus.DRAFT, by=city.admin)
    services.appraisal_decide(appraisal=appraisal, target=AppraisalStatus.DRAFT, comment="请补充评议材料",
                              by=city.admin)
    assert appraisal.status == AppraisalStatus.DRAFT


def test_it_is_tied_to_an_org_life_meeting_of_the_branch_and_held_once_a_year(city):
    other = meeting(city.org_b)
    with pytest.raises(ValidationError, match="本组织的组织生活会"):
        services.appraisal_start(organisation=city.branch_a, meeting=other, by=city.secretary)
    appraisal_with(city, full=1)
    with pytest.raises(ValidationError, match="不能重复"):
        services.appraisal_start(organisation=city.branch_a, meeting=meeting(city.branch_a), by=city.secretary)


def test_the_grading_page_refuses_a_fourth_excellent_of_nine_and_keeps_the_input(city, client):
    appraisal = appraisal_with(city, full=9)
    entries = list(appraisal.entries.order_by("pk"))
    data = {f"e{e.pk}-grade": Grade.EXCELLENT if i < 4 else Grade.QUALIFIED for i, e in enumerate(entries)}
    client.force_login(city.secretary)
    response = client.post(reverse("appraisals:appraisal_detail", args=[appraisal.pk]), data)
    page = response.content.decode()
    assert response.status_code == 200 and "至多 3 人" in page
    assert page.count('value="EXCELLENT" selected') == 4
    data[f"e{entries[3].pk}-grade"] = Grade.QUALIFIED
    assert client.post(reverse("appraisals:appraisal_detail", args=[appraisal.pk]), data).status_code == 302


def test_the_other_secretary_cannot_confirm_and_the_superior_sees_completion(city, client):
    appraisal = appraisal_with(city, full=3)
    services.appraisal_grade(appraisal=appraisal, grades=grades_for(appraisal, 1), by=city.secretary)
    services.appraisal_submit(appraisal=appraisal, by=city.secretary)
    client.force_login(city.other_secretary)
    url = reverse("appraisals:appraisal_decide", args=[appraisal.pk, "confirmed"])
    assert client.post(url).status_code == 404
    client.force_login(city.secretary)  # runs the general branch above branch A
    assert client.post(url).status_code == 302
    appraisal.refresh_from_db()
    assert appraisal.status == AppraisalStatus.CONFIRMED
    page = client.get(reverse("appraisals:appraisal_list") + "?year=2025").content.decode()
    assert "上级已确认" in page and "上级已确认 1 个" in page


@pytest.mark.parametrize("persona", ["admin", "secretary"])
def test_the_appraisal_list_costs_the_same_queries_whatever_the_data(city, client, persona,
                                                                     django_assert_max_num_queries):
    from tests.factories import MemberFactory, OrganisationFactory
    from tests.test_query_counts import queries_for

    def grow(n):
        for _ in range(n):
            branch = OrganisationFactory(parent=city.org_a)
            MemberFactory.create_batch(2, organisation=branch)
            services.appraisal_start(organisation=branch, meeting=meeting(branch), by=city.admin)

    client.force_login(getattr(city, persona))
    url = reverse("appraisals:appraisal_list") + "?year=2025"
    grow(2)
    small = queries_for(client, url)
    grow(8)
    with django_assert_max_num_queries(small):
        assert client.get(url).status_code == 200


def test_the_organisations_due_are_counted_again_when_a_secretarys_tree_changes(city, client):
    from tests.factories import MemberFactory, OrganisationFactory

    client.force_login(city.secretary)
    url = reverse("appraisals:appraisal_list") + "?year=2025"
    before = client.get(url).content.decode()
    due = int(before.split("应开展 ")[1].split(" 个")[0])

    MemberFactory(organisation=OrganisationFactory(parent=city.org_a, name="新成立的第三党支部"))
    after = client.get(url).content.decode()

    assert f"应开展 {due + 1} 个" in after and "新成立的第三党支部" in after


def test_an_admins_count_of_organisations_due_is_read_from_the_summaries(city, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(city.admin)
    url = reverse("appraisals:appraisal_list") + "?year=2025"
    client.get(url)
    with CaptureQueriesContext(connection) as second:
        assert client.get(url).status_code == 200
    # The organisations with party members of their own are not counted again (a province: 50 ms each view).
    assert not [q for q in second.captured_queries if q["sql"].startswith("SELECT COUNT(*)")]
