from django.apps import AppConfig


class RulesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "rules"
    verbose_name = "规则参数"

    def ready(self):
        from django.db.models.signals import post_delete, post_migrate, post_save

        from core.cache import bump_now_and_at_commit

        from .models import RULES_VERSION_KEY, StageInterval, TermLength, Threshold

        def rules_changed(**kwargs) -> None:
            bump_now_and_at_commit(RULES_VERSION_KEY)

        # Read from the cache (rules.models.cached_rows): an edit in the admin is in force at once.
        for model in (TermLength, Threshold, StageInterval):
            post_save.connect(rules_changed, sender=model, dispatch_uid=f"rules-save-{model.__name__}", weak=False)
            post_delete.connect(rules_changed, sender=model, dispatch_uid=f"rules-delete-{model.__name__}",
                                weak=False)
        # Data migrations write rule rows through historical models, which send no signal to these receivers.
        post_migrate.connect(rules_changed, sender=self, dispatch_uid="rules-migrated", weak=False)
