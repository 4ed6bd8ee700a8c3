"""The demo city's co-building and community reporting (called by `seed_demo`, after organisations, members and
activities exist): an agreement with a community for every affiliated organisation, serving members reported
to their residential community last year and this year (this year: 93% of the serving party members, at most
9,400), three in four of them with services, an epidemic campaign with member
donations (~880,000 yuan) and a flood-relief campaign with a temporary branch set up and dissolved.
Deterministic for a given random generator; rows are bulk-inserted."""

import datetime as dt
import random
from decimal import Decimal

from community import selectors, services
from community.choices import CampaignKind
from community.models import (
    Campaign,
    CoBuildingAgreement,
    CommunityReport,
    Donation,
    JointProject,
    ReporterType,
    ServiceRecord,
)
from members.choices import EmploymentStatus
from members.models import Member

BATCH = 5000
REPORT_TARGET = 9400
SERVED_SHARE = 0.75
DISTRICTS = {"相山区": ["东山街道", "南黎街道", "三堤口街道", "西街道", "任圩街道"],
             "杜集区": ["高岳街道", "矿山集街道"], "烈山区": ["杨庄街道", "任楼街道"]}
COMMUNITIES = ["东山", "海宫", "南湖", "人民", "淮海", "长山", "桓谭", "沱河", "古城", "青年", "龙山", "汇鑫"]
PROJECTS = [("关爱空巢老人结对帮扶", "每月上门走访，帮助解决生活困难。"),
            ("文明城市创建志愿服务", "参与小区环境整治和文明劝导。"),
            ("“四点半课堂”", "为双职工家庭子女提供课后辅导。"),
            ("政策宣讲进社区", "结合本单位业务开展政策宣讲和咨询。"),
            ("共建党员活动阵地", "与社区共用党员活动室，联合开展主题党日。")]
SERVICES = ["社区环境整治", "疫情防控卡口值守", "文明交通劝导", "走访慰问困难群众", "垃圾分类宣传",
            "政策宣讲和咨询", "为老人义务理发", "防汛巡堤值守", "关爱留守儿童", "核酸检测秩序维护"]


def _community(rng: random.Random) -> str:
    district = rng.choice(list(DISTRICTS))
    return f"{district}{rng.choice(DISTRICTS[district])}{rng.choice(COMMUNITIES)}社区"


def _day_between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, max(0, (last - first).days)))


def _agreements(rng: random.Random, today: dt.date) -> tuple[int, int]:
    agreements, projects = [], []
    for organisation in selectors.affiliated_organisations().order_by("path"):
        signed = _day_between(rng, dt.date(today.year - 3, 3, 1), dt.date(today.year - 1, 12, 31))
        agreements.append(CoBuildingAgreement(organisation=organisation, community=_community(rng), signed_on=signed,
                                              note="双方围绕组织共建、活动共办、资源共享开展共驻共建。"))
    CoBuildingAgreement.objects.bulk_create(agreements, batch_size=BATCH)
    for agreement in agreements:
        for year in range(agreement.signed_on.year, today.year + 1):
            title, description = rng.choice(PROJECTS)
            projects.append(JointProject(agreement=agreement, title=title, description=description, year=year))
    JointProject.objects.bulk_create(projects, batch_size=BATCH)
    return len(agreements), len(projects)


def _reports(rng: random.Random, today: dt.date) -> tuple[int, int, int]:
    """Last year's and this year's reports (one per member and year), this year's capped at REPORT_TARGET,
    and services after each report; returns this year's reports and volunteers and all service rows."""
    reporter_type = ReporterType.objects.get(code="member-residence")
    serving = list(Member.objects.party_members().filter(employment_status=EmploymentStatus.SERVING)
                   .order_by("pk").values_list("pk", "residential_community"))
    result = (0, 0, 0)
    service_rows = 0
    for year, share in ((today.year - 1, 0.85), (today.year, 0.93)):
        chosen = sorted(rng.sample(serving, min(REPORT_TARGET, int(len(serving) * share))))
        last_day = today if year == today.year else dt.date(year, 12, 31)
        reports = [CommunityReport(member_id=pk, reporter_type=reporter_type, community=community or _community(rng),
                                   reported_on=_day_between(rng, dt.date(year, 1, 1),
                                                            min(last_day, dt.date(year, 4, 30))))
                   for pk, community in chosen]
        for report in reports:
            if rng.random() < 0.7:
                report.confirmed_by_community = True
                report.confirmed_on = min(last_day, report.reported_on + dt.timedelta(days=rng.randint(1, 14)))
        CommunityReport.objects.bulk_create(reports, batch_size=BATCH)
        records, served = [], 0
        for report in reports:
            if rng.random() >= SERVED_SHARE:
                continue
            served += 1
            for _ in range(rng.randint(1, 4)):
                records.append(ServiceRecord(report=report, served_on=_day_between(rng, report.reported_on, last_day),
                                             hours=Decimal(rng.choice([1, 2, 2, 3, 4, 5, 6, 8])) / 2,
                                             description=rng.choice(SERVICES)))
        ServiceRecord.objects.bulk_create(records, batch_size=BATCH)
        service_rows += len(records)
        result = (len(reports), served, service_rows)
    return result


def _campaigns(rng: random.Random, today: dt.date) -> tuple[int, int]:
    epidemic = Campaign.objects.create(
        name="新冠肺炎疫情防控", kind=CampaignKind.EPIDEMIC, starts_on=dt.date(2020, 1, 25),
        ends_on=dt.date(2020, 6, 30), description="机关党员按照“三报到”要求投身社区疫情防控，自愿捐款支持防控工作。")
    flood_year = today.year if today >= dt.date(today.year, 9, 15) else today.year - 1
    flood = Campaign.objects.create(
        name=f"{flood_year}年防汛救灾", kind=CampaignKind.FLOOD_RELIEF, starts_on=dt.date(flood_year, 7, 1),
        ends_on=dt.date(flood_year, 8, 31), description="机关党员闻“汛”而动，成立临时党支部，参与转移群众和加固堤坝。")
    members = list(Member.objects.party_members().order_by("pk").values_list("pk", flat=True))
    donations = []
    for pk in rng.sample(members, min(7000, len(members))):
        amount = Decimal(rng.choice([50, 100, 100, 100, 120, 200, 200, 300]))
        donations.append(Donation(campaign=epidemic, member_id=pk, amount=amount,
                                  donated_on=_day_between(rng, epidemic.starts_on, dt.date(2020, 3, 31))))
    for pk in rng.sample(members, min(1500, len(members))):
        donations.append(Donation(campaign=flood, member_id=pk, amount=Decimal(rng.choice([50, 100, 200])),
                                  donated_on=_day_between(rng, flood.starts_on, flood.ends_on)))
    Donation.objects.bulk_create(donations, batch_size=BATCH)

    # The flood-relief temporary branch: under the first affiliated organisation, chaired by one of its
    # members, dissolved once the flood season is over.
    parent = selectors.affiliated_organisations().order_by("path").first()
    candidates = (Member.objects.party_members().filter(organisation__path__startswith=parent.path).order_by("pk")
                  if parent is not None else Member.objects.none())
    count = candidates.count()
    secretary = candidates[rng.randrange(count)] if count else None
    branches = 0
    if secretary is not None:
        link = services.temporary_branch_create(campaign=flood, parent=parent, name=f"{flood.name}临时党支部",
                                                secretary=secretary, established_on=flood.starts_on, by=None)
        services.temporary_branch_dissolve(link=link, dissolved_on=flood.ends_on + dt.timedelta(days=10))
        branches = 1
    return len(donations), branches


def seed_community(*, rng: random.Random, today: dt.date) -> dict:
    agreements, projects = _agreements(rng, today)
    reports, volunteers, service_rows = _reports(rng, today)
    donations, temporary_branches = _campaigns(rng, today)
    return {"agreements": agreements, "joint_projects": projects, "community_reports": reports,
            "volunteers": volunteers, "services": service_rows, "donations": donations,
            "temporary_branches": temporary_branches}
