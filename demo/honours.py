"""The demo city's honours (called by `seed_demo` after organisations, members and activities exist): about 200
commendations over the last three years across the four levels, 35 of them advanced models (先进典型); 148
party-building brands over three years with a decided "十佳" selection each year; a 十佳开放式党课 selection for
each year that has open lectures; the year's star criteria, last year's confirmed star ratings for a sample of
members, and a few nominations waiting for the working committee. Deterministic for a given random generator;
rows are bulk-inserted."""

import datetime as dt
import random

from django.utils import timezone

from activities.choices import ActivityKind
from activities.models import Activity
from branches.choices import OrganisationKind
from branches.models import Organisation
from honours.choices import TOP, Level, NominationStatus, RatingStatus, SelectionStatus, SelectionSubject, Subject
from honours.models import (
    Brand,
    Commendation,
    CommendationTitle,
    Nomination,
    SelectionEntry,
    StarCriterion,
    StarRating,
    TopTenSelection,
)
from members.models import Member

BATCH = 2000
COMMENDATIONS = 200
ADVANCED_MODELS = 35
BRANDS_PER_YEAR = (50, 49, 49)  # 148 in three years
SHORTLIST = 20
RATED_SHARE = 0.1
# Of the commendations that are not advanced models: national, provincial, city, city organs.
LEVEL_WEIGHTS = {Level.NATIONAL: 3, Level.PROVINCE: 12, Level.CITY: 35, Level.CITY_ORGANS: 50}
ISSUERS = {Level.NATIONAL: "中共中央组织部", Level.PROVINCE: "中共安徽省委", Level.CITY: "中共淮北市委",
           Level.CITY_ORGANS: "中共淮北市直机关工委"}
BRAND_WORDS = ["红色引擎", "先锋", "初心驿站", "党建+", "红帆", "连心桥", "清风", "匠心", "暖心", "铁军", "领航",
               "星火", "红色管家", "服务先锋岗", "堡垒", "红心向党"]
BRAND_STORIES = ["以“支部建在项目上”为抓手，把党建优势转化为发展优势。",
                 "党员亮身份、亮承诺、亮业绩，窗口服务群众满意度明显提升。",
                 "结对共建社区，开展政策宣讲和志愿服务，打通服务群众“最后一公里”。",
                 "围绕中心工作设立党员先锋岗和攻坚小组，攻克一批业务难题。"]
MEMBER_CRITERIA = [("政治坚定", 20), ("学习积极", 20), ("履职尽责", 20), ("作风过硬", 20), ("奉献社会", 20)]
RED_FLAG_CRITERIA = [("组织生活规范", 25), ("党员队伍建设", 25), ("阵地建设“六有”", 25), ("党建业务融合", 25)]


def _titles() -> dict[str, CommendationTitle]:
    return {title.name: title for title in CommendationTitle.objects.in_force()}


def _commendations(rng: random.Random, today: dt.date, members: list[Member],
                   organisations: list[Organisation]) -> int:
    titles = _titles()
    member_titles = [titles[name] for name in ("优秀共产党员", "优秀党务工作者", "五星党员")]
    organisation_titles = [titles[name] for name in ("先进基层党组织", "红旗党支部")]
    years = [today.year - 3, today.year - 2, today.year - 1]
    levels = rng.choices(list(LEVEL_WEIGHTS), weights=list(LEVEL_WEIGHTS.values()), k=COMMENDATIONS)
    rows = []
    for index, level in enumerate(levels):
        year = years[index % 3]
        number = f"{ISSUERS[level][2:4]}〔{year}〕{index % 40 + 1}号"
        if index < ADVANCED_MODELS:
            rows.append(Commendation(title=titles["先进典型"], level=level, year=year, issuing_body=ISSUERS[level],
                                     document_number=number, member=rng.choice(members)))
        elif rng.random() < 0.75:
            rows.append(Commendation(title=rng.choice(member_titles), level=level, year=year,
                                     issuing_body=ISSUERS[level], document_number=number,
                                     member=rng.choice(members)))
        else:
            rows.append(Commendation(title=rng.choice(organisation_titles), level=level, year=year,
                                     issuing_body=ISSUERS[level], document_number=number,
                                     organisation=rng.choice(organisations)))
    Commendation.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def _brands(rng: random.Random, today: dt.date, organisations: list[Organisation]) -> list[Brand]:
    brands, names = [], set()
    for offset, count in enumerate(BRANDS_PER_YEAR):
        year = today.year - 3 + offset
        for organisation in rng.sample(organisations, min(count, len(organisations))):
            name = f"“{rng.choice(BRAND_WORDS)}”{organisation.display_name[:6]}"
            while (organisation.pk, name) in names:
                name += "·新"
            names.add((organisation.pk, name))
            brands.append(Brand(organisation=organisation, name=name, year=year, summary=f"{organisation.display_name}党建品牌",
                                story=rng.choice(BRAND_STORIES)))
    Brand.objects.bulk_create(brands, batch_size=BATCH)
    return brands


def _decided(rng: random.Random, year: int, subject: str, field: str, candidates: list) -> int:
    if not candidates:
        return 0
    selection = TopTenSelection.objects.create(year=year, subject=subject, status=SelectionStatus.DECIDED,
                                               decided_at=timezone.make_aware(dt.datetime(year, 12, 20, 10)))
    shortlisted = rng.sample(candidates, min(SHORTLIST, len(candidates)))
    SelectionEntry.objects.bulk_create(
        SelectionEntry(selection=selection, rank=rank if rank <= TOP else None, **{field: candidate})
        for rank, candidate in enumerate(shortlisted, start=1))
    return min(TOP, len(shortlisted))


def _selections(rng: random.Random, today: dt.date, brands: list[Brand]) -> tuple[int, int]:
    top_brands = top_lectures = 0
    for year in range(today.year - 3, today.year):
        top_brands += _decided(rng, year, SelectionSubject.BRAND, "brand",
                               [brand for brand in brands if brand.year <= year])
        lectures = list(Activity.objects.filter(kind=ActivityKind.OPEN_LECTURE, planned_start__year=year)
                        .order_by("pk"))
        top_lectures += _decided(rng, year, SelectionSubject.OPEN_LECTURE, "activity", lectures)
    return top_brands, top_lectures


def _stars(rng: random.Random, today: dt.date, members: list[Member]) -> int:
    source = "市直机关“争创红旗党支部、争当五星党员”活动实施方案"
    criteria = [StarCriterion(year=year, subject=subject, name=name, points=points, sort_order=order, source=source,
                              effective_from=dt.date(year, 1, 1))
                for year in (today.year - 1, today.year)
                for subject, items in ((Subject.MEMBER, MEMBER_CRITERIA), (Subject.ORGANISATION, RED_FLAG_CRITERIA))
                for order, (name, points) in enumerate(items, start=1)]
    StarCriterion.objects.bulk_create(criteria)
    confirmed_at = timezone.make_aware(dt.datetime(today.year - 1, 12, 28, 9))
    ratings = [StarRating(member=member, year=today.year - 1, stars=rng.choices([5, 4, 3], weights=[2, 5, 3])[0],
                          reason="对照五项标准逐项评定，党员大会评议通过。", status=RatingStatus.CONFIRMED,
                          decided_at=confirmed_at)
               for member in rng.sample(members, int(len(members) * RATED_SHARE))]
    StarRating.objects.bulk_create(ratings, batch_size=BATCH)
    return len(ratings)


def _nominations(rng: random.Random, today: dt.date, members: list[Member]) -> int:
    titles = _titles()
    rows = [Nomination(title=titles["优秀共产党员"], level=Level.CITY_ORGANS, year=today.year, member=member,
                       organisation_id=member.organisation_id, reasons="工作中勇挑重担，在群众中威信高。",
                       status=NominationStatus.SUBMITTED)
            for member in rng.sample(members, min(8, len(members)))]
    Nomination.objects.bulk_create(rows)
    return len(rows)


def seed_honours(*, rng: random.Random, today: dt.date) -> dict:
    members = list(Member.objects.party_members().order_by("pk").only("pk", "organisation_id"))
    organisations = list(Organisation.objects.active().filter(depth__gte=1)
                         .exclude(kind=OrganisationKind.TEMPORARY_BRANCH).order_by("path"))
    if not members or not organisations:
        return {}
    commendations = _commendations(rng, today, members, organisations)
    brands = _brands(rng, today, organisations)
    top_brands, top_lectures = _selections(rng, today, brands)
    return {"commendations": commendations, "advanced_models": ADVANCED_MODELS, "brands": len(brands),
            "top_ten_brands": top_brands, "top_ten_lectures": top_lectures,
            "star_ratings": _stars(rng, today, members), "nominations": _nominations(rng, today, members)}
