from django.db import models

# Re-exported: the organisation pages (branches) count members by them too.
from core.choices import MembershipStatus, Stage  # noqa: F401


class Gender(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class Education(models.TextChoices):
    DOCTORATE = "DOCTORATE", "博士研究生"
    MASTER = "MASTER", "硕士研究生"
    BACHELOR = "BACHELOR", "大学本科"
    COLLEGE = "COLLEGE", "大学专科"
    SECONDARY = "SECONDARY", "中专/高中"
    BELOW = "BELOW", "初中及以下"


class EmploymentStatus(models.TextChoices):
    SERVING = "SERVING", "在职"
    RETIRED = "RETIRED", "离退休"
    STUDENT = "STUDENT", "学生"
    UNEMPLOYED = "UNEMPLOYED", "无固定收入"
