import logging

from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.services import user_guide_dismiss
from oversight.dashboard import home_context, todos

from .health import readiness

logger = logging.getLogger(__name__)


@login_not_required
@transaction.non_atomic_requests
@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. No database, no transaction, no session, no cache: it answers while
    PostgreSQL restarts (the floor every page is measured against)."""
    return HttpResponse("ok", content_type="text/plain")


@login_not_required
@transaction.non_atomic_requests
@require_GET
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness, for the load balancer and monitoring: each component's state; 503 names what failed."""
    ready, checks = readiness()
    response = JsonResponse({"status": "ok" if ready else "fail", "checks": checks}, status=200 if ready else 503,
                            json_dumps_params={"ensure_ascii": False})
    if not ready:
        failed = ", ".join(name for name, check in checks.items() if not check["ok"])
        logger.warning("not ready: %s", failed)
        # Not a server error: the answer *is* the state. Keep django.request from logging it as one.
        response._has_been_logged = True
    return response


def home(request: HttpRequest) -> HttpResponse:
    # Admins get the working committee's dashboard, secretaries theirs (their 待办 first), members their next
    # activities.
    return render(request, "home.html", {**home_context(request.user), "todos": todos(request.user)})


@login_not_required
def admin_login(request: HttpRequest) -> HttpResponse:
    next_url = request.GET.get("next") or reverse("admin:index")
    return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")


@require_GET
def help_page(request: HttpRequest) -> HttpResponse:
    """使用说明: what each role does here, step by step (the template shows the sections for the user's roles)."""
    return render(request, "help.html")


@require_POST
def guide_dismiss(request: HttpRequest) -> HttpResponse:
    """The first-login guide goes away for good (htmx removes it in place; without JavaScript, back home)."""
    user_guide_dismiss(user=request.user)
    if request.htmx:
        return HttpResponse("")
    return redirect("home")
