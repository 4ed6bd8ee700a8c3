from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = "账号"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from .middleware import user_changed

        def forget(sender, instance, **kwargs):
            user_changed(instance.pk)

        for signal in (post_save, post_delete):
            signal.connect(forget, sender=self.get_model("User"), dispatch_uid="accounts.user_cache", weak=False)
