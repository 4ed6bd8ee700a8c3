"""The default standardisation checklist: the "六有" venue standard plus the organisational
items a real acceptance review checks. Wordings differ by locality; admins edit these rows."""

import datetime as dt

from django.db import migrations

SOURCE = "市直机关基层党组织标准化建设验收标准（“六有”党员活动阵地，本地默认）"
EFFECTIVE = dt.date(2018, 1, 1)
ITEMS = [
    ("venue", "有场所", "有相对固定、面积适宜的党员活动室，可开展组织生活和党员教育。", True),
    ("facilities", "有设施", "配备桌椅、电教设备等开展活动的基本设施。", True),
    ("signage", "有标志", "党员活动室悬挂统一标识标牌。", True),
    ("flag", "有党旗", "活动室悬挂党旗，张贴入党誓词。", True),
    ("reading", "有书报", "配备党章党规、理论读物和党报党刊。", True),
    ("rules", "有制度", "“三会一课”、组织生活会、民主评议党员等制度上墙并落实。", True),
    ("committee", "班子健全", "按规定设立支部委员会或配备书记、副书记，委员分工明确。", False),
    ("term", "按期换届", "按期进行换届选举，无逾期未换届情况。", False),
    ("meetings", "“三会一课”落实", "全年按规定频次召开支部党员大会、支委会、党小组会，按时上党课，开展主题党日。", True),
    ("records", "台账记录规范", "会议记录、党员名册、党费收缴等台账完整规范。", True),
]


def seed(apps, schema_editor):
    ChecklistItem = apps.get_model("oversight", "ChecklistItem")
    for order, (code, title, description, evidence) in enumerate(ITEMS, start=1):
        ChecklistItem.objects.create(code=code, title=title, description=description, evidence_required=evidence,
                                     sort_order=order * 10, source=SOURCE, effective_from=EFFECTIVE)


class Migration(migrations.Migration):
    dependencies = [("oversight", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
