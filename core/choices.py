"""The city's shared vocabularies: kinds and statuses that a lower floor (the rules tables, the organisation
pages) and the apps above it both name. The apps that own them re-export them from their own choices modules."""

from django.db import models


class OrganisationKind(models.TextChoices):
    WORKING_COMMITTEE = "WORKING_COMMITTEE", "机关工委"
    PARTY_COMMITTEE = "PARTY_COMMITTEE", "党委"
    GENERAL_BRANCH = "GENERAL_BRANCH", "党总支"
    BRANCH = "BRANCH", "党支部"
    TEMPORARY_BRANCH = "TEMPORARY_BRANCH", "临时党支部"


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


class Stage(models.TextChoices):
    APPLICANT = "APPLICANT", "入党申请人"
    ACTIVIST = "ACTIVIST", "入党积极分子"
    CANDIDATE = "CANDIDATE", "发展对象"
    PROBATIONARY = "PROBATIONARY", "预备党员"
    FULL = "FULL", "正式党员"


class MembershipStatus(models.TextChoices):
    ACTIVE = "ACTIVE", "在册"
    TRANSFERRED_OUT = "TRANSFERRED_OUT", "已转出"
    SUSPENDED = "SUSPENDED", "停止党籍"
    EXPELLED = "EXPELLED", "出党"
    DECEASED = "DECEASED", "去世"
