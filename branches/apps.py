from django.apps import AppConfig


class BranchesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "branches"
    verbose_name = "党组织"

    def ready(self):
        # Cached roles and own member follow every change to roles, organisations and members.
        from . import access_cache  # noqa: F401
