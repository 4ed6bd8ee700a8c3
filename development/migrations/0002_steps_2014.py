"""The 25 steps of 《中国共产党发展党员工作细则》（2014）, in five stages, with what each needs."""

from django.db import migrations

A, B, C, D, E = "APPLICANT", "ACTIVIST", "CANDIDATE", "PROBATIONARY", "FULL"
# number, stage, name, description, options
STEPS = [
    (1, A, "递交入党申请书", "入党申请人向工作、学习所在单位党组织提出入党申请。",
     {"event": "applied_on", "needs_attachments": True, "archive_material": "入党申请书"}),
    (2, A, "党组织派人谈话", "党组织收到入党申请书后，一个月内派人同入党申请人谈话。",
     {"event": "talked_on", "document": "TALK_RECORD", "archive_material": "谈话记录"}),
    (3, B, "推荐和确定入党积极分子", "采取党员推荐、群团组织推优等方式产生人选，由支部委员会研究决定。",
     {"event": "activist_on", "archive_material": "确定入党积极分子的支委会记录"}),
    (4, B, "报上级党委备案", "确定入党积极分子后报上级党委备案。",
     {"needs_approval": True, "document": "ACTIVIST_FILING", "archive_material": "入党积极分子备案报告"}),
    (5, B, "指定培养联系人", "党组织指定一至两名正式党员作为入党积极分子的培养联系人。",
     {"people": "CONTACTS", "people_count": 2}),
    (6, B, "培养教育考察", "对入党积极分子进行培养教育，每半年考察一次并记录。",
     {"repeatable": True, "document": "CONTACT_OPINION", "archive_material": "入党积极分子培养教育考察登记"}),
    (7, C, "确定发展对象", "经过一年以上培养教育和考察，听取各方意见，支部委员会讨论确定为发展对象。",
     {"event": "candidate_on", "archive_material": "确定发展对象的支委会记录"}),
    (8, C, "报上级党委备案", "确定发展对象后报上级党委备案。",
     {"needs_approval": True, "document": "CANDIDATE_FILING", "archive_material": "发展对象备案报告"}),
    (9, C, "确定入党介绍人", "发展对象应当有两名正式党员作入党介绍人。",
     {"people": "INTRODUCERS", "people_count": 2, "document": "INTRODUCER_OPINION",
      "archive_material": "入党介绍人意见"}),
    (10, C, "进行政治审查", "对发展对象进行政治审查，形成结论性材料。",
     {"needs_attachments": True, "archive_material": "政治审查报告"}),
    (11, C, "开展集中培训", "对发展对象进行短期集中培训，时间不少于3天或24学时。",
     {"event": "training", "needs_training": True, "archive_material": "集中培训结业证明"}),
    (12, D, "支部委员会审查（公示）", "支部委员会对发展对象进行严格审查，并在一定范围内公示。",
     {"needs_range": True, "document": "PUBLICITY_NOTICE", "archive_material": "公示情况"}),
    (13, D, "上级党委预审", "基层党委对发展对象进行预审。", {"needs_approval": True, "archive_material": "预审意见"}),
    (14, D, "填写入党志愿书", "预审合格后，发展对象填写入党志愿书。", {"archive_material": "入党志愿书"}),
    (15, D, "支部大会讨论", "支部党员大会讨论接收预备党员，表决通过后形成决议。",
     {"event": "admitted_on", "needs_votes": True, "document": "ADMISSION_REQUEST",
      "archive_material": "支部大会决议及关于接收预备党员的请示"}),
    (16, D, "上级党委派人谈话", "上级党委审批前派委员或组织员同发展对象谈话。",
     {"document": "TALK_RECORD", "archive_material": "上级党委谈话记录"}),
    (17, D, "上级党委审批", "上级党委在三个月内审批，特殊情况最长不超过六个月。",
     {"event": "approved_on", "needs_approval": True, "archive_material": "上级党委审批意见"}),
    (18, D, "再上一级党委组织部门备案", "审批后报再上一级党委组织部门备案。", {"archive_material": "备案材料"}),
    (19, E, "编入党支部和党小组", "预备党员编入党支部和党小组参加组织生活。", {}),
    (20, E, "入党宣誓", "预备党员面向党旗进行入党宣誓。", {}),
    (21, E, "继续教育考察", "对预备党员继续进行教育和考察。", {"repeatable": True,
                                                             "archive_material": "预备党员教育考察登记"}),
    (22, E, "提出转正申请", "预备期满，预备党员主动向党组织提出书面转正申请。",
     {"needs_attachments": True, "archive_material": "转正申请书"}),
    (23, E, "支部大会讨论转正", "预备期满及时讨论，表决通过后报上级党委审批。",
     {"event": "convert_meeting_on", "needs_votes": True, "document": "CONVERSION_REQUEST",
      "archive_material": "支部大会转正决议及关于预备党员转正的请示"}),
    (24, E, "上级党委审批转正", "上级党委在三个月内审批：按期转正、延长预备期（一次，六个月至一年）或取消预备党员资格。",
     {"event": "convert_approved_on", "needs_approval": True, "needs_outcome": True,
      "document": "EXTENSION_DECISION", "archive_material": "转正审批意见"}),
    (25, E, "材料归档", "将入党材料归入本人人事档案。", {}),
]


def seed(apps, schema_editor):
    StepDefinition = apps.get_model("development", "StepDefinition")
    for number, stage, name, description, options in STEPS:
        StepDefinition.objects.update_or_create(number=number, defaults={
            "stage": stage, "name": name, "description": description, **options})


def unseed(apps, schema_editor):
    apps.get_model("development", "StepDefinition").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("development", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
