from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = "提醒与通知"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from core.cache import read_with_user

        from .unread import unread_changed, unread_keys

        read_with_user(unread_keys)  # the bell's count comes back with the request's user (accounts.middleware)

        def changed(sender, instance, **kwargs):
            unread_changed([instance.recipient_id])

        for signal in (post_save, post_delete):
            signal.connect(changed, sender=self.get_model("Notification"), dispatch_uid="notifications.unread",
                           weak=False)
