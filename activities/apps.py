from django.apps import AppConfig
from django.conf import settings


class ActivitiesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "activities"
    verbose_name = "组织生活"

    def ready(self):
        from PIL import Image

        from . import signals  # noqa: F401

        # Every Pillow use in the process refuses pictures larger than a phone photo needs.
        Image.MAX_IMAGE_PIXELS = settings.PHOTO_MAX_PIXELS
