from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = "提醒与通知"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from .unread import unread_changed

        def changed(sender, instance, **kwargs):
            unread_changed([instance.recipient_id])

        for signal in (post_save, post_delete):
            signal.connect(changed, sender=self.get_model("Notification"), dispatch_uid="notifications.unread",
                           weak=False)
