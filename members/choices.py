from django.db import models


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
