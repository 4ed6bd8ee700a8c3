from django.db import models


class OrganisationKind(models.TextChoices):
    WORKING_COMMITTEE = "WORKING_COMMITTEE", "机关工委"
    PARTY_COMMITTEE = "PARTY_COMMITTEE", "党委"
    GENERAL_BRANCH = "GENERAL_BRANCH", "党总支"
    BRANCH = "BRANCH", "党支部"
    TEMPORARY_BRANCH = "TEMPORARY_BRANCH", "临时党支部"


class OrganisationStatus(models.TextChoices):
    ACTIVE = "ACTIVE", "正常"
    DISSOLVED = "DISSOLVED", "已撤销"


class RoleKind(models.TextChoices):
    ADMIN = "ADMIN", "工委管理员"
    SECRETARY = "SECRETARY", "党组织书记/党务工作者"


class Position(models.TextChoices):
    SECRETARY = "SECRETARY", "书记"
    DEPUTY_SECRETARY = "DEPUTY_SECRETARY", "副书记"
    ORGANISATION = "ORGANISATION", "组织委员"
    PUBLICITY = "PUBLICITY", "宣传委员"
    DISCIPLINE = "DISCIPLINE", "纪检委员"
    YOUTH = "YOUTH", "青年委员"
    WOMEN = "WOMEN", "妇女委员"
    MEMBER = "MEMBER", "委员"
