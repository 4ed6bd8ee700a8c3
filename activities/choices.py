from django.db import models


class ActivityKind(models.TextChoices):
    GENERAL_MEETING = "GENERAL_MEETING", "支部党员大会"
    COMMITTEE_MEETING = "COMMITTEE_MEETING", "支委会"
    GROUP_MEETING = "GROUP_MEETING", "党小组会"
    PARTY_LESSON = "PARTY_LESSON", "党课"
    THEMED_DAY = "THEMED_DAY", "主题党日"
    ORG_LIFE_MEETING = "ORG_LIFE_MEETING", "组织生活会"
    APPRAISAL_MEETING = "APPRAISAL_MEETING", "民主评议党员"
    OPEN_LECTURE = "OPEN_LECTURE", "开放式党课"
    TRAINING = "TRAINING", "培训班"
    VOLUNTEER = "VOLUNTEER", "志愿服务"
    OTHER = "OTHER", "其他"
