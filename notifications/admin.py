from django.contrib import admin

from .models import Delivery, Notification, NotificationSettings, WebhookEndpoint


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    fields = ["channel", "address", "status", "attempts", "last_error", "created_at", "sent_at"]
    readonly_fields = fields


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "title", "recipient", "webhook", "mode", "dispatched_at", "read_at"]
    list_filter = ["kind", "mode", ("read_at", admin.EmptyFieldListFilter), ("dispatched_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "recipient__username", "recipient__full_name", "target"]
    date_hierarchy = "created_at"
    list_select_related = ["recipient", "webhook__organisation"]  # a robot's name shows its organisation
    readonly_fields = [field.name for field in Notification._meta.fields]
    inlines = [DeliveryInline]

    def has_add_permission(self, request):
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """The log of what was sent, to whom, when, by which channel, and what failed."""

    list_display = ["created_at", "channel", "address", "notification", "status", "attempts", "sent_at",
                    "last_error"]
    list_filter = ["status", "channel", "notification__kind"]
    search_fields = ["address", "notification__title", "last_error"]
    date_hierarchy = "created_at"
    list_select_related = ["notification"]
    readonly_fields = [field.name for field in Delivery._meta.fields]
    actions = ["retry_now"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="立即重试所选的失败记录")
    def retry_now(self, request, queryset):
        from django.utils import timezone

        from .choices import DeliveryStatus

        count = queryset.filter(status=DeliveryStatus.FAILED).update(status=DeliveryStatus.PENDING,
                                                                     next_attempt_at=timezone.now(), attempts=0)
        self.message_user(request, f"已安排重试 {count} 条，将在一分钟内发送。")


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["organisation", "name", "provider", "is_active", "activity_notices", "duty_notices"]
    list_filter = ["provider", "is_active"]
    search_fields = ["organisation__name", "name"]
    autocomplete_fields = ["organisation"]


@admin.register(NotificationSettings)
class NotificationSettingsAdmin(admin.ModelAdmin):
    list_display = ["user", "day_before", "day_before_at", "soon", "soon_minutes", "by_email"]
    search_fields = ["user__username", "user__full_name"]
    raw_id_fields = ["user"]
