from django.db import models


class Level(models.TextChoices):
    NATIONAL = "NATIONAL", "全国"
    PROVINCE = "PROVINCE", "省"
    CITY = "CITY", "市"
    CITY_ORGANS = "CITY_ORGANS", "市直机关"


# Secretaries nominate only for the honours the city gives; national and provincial ones are recorded by admins.
NOMINABLE_LEVELS = (Level.CITY, Level.CITY_ORGANS)


class Subject(models.TextChoices):
    ORGANISATION = "ORGANISATION", "党组织"
    MEMBER = "MEMBER", "党员"


class NominationStatus(models.TextChoices):
    SUBMITTED = "SUBMITTED", "待审核"
    APPROVED = "APPROVED", "已批准"
    REJECTED = "REJECTED", "未批准"


class RatingStatus(models.TextChoices):
    SUBMITTED = "SUBMITTED", "待确认"
    CONFIRMED = "CONFIRMED", "已确认"


class SelectionSubject(models.TextChoices):
    BRAND = "BRAND", "十佳党建品牌"
    OPEN_LECTURE = "OPEN_LECTURE", "十佳开放式党课"


class SelectionStatus(models.TextChoices):
    SHORTLISTING = "SHORTLISTING", "推荐入围"
    SCORING = "SCORING", "评委打分"
    DECIDED = "DECIDED", "已评定"


TOP = 10  # "十佳"

# The legal steps of each workflow: honours/workflow.py (core.workflow tables).
