from django.db import models

from core.choices import OrganisationKind  # noqa: F401  (re-exported: the rules tables name it too)


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
