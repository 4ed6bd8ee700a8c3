"""Oversight data for the demo city (called by `seed_demo`): last year's standardisation reviews all
accepted (as in the article), this year's in progress, and a responsibility list. Bulk-inserted."""

import datetime as dt
import random

from django.utils import timezone

from branches.choices import OrganisationKind
from branches.models import Organisation
from oversight.choices import DutyStatus, ItemVerdict, ReviewAction, ReviewStatus
from oversight.models import Duty, DutyAssignment, ReviewEvent, ReviewItem, StandardisationReview
from oversight.reviews import checklist_for_year

DUTIES = [
    ("制定年度党建工作计划", "结合本单位实际制定年度党建工作要点，报机关工委备案。", 3, 31),
    ("开展“不忘初心、牢记使命”主题党日", "围绕“不忘初心跟党走，牢记使命作贡献”主题开展活动并报送图文信息。", 6, 30),
    ("落实党建工作责任清单半年自查", "对照《市直机关党建工作责任清单》逐项自查，形成自查报告。", 7, 15),
    ("组织在职党员到社区报到", "组织在职党员到居住地社区报到，认领服务项目。", 9, 30),
    ("召开年度组织生活会和民主评议党员", "按要求召开组织生活会，开展民主评议党员，报送情况报告。", 12, 31),
]
STATEMENTS = "已按要求落实，相关台账、照片资料齐全。"


def _aware(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def seed_oversight(*, rng: random.Random, today: dt.date, admin=None) -> dict:
    branches = list(Organisation.objects.active().filter(kind=OrganisationKind.BRANCH).order_by("path"))
    reviews, items, events = [], [], []
    for year in (today.year - 1, today.year):
        checklist = checklist_for_year(year, today=today)
        for organisation in branches:
            if year == today.year - 1:
                status = ReviewStatus.ACCEPTED
            else:
                status = rng.choices([ReviewStatus.ACCEPTED, ReviewStatus.SUBMITTED, ReviewStatus.RETURNED,
                                      ReviewStatus.DRAFT], weights=[4, 3, 1, 2])[0]
            submitted = _aware(dt.date(year, 11, rng.randint(1, 20)) if year < today.year
                               else today - dt.timedelta(days=rng.randint(3, 40)))
            review = StandardisationReview(organisation=organisation, year=year, status=status)
            if status != ReviewStatus.DRAFT:
                review.submitted_at = submitted
            if status == ReviewStatus.ACCEPTED:
                review.decided_at, review.decided_by = submitted + dt.timedelta(days=7), admin
                review.decision_comment = "各项达标，验收合格。"
            reviews.append((review, checklist))
    StandardisationReview.objects.bulk_create([r for r, _ in reviews], batch_size=2000)
    for review, checklist in reviews:
        returned_one = review.status == ReviewStatus.RETURNED
        for index, checklist_item in enumerate(checklist):
            item = ReviewItem(review=review, checklist_item=checklist_item,
                              statement=STATEMENTS if review.status != ReviewStatus.DRAFT or index < 4 else "")
            if review.status == ReviewStatus.ACCEPTED or (returned_one and index > 0):
                item.verdict, item.reviewed_by, item.reviewed_at = ItemVerdict.PASS, admin, review.decided_at
            if returned_one and index == 0:
                item.verdict, item.reviewed_by = ItemVerdict.NEEDS_CORRECTION, admin
                item.comment = "活动室标识标牌照片不清晰，请补充上传。"
            items.append(item)
        if review.submitted_at:
            events.append(ReviewEvent(review=review, action=ReviewAction.SUBMITTED, comment="提交自评"))
        if review.status == ReviewStatus.ACCEPTED:
            events.append(ReviewEvent(review=review, action=ReviewAction.ACCEPTED, actor=admin,
                                      comment=review.decision_comment))
        if returned_one:
            events.append(ReviewEvent(review=review, action=ReviewAction.RETURNED, actor=admin,
                                      comment="一项需整改，请补充材料后重新提交。"))
    ReviewItem.objects.bulk_create(items, batch_size=5000)
    ReviewEvent.objects.bulk_create(events, batch_size=5000)

    affiliated = list(Organisation.objects.active().filter(parent__kind=OrganisationKind.WORKING_COMMITTEE))
    assignments = []
    for title, detail, month, day in DUTIES:
        duty = Duty.objects.create(title=f"{today.year}年{title}", detail=detail,
                                   deadline=dt.date(today.year, month, day), created_by=admin)
        for organisation in affiliated:
            assignment = DutyAssignment(duty=duty, organisation=organisation)
            if duty.deadline < today and rng.random() < 0.93:
                assignment.status, assignment.report = DutyStatus.DONE, "已按要求完成，材料已归档。"
                assignment.completed_at = _aware(duty.deadline - dt.timedelta(days=rng.randint(0, 20)))
            assignments.append(assignment)
    DutyAssignment.objects.bulk_create(assignments, batch_size=5000)
    return {"reviews": len(reviews), "review_items": len(items), "duty_assignments": len(assignments)}
