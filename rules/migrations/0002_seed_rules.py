"""The rule values from DOMAIN.md, with the regulation each comes from.
Admins change them in the admin; a new row with a later effective date
supersedes an old one without rewriting history."""

import datetime as dt
from decimal import Decimal

from django.db import migrations

ELECTION_2020 = ("《中国共产党基层组织选举工作条例》（2020）第三条", dt.date(2020, 7, 13))
BRANCH_2018 = "《中国共产党支部工作条例（试行）》（2018）"
BRANCH_2018_DATE = dt.date(2018, 10, 28)
DEVELOPMENT_2014 = ("《中国共产党发展党员工作细则》（2014）", dt.date(2014, 5, 28))
DUES_2008 = ("《关于中国共产党党费收缴、使用和管理的规定》（2008）", dt.date(2008, 2, 28))

TERM_LENGTHS = [("PARTY_COMMITTEE", 5), ("GENERAL_BRANCH", 3), ("BRANCH", 3)]

THRESHOLDS = [
    ("BRANCH_MIN_FULL_MEMBERS", 3, f"{BRANCH_2018}第六条", BRANCH_2018_DATE),
    ("BRANCH_COMMITTEE_MIN_FULL_MEMBERS", 7, f"{BRANCH_2018}第九条", BRANCH_2018_DATE),
    ("COMMITTEE_MIN_SIZE", 3, f"{BRANCH_2018}第九条", BRANCH_2018_DATE),
    ("COMMITTEE_MAX_SIZE", 7, f"{BRANCH_2018}第九条", BRANCH_2018_DATE),
    ("BRANCH_MAX_MEMBERS", 50, f"{BRANCH_2018}第六条", BRANCH_2018_DATE),
    ("GENERAL_BRANCH_MIN_MEMBERS", 50, f"{BRANCH_2018}第六条", BRANCH_2018_DATE),
    ("PARTY_COMMITTEE_MIN_MEMBERS", 100, "《中国共产党章程》第三十条及机关基层组织工作条例", BRANCH_2018_DATE),
    ("APPLICANT_MIN_AGE", 18, "《中国共产党章程》第一条", dt.date(2017, 10, 24)),
    ("SILENT_DAYS", 30, "本系统设置：连续无已开展活动的预警天数", dt.date(2020, 1, 1)),
    ("REELECTION_WARNING_MONTHS", 6, "本系统设置：任期届满前提醒月数", dt.date(2020, 1, 1)),
]

STAGE_INTERVALS = [
    ("递交申请书后一个月内派人谈话", "applied_on", "talked_on", None, 31, "第七条"),
    ("积极分子培养一年以上方可确定为发展对象", "activist_on", "candidate_on", 365, None, "第十三条"),
    ("支部大会通过后三个月内上级党委审批（最长六个月）", "admitted_on", "approved_on", None, 183, "第二十六条"),
    ("预备期一年，可延长一次（六个月至一年）", "admitted_on", "full_on", 365, 731, "第二十八条、第三十二条"),
]

DUES = [
    ("SERVING", "0", "3000", "0.5", None),
    ("SERVING", "3000", "5000", "1.0", None),
    ("SERVING", "5000", "10000", "1.5", None),
    ("SERVING", "10000", None, "2.0", None),
    ("RETIRED", "0", "5000", "0.5", None),
    ("RETIRED", "5000", None, "1.0", None),
    ("NO_INCOME", "0", None, None, "0.20"),
]

MEETINGS = [
    ("GENERAL_MEETING", "QUARTER", "NONE", "", "第十九条：党员大会一般每季度召开1次"),
    ("COMMITTEE_MEETING", "MONTH", "COMMITTEE", "", "第十九条：支部委员会会议一般每月召开1次"),
    ("GROUP_MEETING", "MONTH", "GROUPS", "", "第十九条：党小组会一般每月召开1次"),
    ("PARTY_LESSON", "QUARTER", "NONE", "", "常规做法每季度1次；条例要求书记每年至少讲党课1次"),
    ("THEMED_DAY", "MONTH", "NONE", "", "第十九条：每月相对固定1天开展主题党日"),
    ("ORG_LIFE_MEETING", "YEAR", "NONE", "10,11,12", "第十九条：组织生活会一般每年召开1次"),
    ("APPRAISAL_MEETING", "YEAR", "NONE", "10,11,12", "第十九条：民主评议党员一般每年开展1次"),
]


def seed(apps, schema_editor):
    TermLength = apps.get_model("rules", "TermLength")
    Threshold = apps.get_model("rules", "Threshold")
    StageInterval = apps.get_model("rules", "StageInterval")
    DuesRate = apps.get_model("rules", "DuesRate")
    MeetingRequirement = apps.get_model("rules", "MeetingRequirement")
    source, date = ELECTION_2020
    for kind, years in TERM_LENGTHS:
        TermLength.objects.create(organisation_kind=kind, years=years, source=source, effective_from=date)
    for code, value, source, date in THRESHOLDS:
        Threshold.objects.create(code=code, value=value, source=source, effective_from=date)
    source, date = DEVELOPMENT_2014
    for name, start, end, least, most, article in STAGE_INTERVALS:
        StageInterval.objects.create(name=name, from_event=start, to_event=end, min_days=least, max_days=most,
                                     source=f"{source}{article}", effective_from=date)
    source, date = DUES_2008
    for category, above, up_to, rate, fixed in DUES:
        DuesRate.objects.create(
            category=category, income_above=Decimal(above), income_up_to=Decimal(up_to) if up_to else None,
            rate_percent=Decimal(rate) if rate else None, fixed_amount=Decimal(fixed) if fixed else None,
            source=source, effective_from=date,
        )
    for kind, period, applies, months, note in MEETINGS:
        MeetingRequirement.objects.create(activity_kind=kind, period=period, times=1, applies_when=applies,
                                          months=months, source=BRANCH_2018, note=note,
                                          effective_from=BRANCH_2018_DATE)


class Migration(migrations.Migration):
    dependencies = [("rules", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
