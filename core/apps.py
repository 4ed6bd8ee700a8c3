from django.apps import AppConfig
from django.conf import settings


class CoreConfig(AppConfig):
    """The ground floor every feature stands on: private files, form and paging helpers, local time, the
    workflow engine, queueing after commit. It imports no app of this project."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    verbose_name = "基础"

    def ready(self):
        from PIL import Image

        # Every Pillow use in the process refuses pictures larger than a phone photo needs.
        Image.MAX_IMAGE_PIXELS = settings.PHOTO_MAX_PIXELS
