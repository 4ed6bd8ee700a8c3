"""The notification centre (a user's own notifications), their reminder settings, and an organisation's group
robots. Access is decided in branches/access.py: a notification is its recipient's alone; robots belong to
the organisations the user manages."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.http import client_address
from notifications import access

from . import services, tasks
from .forms import SettingsForm, WebhookForm
from .models import Delivery, NotificationSettings

PER_PAGE = 20


@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = access.notifications_visible_to(request.user)
    unread_only = request.GET.get("show") == "unread"
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    page = Paginator(notifications.only("pk", "kind", "title", "body", "link", "created_at", "read_at"),
                     PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "notifications/notification_list.html", {
        "page": page, "unread_only": unread_only, "query": "show=unread" if unread_only else ""})


@require_GET
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark it read and go to what it is about (only ever a page of this site)."""
    notification = access.get_notification_for(request.user, pk)
    services.notification_read(notification=notification)
    link = notification.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts=None) and link.startswith("/"):
        return redirect(link)
    return redirect("notifications:notification_list")


@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notifications_read_all(user=request.user)
    messages.success(request, f"已将 {count} 条通知标为已读。")
    return redirect("notifications:notification_list")


@require_http_methods(["GET", "POST"])
def settings_edit(request: HttpRequest) -> HttpResponse:
    instance = NotificationSettings.objects.filter(user=request.user).first() or NotificationSettings(
        user=request.user)
    duty_kinds = access.is_secretary(request.user) or access.is_admin(request.user)
    form = SettingsForm(request.POST or None, instance=instance, duty_kinds=duty_kinds)
    if request.method == "POST" and form.is_valid():
        services.settings_save(settings=form.save(commit=False), by=request.user)
        messages.success(request, "提醒设置已保存。")
        return redirect("notifications:settings")
    return render(request, "notifications/settings.html", {
        "form": form, "duty_kinds": duty_kinds, "has_email": bool(request.user.email),
        "mode_fields": [field for field in form if field.name.startswith("mode_")],
        "plain_fields": [field for field in form if not field.name.startswith("mode_")],
    })


@require_GET
def webhook_list(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = access.get_organisation_for(request.user, pk, write=True)
    endpoints = access.webhooks_managed_by(request.user).filter(organisation=organisation)
    recent = (Delivery.objects.filter(notification__webhook__in=endpoints)
              .select_related("notification", "notification__webhook").order_by("-created_at", "-pk")[:10])
    return render(request, "notifications/webhook_list.html", {"organisation": organisation,
                                                               "endpoints": endpoints, "recent": recent})


def _webhook_form_page(request, *, form, organisation, title):
    return render(request, "notifications/webhook_form.html", {
        "form": form, "organisation": organisation, "title": title,
        "back": reverse("notifications:webhook_list", args=[organisation.pk])})


@require_http_methods(["GET", "POST"])
def webhook_create(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = access.get_organisation_for(request.user, pk, write=True)
    form = WebhookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.webhook_create(endpoint=form.save(commit=False), organisation=organisation, by=request.user,
                                ip=client_address(request))
        messages.success(request, "群机器人已添加。可以点“发送测试消息”检查是否设置成功。")
        return redirect("notifications:webhook_list", organisation.pk)
    return _webhook_form_page(request, form=form, organisation=organisation, title="添加群机器人")


@require_http_methods(["GET", "POST"])
def webhook_edit(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = access.get_webhook_for(request.user, pk)
    form = WebhookForm(request.POST or None, instance=endpoint)
    if request.method == "POST" and form.is_valid():
        services.webhook_update(endpoint=form.save(commit=False), by=request.user, ip=client_address(request))
        messages.success(request, "群机器人设置已保存。")
        return redirect("notifications:webhook_list", endpoint.organisation_id)
    return _webhook_form_page(request, form=form, organisation=endpoint.organisation, title="修改群机器人")


@require_POST
def webhook_delete(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = access.get_webhook_for(request.user, pk)
    organisation_id = endpoint.organisation_id
    services.webhook_delete(endpoint=endpoint, by=request.user, ip=client_address(request))
    messages.success(request, "群机器人已删除，不再向该群推送。")
    return redirect("notifications:webhook_list", organisation_id)


@require_POST
def webhook_test(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = access.get_webhook_for(request.user, pk)
    with transaction.atomic():
        services.webhook_test(endpoint=endpoint, by=request.user)
        tasks.dispatch_soon()
    messages.info(request, "测试消息已排队发送，请到群里查看；发送结果见下方“最近发送”。")
    return redirect("notifications:webhook_list", endpoint.organisation_id)


urlpatterns = [
    path("", notification_list, name="notification_list"),
    path("<int:pk>/open/", notification_open, name="notification_open"),
    path("read-all/", notification_read_all, name="notification_read_all"),
    path("settings/", settings_edit, name="settings"),
    path("organisations/<int:pk>/robots/", webhook_list, name="webhook_list"),
    path("organisations/<int:pk>/robots/new/", webhook_create, name="webhook_create"),
    path("robots/<int:pk>/edit/", webhook_edit, name="webhook_edit"),
    path("robots/<int:pk>/delete/", webhook_delete, name="webhook_delete"),
    path("robots/<int:pk>/test/", webhook_test, name="webhook_test"),
]
