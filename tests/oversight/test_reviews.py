"""Standardisation reviews: the transition table, who may take each step, submission gaps, the
secretary's and the admin's pages, the timeline, pass rates and the Excel export."""

import datetime as dt
import io
import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from PIL import Image

from branches.choices import RoleKind
from oversight import reviews as services
from oversight.choices import ItemVerdict, ReviewAction, ReviewStatus
from oversight.models import ChecklistItem, Evidence, ReviewItem, StandardisationReview
from oversight.workflow import FINAL, TRANSITIONS, allowed_targets, transition_check
from tests.factories import OrganisationFactory, RoleFactory

YEAR = timezone.localdate().year
STATUSES = list(ReviewStatus.values)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def png(colour="red", size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def start(city, organisation=None, year=YEAR) -> StandardisationReview:
    return services.review_start(organisation=organisation or city.branch_a, year=year, by=city.secretary)


def complete(review: StandardisationReview, by) -> StandardisationReview:
    """Give every item a statement and every item that needs it one photo (through the real services)."""
    items = list(review.items.select_related("checklist_item"))
    uploads = {item.pk: [SimpleUploadedFile(f"{item.checklist_item.code}.png", png(), "image/png")]
               for item in items if item.checklist_item.evidence_required}
    return services.review_save(review=review, by=by, statements={item.pk: f"{item.checklist_item.title}已落实。"
                                                                  for item in items}, uploads=uploads)


def submitted(city, organisation=None) -> StandardisationReview:
    review = complete(start(city, organisation), city.secretary)
    return services.review_submit(review=review, by=city.secretary)


def judge_all(review, by, *, returned: int = 0) -> None:
    """Pass every item, except the first `returned` ones, which need correction."""
    for index, item in enumerate(review.items.order_by("checklist_item__sort_order")):
        if index < returned:
            services.review_item_return(item=item, by=by, comment="照片不清晰，请重新拍摄。")
        else:
            services.review_item_pass(item=item, by=by)


def refreshed(review) -> StandardisationReview:
    return StandardisationReview.objects.get(pk=review.pk)


# --- the checklist a review starts with -------------------------------------------------------------

def test_starting_a_review_creates_one_item_per_checklist_item_in_force_that_year(city):
    review = start(city)
    seeded = ChecklistItem.objects.count()
    assert review.status == ReviewStatus.DRAFT
    assert review.items.count() == seeded == 10
    assert list(review.events.values_list("action", flat=True)) == [ReviewAction.SAVED]


def test_a_past_years_review_uses_the_checklist_of_that_year(city):
    old_venue = ChecklistItem.objects.get(code="venue")
    ChecklistItem.objects.create(code="venue", title="有场所（新标准）", source="新标准",
                                 effective_from=dt.date(YEAR, 1, 1), sort_order=old_venue.sort_order)
    ChecklistItem.objects.create(code="digital", title="有网络阵地", source="新标准", effective_from=dt.date(YEAR, 1, 1),
                                 sort_order=200)
    ChecklistItem.objects.filter(code="reading").update(retired_from=dt.date(YEAR, 1, 1))

    past = start(city, year=YEAR - 1)
    current = start(city, organisation=city.org_a)

    past_titles = set(past.items.values_list("checklist_item__title", flat=True))
    current_titles = set(current.items.values_list("checklist_item__title", flat=True))
    assert {"有场所", "有书报"} <= past_titles and "有网络阵地" not in past_titles
    assert {"有场所（新标准）", "有网络阵地"} <= current_titles
    assert "有场所" not in current_titles and "有书报" not in current_titles
    assert current.items.count() == 10  # one replaced, one added, one retired


def test_a_second_review_for_the_same_year_is_refused(city):
    start(city)
    with pytest.raises(ValidationError, match="已经开始"):
        start(city)
    assert StandardisationReview.objects.count() == 1


def test_the_working_committee_itself_is_not_reviewed(city):
    with pytest.raises(ValidationError, match="机关工委本身不参加"):
        services.review_start(organisation=city.root, year=YEAR, by=city.admin)


def test_only_the_organisations_secretary_starts_its_review(city):
    for user in (city.admin, city.other_secretary):
        with pytest.raises(PermissionDenied):
            services.review_start(organisation=city.branch_a, year=YEAR, by=user)
    assert not StandardisationReview.objects.exists()


# --- the transition table ---------------------------------------------------------------------------

PAIRS = list(itertools.product(STATUSES, STATUSES))


@pytest.mark.parametrize(("source", "target"), PAIRS, ids=[f"{s}->{t}" for s, t in PAIRS])
def test_the_table_allows_exactly_the_legal_transitions(source, target):
    if (source, target) in TRANSITIONS:
        assert transition_check(source, target) == TRANSITIONS[(source, target)]
    else:
        with pytest.raises(ValidationError) as refused:
            transition_check(source, target)
        assert refused.value.messages[0].startswith("该验收")


def test_the_table_is_the_one_the_issue_asks_for():
    assert set(TRANSITIONS) == {
        (ReviewStatus.DRAFT, ReviewStatus.SUBMITTED),
        (ReviewStatus.SUBMITTED, ReviewStatus.RETURNED),
        (ReviewStatus.SUBMITTED, ReviewStatus.ACCEPTED),
        (ReviewStatus.SUBMITTED, ReviewStatus.FAILED),
        (ReviewStatus.RETURNED, ReviewStatus.SUBMITTED),
    }
    assert FINAL == {ReviewStatus.ACCEPTED, ReviewStatus.FAILED}
    assert allowed_targets(ReviewStatus.ACCEPTED) == allowed_targets(ReviewStatus.FAILED) == []


def _review_in(city, status: str) -> StandardisationReview:
    """A complete review of branch A forced into `status`, its items judged so that any step's other
    preconditions hold: the first item needs correction where a return or resubmission is tested."""
    review = complete(start(city), city.secretary)
    StandardisationReview.objects.filter(pk=review.pk).update(status=status)
    return refreshed(review)


def _prepare_items(review, source: str, target: str) -> None:
    first = review.items.order_by("checklist_item__sort_order").first()
    review.items.update(verdict=ItemVerdict.PASS)
    if target == ReviewStatus.RETURNED or source == ReviewStatus.RETURNED:
        ReviewItem.objects.filter(pk=first.pk).update(verdict=ItemVerdict.NEEDS_CORRECTION, comment="请补充。")


def _step(city, review, source: str, target: str):
    if target == ReviewStatus.SUBMITTED:
        step = services.review_resubmit if source == ReviewStatus.RETURNED else services.review_submit
        return step(review=review, by=city.secretary)
    step = {ReviewStatus.RETURNED: services.review_return, ReviewStatus.ACCEPTED: services.review_accept,
            ReviewStatus.FAILED: services.review_fail}[target]
    return step(review=review, by=city.admin, comment="验收意见")


SERVICE_PAIRS = [(s, t) for s, t in PAIRS if t != ReviewStatus.DRAFT]  # no step leads back to a draft


@pytest.mark.parametrize(("source", "target"), SERVICE_PAIRS, ids=[f"{s}->{t}" for s, t in SERVICE_PAIRS])
def test_each_service_takes_exactly_the_legal_steps(city, media, source, target):
    review = _review_in(city, source)
    _prepare_items(review, source, target)
    events_before = review.events.count()
    if (source, target) in TRANSITIONS:
        result = _step(city, review, source, target)
        assert result.status == refreshed(review).status == target
        assert review.events.count() == events_before + 1
        assert review.events.last().action == TRANSITIONS[(source, target)]
    else:
        with pytest.raises(ValidationError):
            _step(city, review, source, target)
        assert refreshed(review).status == source
        assert review.events.count() == events_before


def test_submit_and_resubmit_are_not_interchangeable(city, media):
    draft = _review_in(city, ReviewStatus.DRAFT)
    with pytest.raises(ValidationError, match="尚未提交过"):
        services.review_resubmit(review=draft, by=city.secretary)
    StandardisationReview.objects.filter(pk=draft.pk).update(status=ReviewStatus.RETURNED)
    with pytest.raises(ValidationError, match="重新提交"):
        services.review_submit(review=refreshed(draft), by=city.secretary)


# --- nobody passes their own review -------------------------------------------------------------------

def test_a_secretary_can_never_judge_items_or_decide_their_own_review(city, media):
    review = submitted(city)
    item = review.items.first()
    with pytest.raises(PermissionDenied):
        services.review_item_pass(item=item, by=city.secretary)
    judge_all(review, city.admin)
    for step in (services.review_accept, services.review_fail, services.review_return):
        with pytest.raises(PermissionDenied):
            step(review=review, by=city.secretary, comment="自己验收")
    assert refreshed(review).status == ReviewStatus.SUBMITTED


def test_an_admin_who_is_also_the_organisations_secretary_may_not_judge_it(city, media):
    review = submitted(city)
    RoleFactory(user=city.admin, kind=RoleKind.SECRETARY, organisation=city.org_a)
    city.admin.__dict__.pop("_access_cache", None)
    with pytest.raises(PermissionDenied, match="不能审核本组织"):
        services.review_item_pass(item=review.items.first(), by=city.admin)
    assert not review.items.exclude(verdict=ItemVerdict.PENDING).exists()


def test_a_secretary_posting_to_the_decision_urls_gets_403_and_nothing_changes(city, login, media):
    review = submitted(city)
    item = review.items.first()
    events = review.events.count()
    client = login(city.secretary)

    response = client.post(reverse("oversight:review_item_decide", args=[review.pk, item.pk]), {"verdict": "PASS"})
    assert response.status_code == 403
    for action in ("accept", "fail", "return"):
        response = client.post(reverse("oversight:review_decide", args=[review.pk]),
                               {"action": action, "comment": "自己验收"})
        assert response.status_code == 403
    assert refreshed(review).status == ReviewStatus.SUBMITTED
    assert set(review.items.values_list("verdict", flat=True)) == {ItemVerdict.PENDING}
    assert review.events.count() == events


def test_an_admin_may_not_fill_in_a_self_assessment(city, login, media):
    review = start(city)
    item = review.items.first()
    response = login(city.admin).post(reverse("oversight:review_save", args=[review.pk]),
                                      {f"statement_{item.pk}": "管理员代填", "action": "submit"})
    assert response.status_code == 403
    assert ReviewItem.objects.get(pk=item.pk).statement == ""


def test_another_organisations_secretary_gets_404_for_every_step(city, login, media):
    review = submitted(city)
    client = login(city.other_secretary)
    item = review.items.first()
    for url in (reverse("oversight:review_detail", args=[review.pk]),
                reverse("oversight:review_save", args=[review.pk]),
                reverse("oversight:review_decide", args=[review.pk]),
                reverse("oversight:review_item_decide", args=[review.pk, item.pk])):
        assert client.post(url, {"action": "accept", "verdict": "PASS"}).status_code in (404, 405)
        assert client.get(url).status_code == 404


# --- submission ----------------------------------------------------------------------------------------

def test_submit_is_blocked_while_evidence_or_statements_are_missing_and_nothing_is_lost(city, media):
    review = start(city)
    venue = review.items.get(checklist_item__code="venue")
    committee = review.items.get(checklist_item__code="committee")  # no evidence required
    services.review_save(review=review, by=city.secretary, statements={venue.pk: "活动室 60 平方米。",
                                                                       committee.pk: "支委会 5 人。"})
    with pytest.raises(ValidationError) as refused:
        services.review_submit(review=review, by=city.secretary)
    message = refused.value.messages[0]
    assert "“有场所”未上传佐证材料" in message
    assert "“有设施”未填写自评说明、未上传佐证材料" in message
    assert "班子健全" not in message
    assert refreshed(review).status == ReviewStatus.DRAFT
    assert ReviewItem.objects.get(pk=venue.pk).statement == "活动室 60 平方米。"


def test_the_page_saves_the_draft_and_lists_what_is_missing_when_submit_is_refused(city, login, media):
    review = start(city)
    venue = review.items.get(checklist_item__code="venue")
    client = login(city.secretary)
    response = client.post(reverse("oversight:review_save", args=[review.pk]),
                           {f"statement_{venue.pk}": "活动室 60 平方米。", "action": "submit"}, follow=True)
    page = response.content.decode()
    assert "草稿已保存，但还不能提交" in page
    assert "“有场所”未上传佐证材料" in page
    assert refreshed(review).status == ReviewStatus.DRAFT
    assert ReviewItem.objects.get(pk=venue.pk).statement == "活动室 60 平方米。"


# --- the whole round through the pages -----------------------------------------------------------------

def test_a_review_goes_round_through_the_pages_and_every_step_is_on_the_timeline(city, client, media):
    client.force_login(city.secretary)
    client.post(reverse("oversight:review_start"), {"organisation": city.branch_a.pk})
    review = StandardisationReview.objects.get(organisation=city.branch_a, year=YEAR)
    items = list(review.items.select_related("checklist_item"))
    data = {"action": "save"}
    for item in items:
        data[f"statement_{item.pk}"] = f"{item.checklist_item.title}：已按标准落实。"
        if item.checklist_item.evidence_required:
            data[f"evidence_{item.pk}"] = [SimpleUploadedFile(f"{item.checklist_item.code}.png", png(), "image/png")]
    response = client.post(reverse("oversight:review_save", args=[review.pk]), data)
    assert response.status_code == 302
    assert refreshed(review).status == ReviewStatus.DRAFT
    assert Evidence.objects.filter(review_item__review=review).count() == 8
    response = client.post(reverse("oversight:review_save", args=[review.pk]), {"action": "submit"})
    assert refreshed(review).status == ReviewStatus.SUBMITTED

    client.force_login(city.admin)
    flag, others = items[3], [item for item in items if item.pk != items[3].pk]
    decide_item = reverse("oversight:review_item_decide", args=[review.pk, flag.pk])
    response = client.post(decide_item, {"verdict": "NEEDS_CORRECTION", "comment": ""})
    assert "请填写审核意见" in response.content.decode()  # the comment is required …
    client.post(decide_item, {"verdict": "NEEDS_CORRECTION", "comment": "党旗照片缺失。"})  # … and then given
    for item in others:
        client.post(reverse("oversight:review_item_decide", args=[review.pk, item.pk]), {"verdict": "PASS"})
    response = client.post(reverse("oversight:review_decide", args=[review.pk]), {"action": "accept"})
    assert "需整改，不能验收合格" in response.content.decode()
    client.post(reverse("oversight:review_decide", args=[review.pk]), {"action": "return", "comment": "请整改党旗。"})
    assert refreshed(review).status == ReviewStatus.RETURNED

    client.force_login(city.secretary)
    page = client.get(review.get_absolute_url()).content.decode()
    assert f'name="statement_{flag.pk}"' in page  # only the returned item is open again
    assert all(f'name="statement_{item.pk}"' not in page for item in others)
    with pytest.raises(ValidationError, match="已审核通过，不能再修改"):
        services.review_save(review=review, by=city.secretary, statements={others[0].pk: "改一改"})
    client.post(reverse("oversight:review_save", args=[review.pk]),
                {f"statement_{flag.pk}": "已悬挂党旗并张贴入党誓词。", "action": "submit",
                 f"evidence_{flag.pk}": [SimpleUploadedFile("flag.png", png("blue"), "image/png")]})
    review = refreshed(review)
    assert review.status == ReviewStatus.SUBMITTED
    flag.refresh_from_db()
    assert (flag.verdict, flag.comment, flag.reviewed_by) == (ItemVerdict.PENDING, "", None)
    assert review.items.filter(verdict=ItemVerdict.PASS).count() == 9

    client.force_login(city.admin)
    client.post(decide_item, {"verdict": "PASS"})
    client.post(reverse("oversight:review_decide", args=[review.pk]), {"action": "accept", "comment": "六有齐全。"})
    review = refreshed(review)
    assert (review.status, review.decided_by, review.decision_comment) == (ReviewStatus.ACCEPTED, city.admin, "六有齐全。")

    actions = list(review.events.values_list("action", flat=True))
    assert actions[:3] == [ReviewAction.SAVED, ReviewAction.SAVED, ReviewAction.SUBMITTED]
    assert actions.count(ReviewAction.ITEM_PASSED) == 10 and actions.count(ReviewAction.ITEM_RETURNED) == 1
    assert actions[-1] == ReviewAction.ACCEPTED and ReviewAction.RESUBMITTED in actions
    returned = review.events.get(action=ReviewAction.ITEM_RETURNED)
    assert (returned.actor, returned.item_id, returned.comment) == (city.admin, flag.pk, "党旗照片缺失。")
    assert flag.history.count() >= 4  # created, statement, returned, reset, passed … kept by simple-history

    page = client.get(review.get_absolute_url()).content.decode()
    assert "党旗照片缺失。" in page and "整改后重新提交" in page and "验收结果已确定" in page


def test_a_decided_review_is_read_only(city, login, media):
    review = submitted(city)
    judge_all(review, city.admin)
    services.review_accept(review=review, by=city.admin)
    client = login(city.secretary)
    page = client.get(review.get_absolute_url()).content.decode()
    assert 'data-testid="review-form"' not in page
    item = review.items.first()
    client.post(reverse("oversight:review_save", args=[review.pk]), {f"statement_{item.pk}": "事后修改"})
    assert ReviewItem.objects.get(pk=item.pk).statement != "事后修改"
    with pytest.raises(ValidationError, match="不能再修改"):
        services.review_save(review=review, by=city.secretary, statements={item.pk: "事后修改"})


# --- what each decision needs ----------------------------------------------------------------------------

def test_no_decision_while_an_item_is_still_pending(city, media):
    review = submitted(city)
    services.review_item_return(item=review.items.first(), by=city.admin, comment="请补充。")
    for step in (services.review_return, services.review_accept, services.review_fail):
        with pytest.raises(ValidationError, match="项目未审核"):
            step(review=review, by=city.admin, comment="意见")


def test_returning_needs_an_item_to_correct_and_failing_needs_a_reason(city, media):
    review = submitted(city)
    judge_all(review, city.admin)
    with pytest.raises(ValidationError, match="无需退回整改"):
        services.review_return(review=review, by=city.admin)
    with pytest.raises(ValidationError, match="须填写验收意见"):
        services.review_fail(review=review, by=city.admin, comment="  ")
    services.review_fail(review=review, by=city.admin, comment="阵地被挪作他用。")
    assert refreshed(review).status == ReviewStatus.FAILED


def test_an_item_is_judged_only_while_the_review_waits_for_it(city, media):
    review = start(city)
    with pytest.raises(ValidationError, match="只有已提交待审核"):
        services.review_item_pass(item=review.items.first(), by=city.admin)


# --- the list, the pass rate, the export ----------------------------------------------------------------

def _decided(city, organisation, year, status):
    review = StandardisationReview.objects.create(organisation=organisation, year=year, status=status)
    return review


def test_pass_rate_on_a_hand_built_case(city):
    org_c = OrganisationFactory(name="丙局机关党支部", parent=city.root)
    _decided(city, city.org_a, 2025, ReviewStatus.ACCEPTED)
    _decided(city, city.branch_a, 2025, ReviewStatus.SUBMITTED)
    _decided(city, city.org_b, 2025, ReviewStatus.FAILED)
    _decided(city, org_c, 2025, ReviewStatus.ACCEPTED)
    _decided(city, city.org_b, 2024, ReviewStatus.ACCEPTED)

    assert services.pass_rate(year=2025) == {"total": 4, "accepted": 2, "rate": 50.0}
    assert services.pass_rate(year=2024) == {"total": 1, "accepted": 1, "rate": 100.0}
    assert services.pass_rate(year=2023) == {"total": 0, "accepted": 0, "rate": None}
    secretary_scope = services.reviewable_organisations().filter(path__startswith=city.org_a.path)
    assert services.pass_rate(year=2025, organisations=secretary_scope) == {"total": 2, "accepted": 1, "rate": 50.0}
    assert services.pass_rate(year=2025, organisations=[city.org_b, org_c]) == {"total": 2, "accepted": 1,
                                                                                "rate": 50.0}
    _decided(city, OrganisationFactory(parent=city.root), 2024, ReviewStatus.DRAFT)
    _decided(city, OrganisationFactory(parent=city.root), 2024, ReviewStatus.DRAFT)
    assert services.pass_rate(year=2024)["rate"] == 33.3


def test_the_admin_sees_every_review_of_the_year_with_counts_and_filters(city, login):
    _decided(city, city.org_a, YEAR, ReviewStatus.ACCEPTED)
    _decided(city, city.org_b, YEAR, ReviewStatus.SUBMITTED)
    _decided(city, city.org_b, YEAR - 1, ReviewStatus.ACCEPTED)
    client = login(city.admin)
    page = client.get(reverse("oversight:review_list")).content.decode()
    assert "甲局机关党总支" in page and "乙局机关党支部" in page
    assert 'data-testid="count-all">2<' in page and 'data-testid="count-accepted">1<' in page
    assert "本年度验收合格率 50%" in page
    assert 'data-testid="not-started-count">1<' in page  # branch A has not started
    assert "review-start-row" not in page  # admins decide; they do not fill in

    page = client.get(reverse("oversight:review_list"), {"status": "SUBMITTED"}).content.decode()
    assert "乙局机关党支部" in page and "甲局机关党总支</a>" not in page
    page = client.get(reverse("oversight:review_list"), {"year": YEAR - 1}).content.decode()
    assert f"{YEAR - 1}年度验收合格率 100%" in page


def test_the_secretary_sees_own_reviews_and_starts_the_missing_ones(city, login):
    _decided(city, city.org_a, YEAR, ReviewStatus.DRAFT)
    _decided(city, city.org_b, YEAR, ReviewStatus.ACCEPTED)
    client = login(city.secretary)
    page = client.get(reverse("oversight:review_list")).content.decode()
    assert "甲局机关党总支" in page and "乙局机关党支部" not in page
    assert page.count('data-testid="review-start-row"') == 1  # branch A has none yet
    assert "本年度验收合格率 0%" in page

    response = client.post(reverse("oversight:review_start"), {"organisation": city.branch_a.pk})
    review = StandardisationReview.objects.get(organisation=city.branch_a, year=YEAR)
    assert response.status_code == 302 and response["Location"] == review.get_absolute_url()
    response = client.post(reverse("oversight:review_start"), {"organisation": city.org_b.pk})
    assert response.status_code == 404  # not theirs: its existence is not even confirmed
    assert StandardisationReview.objects.filter(organisation=city.org_b).count() == 1


def test_the_list_costs_the_same_queries_for_few_and_many_reviews(city, login):
    client = login(city.admin)
    _decided(city, city.org_a, YEAR, ReviewStatus.ACCEPTED)
    from django.core.cache import cache

    client.get(reverse("oversight:review_list"))  # warm caches (session, content types)
    cache.clear()  # the list's counts are kept until a review changes: both views below count them
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("oversight:review_list"))
    for n in range(15):
        _decided(city, OrganisationFactory(parent=city.root), YEAR, ReviewStatus.SUBMITTED)
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("oversight:review_list"))
    assert len(many) == len(few)


def test_the_lists_counts_are_kept_until_a_review_changes(city, login):
    client = login(city.admin)
    _decided(city, city.org_a, YEAR, ReviewStatus.ACCEPTED)
    first = client.get(reverse("oversight:review_list"), {"year": YEAR}).context
    with CaptureQueriesContext(connection) as again:
        second = client.get(reverse("oversight:review_list"), {"year": YEAR}).context
    assert second["counts"] == first["counts"] and second["rate"] == first["rate"]
    assert not any("COUNT(" in q["sql"] for q in again.captured_queries), "counted again"
    _decided(city, city.org_b, YEAR, ReviewStatus.SUBMITTED)
    third = client.get(reverse("oversight:review_list"), {"year": YEAR}).context
    assert third["counts"]["total"] == first["counts"]["total"] + 1
    assert third["counts"][ReviewStatus.SUBMITTED] == first["counts"][ReviewStatus.SUBMITTED] + 1
    assert third["page"].paginator.count == third["counts"]["total"]
    # The rendered rows are kept with the counts, and follow a decision at once.
    def rows() -> str:
        page = client.get(reverse("oversight:review_list"), {"year": YEAR}).content.decode()
        return page[page.index('data-testid="review-table"'):]

    assert city.org_b.name in rows() and rows().count("验收合格") == 1
    review = StandardisationReview.objects.get(organisation=city.org_b, year=YEAR)
    review.status = ReviewStatus.ACCEPTED
    review.save()
    assert rows().count("验收合格") == 2


def test_the_export_has_the_promised_sheet_and_the_secretary_gets_only_own_rows(city, login, media):
    review = submitted(city)
    judge_all(review, city.admin, returned=1)
    services.review_return(review=review, by=city.admin)
    _decided(city, city.org_b, YEAR, ReviewStatus.ACCEPTED)

    response = login(city.admin).get(reverse("oversight:review_export"), {"year": YEAR})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content))["标准化验收结果"]
    assert sheet["A1"].value == f"{YEAR}年度基层党组织标准化建设验收结果"
    headers = [cell.value for cell in sheet[3]]
    assert headers[:5] == ["序号", "党组织", "所在单位", "验收状态", "提交时间"]
    assert headers[5:8] == ["有场所", "有设施", "有标志"] and headers[-3:] == ["验收时间", "验收人", "验收意见"]
    assert sheet.freeze_panes == "C4"
    assert sheet.print_title_rows == "$3:$3"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    assert sheet.column_dimensions["B"].width == 28
    rows = {row[1]: row for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert set(rows) == {"甲局第一党支部", "乙局机关党支部"}
    assert rows["甲局第一党支部"][3] == "退回整改"
    assert rows["甲局第一党支部"][5:7] == ("需整改", "通过")
    assert rows["乙局机关党支部"][3] == "验收合格" and rows["乙局机关党支部"][5] == "—"
    assert "验收合格率：50%" in sheet["A2"].value

    response = login(city.secretary).get(reverse("oversight:review_export"), {"year": YEAR})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [row[1] for row in sheet.iter_rows(min_row=4, values_only=True)] == ["甲局第一党支部"]


def test_the_list_offers_to_start_the_reviews_the_year_still_lacks(city, login):
    """A secretary is offered their organisations without a review this year (last year's does not count); an
    admin sees how many organisations have none."""
    this_year = timezone.localdate().year
    url = reverse("oversight:review_list")
    before = login(city.admin).get(url).context["not_started_count"]

    StandardisationReview.objects.create(organisation=city.branch_a, year=this_year)
    StandardisationReview.objects.create(organisation=city.org_a, year=this_year - 1)

    offered = {o.pk for o in login(city.secretary).get(url).context["to_start"]}
    assert city.branch_a.pk not in offered and city.org_a.pk in offered
    assert city.org_b.pk not in offered  # not theirs
    assert login(city.admin).get(url).context["not_started_count"] == before - 1


@pytest.mark.parametrize("status, css", [("ACCEPTED", "text-bg-success"), ("FAILED", "text-bg-danger"),
                                         ("RETURNED", "text-bg-warning"), ("SUBMITTED", "text-bg-primary"),
                                         ("DRAFT", "text-bg-secondary")])
def test_a_reviews_status_is_a_badge_of_its_colour(status, css):
    from django.template import Context, Template

    from oversight.choices import ReviewStatus

    html = Template("{% load oversight %}{{ status|review_status_badge }}").render(Context({"status": status}))
    assert html == (f'<span class="badge {css}" data-testid="review-status">{ReviewStatus(status).label}</span>')
