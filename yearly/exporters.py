"""年度党建工作报告: the figures the working committee's yearly report cites (see docs: the article of the seed),
for the city or one organisation's subtree, with a breakdown by the organisations directly below the scope.

Figures come from the other apps' figures functions (honours, community, oversight) and from grouped queries
here; the count of queries is fixed whatever the number of members or activities."""

from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce

from activities.choices import REGULAR_KINDS, ActivityKind, ActivityStatus, Theme
from activities.models import Activity
from appraisals.choices import Grade
from appraisals.selectors import grade_counts
from branches.choices import OrganisationKind, OrganisationStatus
from community.models import CoBuildingAgreement, Donation
from community.selectors import affiliated_organisations, community_figures, reporting_totals
from honours.models import Brand, Commendation
from honours.selectors import honours_figures
from members.choices import Stage
from members.models import Member
from members.selectors import members_on
from oversight.choices import ReviewStatus
from oversight.compliance import matrix_for
from oversight.elections import on_time_rate
from oversight.models import StandardisationReview
from oversight.reviews import pass_rate
from reports.charts import bar_chart
from reports.choices import ReportKind
from reports.exporters.base import COUNT, HOURS, MONEY, RATE, Breakdown, Column, Exporter, Figure, Sheet

ZERO = Decimal(0)
STAGES = (Stage.FULL, Stage.PROBATIONARY, Stage.CANDIDATE, Stage.ACTIVIST, Stage.APPLICANT)


@dataclass(frozen=True)
class Line:
    """One line of the summary sheet: its label, its value and how to show it."""

    key: str
    label: str
    value: object
    number_format: str = COUNT
    note: str = ""


def _fraction(percent) -> float | None:
    """The oversight functions give rates as percentages (100.0); Excel wants fractions (1.0)."""
    return None if percent is None else percent / 100


def _percent_text(fraction) -> str:
    return "—" if fraction is None else f"{fraction * 100:.1f}".rstrip("0").rstrip(".") + "%"


def _money_text(value: Decimal) -> str:
    if value >= 10000:
        return f"{value / 10000:,.2f}".rstrip("0").rstrip(".") + "万元"
    return f"{value:,.2f}元"


class YearlyExporter(Exporter):
    identifier = ReportKind.YEARLY
    name = "党建工作报告"
    description = "全年党组织和党员、换届、标准化、组织生活、开放式党课、品牌、表彰、共驻共建和捐款情况。"
    template = "reports/pdf/yearly.html"

    @property
    def title(self) -> str:
        return f"{self.year}年度党建工作报告"

    # --- figures ---

    @cached_property
    def figures(self) -> dict:
        year, organisations, scope = self.year, self.organisations, self.scope
        active_scope = scope.filter(status=OrganisationStatus.ACTIVE)
        kinds = dict(active_scope.order_by().values("kind").annotate(n=Count("pk")).values_list("kind", "n"))
        if self.organisation is None:
            affiliated = affiliated_organisations().count()
        else:
            affiliated = sum(kinds.values())
        members = self._members().filter(organisation_then__in=scope.values("pk"))
        stages = dict(members.order_by().values("stage_then").annotate(n=Count("pk"))
                      .values_list("stage_then", "n"))
        admitted = Member.objects.filter(organisation__in=scope.values("pk"), admitted_on__year=year).count()

        activities = Activity.objects.filter(organisation__in=scope.values("pk"))
        held = activities.filter(status=ActivityStatus.HELD, actual_start__gte=self.start_at,
                                 actual_start__lt=self.end_before)
        held_by_kind = dict(held.order_by().values("kind").annotate(n=Count("pk")).values_list("kind", "n"))
        not_held = (activities.filter(planned_start__gte=self.start_at, planned_start__lt=self.end_before)
                    .exclude(status=ActivityStatus.HELD).order_by().values("kind")
                    .annotate(planned=Count("pk", filter=Q(status=ActivityStatus.PLANNED)),
                              cancelled=Count("pk", filter=Q(status=ActivityStatus.CANCELLED))))
        not_held = {row["kind"]: row for row in not_held}
        themes = dict(held.filter(kind=ActivityKind.THEMED_DAY).order_by().values("theme")
                      .annotate(n=Count("pk")).values_list("theme", "n"))
        training_titles = list(held.filter(kind=ActivityKind.TRAINING).order_by("actual_start")
                               .values_list("title", flat=True)[:20])

        matrix = matrix_for(organisations=scope, year=year, today=self.today)
        honours = honours_figures(year=year, organisations=organisations)
        brands_all = honours_figures(year=None, organisations=organisations)["brands_by_year"]
        community = community_figures(year=year, organisations=organisations)
        reporting = reporting_totals(organisations=organisations, year=year, by_organisation=True)
        elections = on_time_rate(year=year, organisations=organisations, today=self.today)
        reviews = pass_rate(year=year, organisations=organisations)

        breakdown = self._breakdown(matrix, reporting)
        return {
            "appraisal": grade_counts(year=year, organisations=organisations),
            "kinds": kinds,
            "affiliated": affiliated,
            "stages": stages,
            "party_members": stages.get(Stage.FULL, 0) + stages.get(Stage.PROBATIONARY, 0),
            "admitted": admitted,
            "held_by_kind": held_by_kind,
            "held_total": sum(held_by_kind.values()),
            "not_held": not_held,
            "themes": themes,
            "training_titles": training_titles,
            "matrix": matrix,
            "completion": matrix.held / matrix.required if matrix.required else None,
            "honours": honours,
            "brands_cumulative": sum(n for y, n in brands_all.items() if y <= year),
            "community": community,
            "reporting": reporting,
            "elections": elections,
            "reviews": reviews,
            "breakdown": breakdown,
        }

    def _members(self):
        """Members by their stage at the end of the year reported on: today's register for the current year,
        the register as the recorded dates had it for a past year (who had left since is counted, who joined
        since is not)."""
        if self.period_end >= self.today:
            return Member.objects.active().annotate(stage_then=F("stage"), organisation_then=F("organisation_id"))
        return members_on(self.period_end)

    def _breakdown(self, matrix, reporting) -> Breakdown:
        """Per organisation below the scope: grouped queries by organisation, rolled up in Python."""
        year, scope_pks = self.year, self.scope.values("pk")
        breakdown = Breakdown(self)
        for org, stage, n in (self._members().filter(organisation_then__in=scope_pks).order_by()
                              .values("organisation_then", "stage_then").annotate(n=Count("pk"))
                              .values_list("organisation_then", "stage_then", "n")):
            breakdown.add(org, stage, n)
            if stage in (Stage.FULL, Stage.PROBATIONARY):
                breakdown.add(org, "party", n)
        held = (Activity.objects.filter(organisation__in=scope_pks, status=ActivityStatus.HELD,
                                        actual_start__gte=self.start_at, actual_start__lt=self.end_before)
                .order_by().values("organisation_id")
                .annotate(n=Count("pk"), themed=Count("pk", filter=Q(kind=ActivityKind.THEMED_DAY))))
        for row in held:
            breakdown.add(row["organisation_id"], "held", row["n"])
            breakdown.add(row["organisation_id"], "themed", row["themed"])
        for row in matrix.organisation_rows:
            breakdown.add(row.pk, "required", row.required)
            breakdown.add(row.pk, "counted", row.held)
        for org, total, accepted in (StandardisationReview.objects.filter(year=year, organisation__in=scope_pks)
                                     .order_by().values("organisation_id")
                                     .annotate(n=Count("pk"), ok=Count("pk", filter=Q(status=ReviewStatus.ACCEPTED)))
                                     .values_list("organisation_id", "n", "ok")):
            breakdown.add(org, "reviews", total)
            breakdown.add(org, "accepted", accepted)
        for org, n in (Commendation.objects.filter(year=year)
                       .annotate(holder=Coalesce("organisation_id", "member__organisation_id"))
                       .filter(holder__in=scope_pks).order_by().values("holder").annotate(n=Count("pk"))
                       .values_list("holder", "n")):
            breakdown.add(org, "commendations", n)
        for org, n in (Brand.objects.filter(year=year, organisation__in=scope_pks).order_by()
                       .values("organisation_id").annotate(n=Count("pk")).values_list("organisation_id", "n")):
            breakdown.add(org, "brands", n)
        for org, n in (CoBuildingAgreement.objects.filter(signed_on__year__lte=year, organisation__in=scope_pks)
                       .order_by().values("organisation_id").annotate(n=Count("pk"))
                       .values_list("organisation_id", "n")):
            breakdown.add(org, "agreements", n)
        for row in reporting.rows:
            breakdown.add(row.organisation_id, "reported", row.reported)
            breakdown.add(row.organisation_id, "hours", row.hours)
        for org, total in (Donation.objects.filter(donated_on__year=year)
                           .annotate(counted_in=Coalesce("organisation_id", "member__organisation_id"))
                           .filter(counted_in__in=scope_pks).order_by().values("counted_in")
                           .annotate(total=Sum("amount")).values_list("counted_in", "total")):
            breakdown.add(org, "donations", total)
        return breakdown

    # --- the summary the sheet and the narrative share ---

    def lines(self) -> list[Line]:
        f = self.figures
        stages, community, honours = f["stages"], f["community"], f["honours"]
        elections, reviews, matrix = f["elections"], f["reviews"], f["matrix"]
        scope_count = f["affiliated"] if self.organisation is None else sum(f["kinds"].values())
        return [
            Line("organisations", "所属党组织（个）" if self.organisation is None else "党组织（个）",
                 f["affiliated"], note="工委直属党组织" if self.organisation is None else "本组织及所属党组织"),
            Line("party_members", "党员总数（名）", f["party_members"], note="正式党员和预备党员"),
            Line("full", "其中：正式党员（名）", stages.get(Stage.FULL, 0)),
            Line("probationary", "其中：预备党员（名）", stages.get(Stage.PROBATIONARY, 0)),
            Line("candidates", "发展对象（名）", stages.get(Stage.CANDIDATE, 0)),
            Line("activists", "入党积极分子（名）", stages.get(Stage.ACTIVIST, 0)),
            Line("applicants", "入党申请人（名）", stages.get(Stage.APPLICANT, 0)),
            Line("admitted", "本年发展党员（名）", f["admitted"], note="本年接收为预备党员"),
            Line("elections_due", "应换届党组织（个）", elections["due"], note="任期在本年届满的"),
            Line("elections_on_time", "按期换届（个）", elections["on_time"]),
            Line("elections_rate", "按期换届率", _fraction(elections["rate"]), RATE),
            Line("reviews", "参加标准化验收（个）", reviews["total"]),
            Line("reviews_accepted", "验收合格（个）", reviews["accepted"]),
            Line("reviews_rate", "标准化验收合格率", _fraction(reviews["rate"]), RATE),
            Line("held", "开展组织生活（次）", f["held_total"], note="已开展的各类活动"),
            Line("regular_required", "“三会一课”等应开展（次）", matrix.required, note="按规则表计算，已结束的月份"),
            Line("regular_held", "“三会一课”等已开展（次）", matrix.held),
            Line("completion", "“三会一课”完成率", f["completion"], RATE),
            Line("themed_days", "主题党日（次）", f["held_by_kind"].get(ActivityKind.THEMED_DAY, 0)),
            Line("open_lectures", "开放式党课（场）", community.open_lectures),
            Line("lecture_participants", "参与党员群众（人次）", community.lecture_participants),
            Line("trainings", "举办培训班（期）", f["held_by_kind"].get(ActivityKind.TRAINING, 0)),
            Line("brands", "本年培育党建品牌（个）", honours["brands_total"]),
            Line("brands_cumulative", "累计培育党建品牌（个）", f["brands_cumulative"]),
            Line("top_ten_brands", "入选“十佳”党建品牌（个）", len(honours["top_ten_brands_by_year"].get(self.year, []))),
            Line("commendations", "受到表彰（项）", honours["commendations_total"], note="党组织和党员，各级合计"),
            Line("advanced_models", "先进典型（名）", honours["advanced_models"]),
            Line("agreements", "签订共驻共建协议的党组织（个）", community.organisations_with_agreement,
                 note=f"共 {scope_count} 个党组织"),
            Line("serving", "在职党员（名）", f["reporting"].serving),
            Line("reported", "到居住地社区报到党员（名）", community.members_reported),
            Line("volunteers", "参加社区志愿服务党员（名）", community.volunteers),
            Line("volunteer_hours", "志愿服务时长（小时）", community.volunteer_hours, HOURS),
            Line("donations", "捐款（元）", community.donations_total, MONEY),
            Line("temporary_branches", "成立临时党支部（个）", community.temporary_branches),
            # 民主评议党员 (submitted or confirmed appraisals of the year).
            Line("appraisal_graded", "民主评议评定等次的党员（名）", f["appraisal"]["graded"],
                 note=f"{f['appraisal']['appraisals']} 个党组织上报；预备党员 {f['appraisal']['ungraded']} 名参评不定等次"),
            *[Line(f"appraisal_{grade.lower()}", f"其中：{label}（名）", f["appraisal"][grade])
              for grade, label in Grade.choices],
        ]

    def narrative(self) -> list[str]:
        """The report's opening paragraphs, in the article's way of citing figures."""
        f = self.figures
        v = {line.key: line.value for line in self.lines()}
        honours, community = f["honours"], f["community"]
        who = "市直机关" if self.organisation is None else self.organisation.name
        paragraphs = []
        paragraphs.append(
            f"{self.year}年，{who}{'所属' if self.organisation is None else '共有'}{v['organisations']}家党组织、"
            f"党员{v['party_members']:,}名（正式党员{v['full']:,}名，预备党员{v['probationary']:,}名），"
            f"另有发展对象{v['candidates']:,}名、入党积极分子{v['activists']:,}名、入党申请人{v['applicants']:,}名；"
            f"全年发展党员{v['admitted']:,}名。")
        if v["elections_due"]:
            elections = (f"{v['elections_due']}个任期届满的党组织中{v['elections_on_time']}个按期改选换届，"
                         f"按期换届率{_percent_text(v['elections_rate'])}")
            if v["elections_due"] == v["elections_on_time"]:
                elections = f"任期届满的{v['elections_due']}个党组织全部按期改选换届"
        else:
            elections = "本年无任期届满须换届的党组织"
        reviews = (f"基层党组织标准化验收合格率达{_percent_text(v['reviews_rate'])}"
                   f"（{v['reviews']}个参加验收，{v['reviews_accepted']}个合格）") if v["reviews"] else "本年尚无标准化验收"
        paragraphs.append(f"夯实基层基础：{elections}；{reviews}。")
        theme_names = [theme.label for theme in Theme if f["themes"].get(theme) and theme != Theme.OTHER]
        themes = "".join(f"“{name}”" for name in theme_names)
        paragraphs.append(
            f"组织生活：全年开展组织生活{v['held']:,}次，“三会一课”完成率{_percent_text(v['completion'])}；"
            f"开展主题党日{v['themed_days']:,}次" + (f"，广泛开展{themes}活动" if themes else "") + "；"
            f"举行开放式党课{v['open_lectures']:,}场，参与党员群众{v['lecture_participants']:,}人次；"
            f"举办培训班{v['trainings']}期。")
        levels = "，".join(f"{label}级{n}项" if label != "市直机关" else f"市直机关{n}项"
                          for label, n in honours["commendations_by_level"].items() if n)
        top_brands = honours["top_ten_brands_by_year"].get(self.year, [])
        paragraphs.append(
            f"示范引领：本年培育党建品牌{v['brands']}个，累计{v['brands_cumulative']}个"
            + (f"，{len(top_brands)}个品牌入选“十佳”" if top_brands else "") + "；"
            f"受到表彰{v['commendations']}项" + (f"（{levels}）" if levels else "") +
            f"，选树先进典型{v['advanced_models']}名。")
        campaigns = "、".join(f"“{c.name}”{_money_text(c.total)}" for c in community.donations_by_campaign)
        paragraphs.append(
            f"服务群众：{v['agreements']}家党组织与所在社区街道签署“共驻共建”协议，"
            f"{v['reported']:,}名在职党员到居住地社区“报到”，{v['volunteers']:,}名党员参加社区志愿服务"
            f"{community.volunteer_hours:,.1f}小时，自愿捐款{_money_text(community.donations_total)}"
            + (f"（{campaigns}）" if campaigns else "") +
            (f"；成立临时党支部{v['temporary_branches']}个" if v["temporary_branches"] else "") + "。")
        return paragraphs

    # --- sheets ---

    def sheets(self) -> list[Sheet]:
        f = self.figures
        honours, community = f["honours"], f["community"]
        summary = Sheet("概况", [Column("指标", 34), Column("数值", 16), Column("说明", 30)],
                        [(line.label, Figure(line.value, line.number_format), line.note) for line in self.lines()],
                        heading="一、主要指标")

        kind_labels = dict(OrganisationKind.choices)
        org_rows = [("党组织", kind_labels[k], f["kinds"].get(k, 0)) for k in kind_labels if f["kinds"].get(k)]
        member_rows = [("党员队伍", Stage(s).label, f["stages"].get(s, 0)) for s in STAGES]
        people = Sheet("党组织和党员", [Column("类别", 12), Column("项目", 20), Column("数量", 12, COUNT)],
                       org_rows + member_rows, heading="二、党组织和党员队伍",
                       chart=bar_chart([(Stage(s).label, f["stages"].get(s, 0)) for s in STAGES],
                                       title="党员队伍构成（名）"))

        kinds = [k for k in ActivityKind if f["held_by_kind"].get(k) or k in f["not_held"] or k in REGULAR_KINDS]
        activity_rows = [(ActivityKind(k).label, f["held_by_kind"].get(k, 0),
                          f["not_held"].get(k, {}).get("planned", 0), f["not_held"].get(k, {}).get("cancelled", 0))
                         for k in kinds]
        activities = Sheet(
            "组织生活", [Column("活动类型", 18), Column("已开展", 12, COUNT), Column("计划未开展", 12, COUNT),
                     Column("已取消", 12, COUNT)], activity_rows, heading="三、组织生活",
            note=f"“三会一课”等应开展 {f['matrix'].required:,} 次，已开展 {f['matrix'].held:,} 次，"
                 f"完成率 {_percent_text(f['completion'])}。",
            chart=bar_chart([(row[0], row[1]) for row in activity_rows if row[1]], title="已开展的活动（次）"))
        theme_rows = [(theme.label, f["themes"][theme]) for theme in Theme if f["themes"].get(theme)]
        theme_rows += [("未设主题", f["themes"][""])] if f["themes"].get("") else []
        themed = Sheet("主题党日", [Column("主题", 20), Column("次数", 12, COUNT)], theme_rows,
                       heading="主题党日", chart=bar_chart(theme_rows, title="主题党日主题（次）"))

        level_rows = [(label, n) for label, n in honours["commendations_by_level"].items()]
        title_rows = sorted(honours["commendations_by_title"].items(), key=lambda kv: (-kv[1], kv[0]))
        commendations = Sheet(
            "表彰", [Column("类别", 10), Column("级别或称号", 24), Column("数量", 12, COUNT)],
            [("按级别", label, n) for label, n in level_rows] + [("按称号", t, n) for t, n in title_rows],
            heading="四、表彰和先进典型", note=f"选树先进典型 {honours['advanced_models']} 名。",
            chart=bar_chart([(label if label == "市直机关" else f"{label}级", n) for label, n in level_rows],
                            title="受到表彰（项）"))

        top_rows = [("十佳党建品牌", rank, name) for rank, name in
                    enumerate(honours["top_ten_brands_by_year"].get(self.year, []), 1)]
        top_rows += [("十佳开放式党课", rank, title) for rank, title in
                     enumerate(honours["top_ten_lectures_by_year"].get(self.year, []), 1)]
        brands = Sheet("品牌和十佳", [Column("评选", 16), Column("名次", 8, COUNT), Column("名称", 40)], top_rows,
                       heading="五、党建品牌和“十佳”评选",
                       note=f"本年培育党建品牌 {honours['brands_total']} 个，累计 {f['brands_cumulative']} 个。")

        donations = Sheet(
            "共建和捐款", [Column("专项任务", 30), Column("捐款（元）", 16, MONEY)],
            [(c.name, c.total) for c in community.donations_by_campaign] + [("合计", community.donations_total)],
            heading="六、共驻共建、社区报到和捐款",
            note=f"{community.organisations_with_agreement} 个党组织签订共驻共建协议；"
                 f"{community.members_reported:,} 名在职党员到居住地社区报到；"
                 f"{community.volunteers:,} 名党员参加社区志愿服务 {community.volunteer_hours:,.1f} 小时。")

        groups = f["breakdown"].rows()
        by_org = Sheet(
            "各党组织", [
                Column("党组织", 28), Column("党员", 8, COUNT), Column("正式党员", 9, COUNT),
                Column("预备党员", 9, COUNT), Column("发展对象", 9, COUNT), Column("积极分子", 9, COUNT),
                Column("组织生活（次）", 10, COUNT), Column("主题党日（次）", 10, COUNT),
                Column("“三会一课”完成率", 11, RATE), Column("标准化验收合格", 10, COUNT),
                Column("表彰（项）", 9, COUNT), Column("新培育品牌", 9, COUNT), Column("共建协议", 9, COUNT),
                Column("社区报到（人）", 10, COUNT), Column("志愿服务（小时）", 11, HOURS),
                Column("捐款（元）", 12, MONEY)],
            [self._group_row(g) for g in groups], heading="七、各党组织情况", landscape=True,
            chart=bar_chart([(g.name, g.values.get("party", 0)) for g in groups[:25]],
                            title="各党组织党员人数（名）" + ("，前25个" if len(groups) > 25 else "")))
        return [summary, people, activities, themed, commendations, brands, donations, by_org]

    @staticmethod
    def _group_row(group) -> tuple:
        v = group.values
        required = v.get("required", 0)
        return (group.name, v.get("party", 0), v.get(Stage.FULL, 0), v.get(Stage.PROBATIONARY, 0),
                v.get(Stage.CANDIDATE, 0), v.get(Stage.ACTIVIST, 0), v.get("held", 0), v.get("themed", 0),
                v.get("counted", 0) / required if required else None,
                f"{v.get('accepted', 0)}/{v.get('reviews', 0)}" if v.get("reviews") else "—",
                v.get("commendations", 0), v.get("brands", 0), v.get("agreements", 0), v.get("reported", 0),
                v.get("hours", ZERO), v.get("donations", ZERO))

    def context(self) -> dict:
        return {"narrative": self.narrative()}
