"""Every limit of the development work (《中国共产党发展党员工作细则》2014) as rule rows, in its natural unit.

The four interval rows seeded in 0002 are kept (same events, same effective date) and given their unit; the
probation row stays in days because the probation reminder reads it that way (365 days = one calendar year).
"""

import datetime as dt

from django.db import migrations

RULES_2014 = "《中国共产党发展党员工作细则》（2014）"
EFFECTIVE = dt.date(2014, 5, 28)
PRACTICE = "通行做法（各地组织部门规定）"

# (name, from, to, unit, min, max, max with a reason, max times, source)
ROWS = [
    ("年满十八岁方可申请入党", "birth_date", "applied_on", "YEAR", 18, None, None, None,
     "《中国共产党章程》第一条；" + RULES_2014 + "第五条"),
    ("收到入党申请书后一个月内派人谈话", "applied_on", "talked_on", "MONTH", None, 1, None, None,
     RULES_2014 + "第七条"),
    ("入党积极分子经过一年以上培养教育和考察方可确定为发展对象", "activist_on", "candidate_on", "YEAR", 1, None, None,
     None, RULES_2014 + "第十三条"),
    ("发展对象集中培训不少于3天", "training", "training", "DAY", 3, None, None, None, RULES_2014 + "第十八条"),
    ("发展对象集中培训不少于24学时", "training", "training", "HOUR", 24, None, None, None, RULES_2014 + "第十八条"),
    ("发展对象公示期不少于5个工作日", "publicity_from", "publicity_to", "WORKING_DAY", 5, None, None, None,
     RULES_2014 + "（支委会审查后公示）；公示期5个工作日为" + PRACTICE),
    ("支部大会通过后三个月内上级党委审批（特殊情况最长六个月，须说明理由）", "admitted_on", "approved_on", "MONTH",
     None, 3, 6, None, RULES_2014 + "第二十六条"),
    ("预备期一年，可延长一次（六个月至一年）", "admitted_on", "full_on", "DAY", 365, 731, None, None,
     RULES_2014 + "第二十八条、第三十二条"),
    ("延长预备期只能一次，时间不少于六个月、不超过一年", "extension", "extension", "MONTH", 6, 12, None, 1,
     RULES_2014 + "第三十二条"),
    ("支部大会讨论转正后三个月内上级党委审批", "convert_meeting_on", "convert_approved_on", "MONTH", None, 3, None, None,
     RULES_2014 + "第三十三条"),
]


def seed(apps, schema_editor):
    StageInterval = apps.get_model("rules", "StageInterval")
    for name, start, end, unit, least, most, with_reason, times, source in ROWS:
        fields = {"name": name, "unit": unit, "min_days": least, "max_days": most, "max_with_reason": with_reason,
                  "max_times": times, "source": source}
        row = StageInterval.objects.filter(from_event=start, to_event=end, effective_from=EFFECTIVE).filter(
            unit__in=[unit, "DAY"]).first()
        if row is not None and not (start == "training" and row.unit != unit):
            for field, value in fields.items():
                setattr(row, field, value)
            row.save()
        else:
            StageInterval.objects.create(from_event=start, to_event=end, effective_from=EFFECTIVE, **fields)


def unseed(apps, schema_editor):
    StageInterval = apps.get_model("rules", "StageInterval")
    StageInterval.objects.filter(effective_from=EFFECTIVE, from_event__in=[
        "birth_date", "training", "publicity_from", "extension", "convert_meeting_on"]).delete()


class Migration(migrations.Migration):
    dependencies = [("rules", "0007_stage_interval_units")]
    operations = [migrations.RunPython(seed, unseed)]
