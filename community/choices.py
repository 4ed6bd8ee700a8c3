from django.db import models


class Reporter(models.TextChoices):
    """Who reports under a reporter type: a member (to where they live, to a contact point …) or an organisation."""

    MEMBER = "MEMBER", "党员个人"
    ORGANISATION = "ORGANISATION", "党组织"


class CampaignKind(models.TextChoices):
    FLOOD_RELIEF = "FLOOD_RELIEF", "防汛救灾"
    EPIDEMIC = "EPIDEMIC", "疫情防控"
    POVERTY_RELIEF = "POVERTY_RELIEF", "脱贫攻坚"
    OTHER = "OTHER", "其他急难险重任务"
