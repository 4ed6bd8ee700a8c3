"""Access rows for the notification centre and group robots (merged by tests/test_url_access.py).

A notification is its recipient's alone: the member opens their own; everyone else gets a 404, admins
included. Group robots belong to branch A: its secretary (and the admin) manage them; B's secretary and the
outsider must not learn they exist (404); the member may see the organisation but not manage it (403)."""

from tests.access_post import ALLOWED, everyone_posting, with_post
from tests.notifications.factories import NotificationFactory, WebhookEndpointFactory

OK, REDIRECT, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, 302, 403, 404, 405
LOGIN = "login"
EVERYONE = {"anonymous": LOGIN, "outsider": OK, "member": OK, "secretary": OK, "other_secretary": OK, "admin": OK}
POST_ONLY = {"anonymous": LOGIN, "outsider": NOT_ALLOWED, "member": NOT_ALLOWED, "secretary": NOT_ALLOWED,
             "other_secretary": NOT_ALLOWED, "admin": NOT_ALLOWED}
ROBOT_PAGE = {"anonymous": LOGIN, "outsider": NOT_FOUND, "member": FORBIDDEN, "secretary": OK,
              "other_secretary": NOT_FOUND, "admin": OK}
ROBOT = {"anonymous": LOGIN, "outsider": NOT_FOUND, "member": NOT_FOUND, "secretary": OK,
         "other_secretary": NOT_FOUND, "admin": OK}


def members_notification(city) -> dict:
    return {"pk": NotificationFactory(recipient=city.member_user, link="/activities/").pk}


def branch_a_robot(city) -> dict:
    return {"pk": WebhookEndpointFactory(organisation=city.branch_a).pk}


def robot_post(city) -> dict:
    return {"pk": WebhookEndpointFactory(organisation=city.branch_a).pk}


MATRIX = {
    "notifications:notification_list": (lambda c: {}, EVERYONE),
    "notifications:notification_open": (members_notification, {
        "anonymous": LOGIN, "outsider": NOT_FOUND, "member": REDIRECT, "secretary": NOT_FOUND,
        "other_secretary": NOT_FOUND, "admin": NOT_FOUND}),
    "notifications:notification_read_all": (lambda c: {}, POST_ONLY),
    "notifications:settings": (lambda c: {}, EVERYONE),
    "notifications:webhook_list": (lambda c: {"pk": c.branch_a.pk}, ROBOT_PAGE),
    "notifications:webhook_create": (lambda c: {"pk": c.branch_a.pk}, ROBOT_PAGE),
    "notifications:webhook_edit": (branch_a_robot, ROBOT),
    # POST-only views (GET is 405 for everyone); their scoping by POST is in test_webhooks.py.
    "notifications:webhook_delete": (robot_post, POST_ONLY),
    "notifications:webhook_test": (robot_post, POST_ONLY),
}


# --- POSTs that differ from the GET (tests/access_post.py) ---
MATRIX["notifications:notification_read_all"] = with_post(MATRIX["notifications:notification_read_all"],
                                                        everyone_posting(ALLOWED))
for _name in ("notifications:webhook_delete", "notifications:webhook_test"):
    MATRIX[_name] = with_post(MATRIX[_name], {"outsider": NOT_FOUND, "member": NOT_FOUND, "secretary": ALLOWED,
                                              "other_secretary": NOT_FOUND, "admin": ALLOWED})
