"""The channels beyond the in-app notification: e-mail (Django's e-mail back-ends) and group robots
(企业微信 / 钉钉), which take an HTTP POST of markdown. Each returns None on success or a Chinese reason."""

import base64
import hashlib
import hmac
import http.client
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from .choices import Provider

logger = logging.getLogger(__name__)

WEBHOOK_TIMEOUT = 10


def absolute(link: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{link}" if link.startswith("/") else link


def _email_body(notification) -> str:
    parts = [notification.body] if notification.body else []
    if notification.link:
        parts.append(f"查看详情：{absolute(notification.link)}")
    parts.append(f"如需调整提醒方式，请登录平台修改“提醒设置”：{absolute('/notifications/settings/')}")
    return "\n\n".join(parts)


def send_emails(deliveries) -> Iterator[tuple[object, str | None]]:
    """Send the deliveries' messages over one connection, yielding (delivery, None or the reason it failed) as
    each one goes, so the caller records it at once; a message that fails does not stop the others."""
    try:
        connection = get_connection(fail_silently=False)
        connection.open()
    except SoftTimeLimitExceeded:
        raise
    except Exception as error:  # noqa: BLE001 - any back-end error is a failed attempt, retried later
        for delivery in deliveries:
            yield delivery, f"邮件服务器连接失败：{error}"
        return
    try:
        for delivery in deliveries:
            notification = delivery.notification
            message = EmailMessage(subject=f"【机关党建】{notification.title}", body=_email_body(notification),
                                   to=[delivery.address], connection=connection)
            try:
                message.send()
            except SoftTimeLimitExceeded:
                raise  # the task is out of time: stop here, not a failed attempt
            except Exception as error:  # noqa: BLE001
                yield delivery, f"邮件发送失败：{error}"
            else:
                yield delivery, None
    finally:
        try:
            connection.close()
        except Exception:  # noqa: BLE001 - closing a broken connection must not hide the results
            logger.warning("closing the e-mail connection failed", exc_info=True)


def webhook_payload(provider: str, notification) -> dict:
    link = f"\n\n[查看详情]({absolute(notification.link)})" if notification.link else ""
    if provider == Provider.DINGTALK:
        return {"msgtype": "markdown",
                "markdown": {"title": notification.title,
                             "text": f"#### {notification.title}\n\n{notification.body}{link}"}}
    return {"msgtype": "markdown", "markdown": {"content": f"**{notification.title}**\n{notification.body}{link}"}}


def _signed(url: str, secret: str) -> str:
    """DingTalk's 加签: timestamp and HMAC-SHA256 signature appended to the address."""
    timestamp = str(round(time.time() * 1000))
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}timestamp={timestamp}&sign={sign}"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Robots answer where they are asked; a redirect could lead the POST (and its key) to any host."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # urllib then raises HTTPError with the redirect's status


_opener = urllib.request.build_opener(_NoRedirects)


def post_webhook(endpoint, notification) -> str | None:
    url = _signed(endpoint.url, endpoint.secret) if endpoint.secret else endpoint.url
    data = json.dumps(webhook_payload(endpoint.provider, notification), ensure_ascii=False).encode()
    request = urllib.request.Request(url, data=data, method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8"})
    try:
        with _opener.open(request, timeout=WEBHOOK_TIMEOUT) as response:  # noqa: S310 - allowed hosts only
            reply = response.read(10_000)
    except urllib.error.HTTPError as error:
        return f"群机器人返回 HTTP {error.code}"
    except (urllib.error.URLError, http.client.HTTPException, TimeoutError, OSError) as error:
        # HTTPException: a reply that is not HTTP. Raising would stop the batch before the deliveries already
        # sent in it are recorded, and they would be sent again.
        return f"无法连接群机器人：{getattr(error, 'reason', error)}"
    try:
        answer = json.loads(reply or b"{}")
    except ValueError:
        return "群机器人的应答无法识别"
    if not isinstance(answer, dict):
        return "群机器人的应答无法识别"
    if answer.get("errcode", 0) != 0:
        return f"群机器人拒绝了消息：{answer.get('errmsg', '')}（错误码 {answer.get('errcode')}）"
    return None


HOST_REFUSED = "群机器人地址不在允许的范围内，不会发送（请联系系统管理员设置 NOTIFICATION_WEBHOOK_HOSTS）"


def webhook_host_allowed(url: str) -> bool:
    return (urllib.parse.urlsplit(url).hostname or "") in settings.NOTIFICATION_WEBHOOK_HOSTS
