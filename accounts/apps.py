from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = "账号"

    def ready(self):
        from django.db import transaction
        from django.db.models.signals import post_delete, post_save

        from .middleware import user_changed

        def forget(sender, instance, **kwargs):
            # Now (this request and the tests see the change) and at commit (a reader in between may have
            # cached the old row).
            pk = instance.pk
            user_changed(pk)
            transaction.on_commit(lambda: user_changed(pk))

        for signal in (post_save, post_delete):
            signal.connect(forget, sender=self.get_model("User"), dispatch_uid="accounts.user_cache", weak=False)
