"""微心愿: the board, entering wishes, claiming, fulfilling, releasing, and the fulfilment photo.

Who may do what, composed only from the access module:
- see a wish: its organisation or its themed day is visible to the user (else 404);
- enter a wish, release a claim: a secretary of the wish's organisation (else 403);
- claim: any member who sees the wish; fulfil: the claimer or a secretary of the organisation.
"""

import hashlib

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from activities import access
from branches.models import Organisation
from core.files import private_file_response
from core.forms import add_service_error
from core.paging import RowsWhenRead

from .. import wishes as services
from ..choices import ActivityKind, WishStatus
from ..forms import BoardFilterForm, FulfilForm, WishForm
from ..models import MicroWish

WISHES_PER_PAGE = 20


# --- helpers ----------------------------------------------------------------------------

def _decorate(user, wishes) -> list[MicroWish]:
    """Per-wish permissions for the templates, from the access module."""
    rows = list(wishes)
    for wish in rows:
        for name, value in access.wish_rights(user, wish).items():
            setattr(wish, name, value)
    return rows


# The board's cards are kept rendered: everything a card shows moves the wishes' version on (a wish) or the
# calendar's (an activity's title, an organisation's name, a claimer's name, the viewer's roles and own member).
CARDS_SECONDS = 3600


def _kept_cards(request: HttpRequest) -> dict:
    """`cards_key` and `cards_seconds` for the page's cards: kept under the user, the versions, and — the cards'
    forms carry the viewer's CSRF token and the page's own address — the CSRF secret and the query, hashed together
    (neither is stored). A browser that came without a CSRF cookie gets a new secret: its cards are not kept."""
    get_token(request)  # the secret is in META from here on: the cookie's, or a new one for this response
    secret = request.META.get("CSRF_COOKIE", "")
    had_secret = secret == request.COOKIES.get(settings.CSRF_COOKIE_NAME)
    digest = hashlib.sha256(f"{secret}\n{request.get_full_path()}".encode()).hexdigest()[:40]
    return {"cards_key": "{}:{}.{}:{}".format(request.user.pk, *access.wishes_version(), digest),
            "cards_seconds": CARDS_SECONDS if had_secret else 0}


def _back(request: HttpRequest, wish: MicroWish) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return reverse("activities:wish_board")


# --- views ------------------------------------------------------------------------------

@require_GET
def wish_board(request: HttpRequest) -> HttpResponse:
    user = request.user
    access.require(access.is_admin(user) or access.is_secretary(user) or access.own_member(user) is not None)
    organisations = access.organisations_visible_to(user).active().order_by("path")
    form = BoardFilterForm(request.GET or None, organisations=organisations)
    filters = form.cleaned_data if form.is_valid() else {}
    wishes, counts = services.wish_board(user=user, organisation=filters.get("organisation"),
                                         status=filters.get("status") or "")
    paginator = Paginator(wishes, WISHES_PER_PAGE)
    paginator.count = counts.value[(filters.get("status") or "total").lower()]  # counted above: not again
    page = paginator.get_page(request.GET.get("page"))
    rows = page.object_list
    page.object_list = RowsWhenRead(lambda: _decorate(user, rows))  # read only when the cards are not kept
    query = request.GET.copy()
    query.pop("page", None)
    status_query = query.copy()
    status_query.pop("status", None)
    return render(request, "activities/wish_board.html", {
        "form": form,
        "page": page,
        "counts": counts.value,
        "counted_at": counts.counted_at,
        "status": filters.get("status") or "",
        "statuses": WishStatus.choices,
        "query": query.urlencode(),
        "status_query": status_query.urlencode(),
        "show_organisation_filter": access.is_admin(user) or access.is_secretary(user),
        "can_create": access.can_plan_activities(user),
        **_kept_cards(request),
    })


@require_http_methods(["GET", "POST"])
def wish_create(request: HttpRequest) -> HttpResponse:
    activity = None
    if request.GET.get("activity"):
        activity = access.get_activity_for(request.user, request.GET["activity"], write=True)
        if activity.kind != ActivityKind.THEMED_DAY:
            messages.error(request, "只有主题党日可以发布微心愿。")
            return redirect(activity)
    else:
        access.require(access.can_plan_activities(request.user))
    organisations = access.organisations_managed_by(request.user).active().order_by("path")
    form = WishForm(request.POST or None, organisations=organisations, activity=activity)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            wish = services.wish_create(
                organisation=activity.organisation if activity else data["organisation"],
                activity=activity or data.get("activity"), by=request.user, title=data["title"],
                description=data["description"], wisher_name=data["wisher_name"],
                wisher_contact=data["wisher_contact"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"已发布微心愿“{wish.title}”。")
            if activity is not None:
                return redirect(reverse("activities:activity_detail", args=[activity.pk]) + "#wishes")
            return redirect("activities:wish_board")
    return render(request, "activities/wishes/wish_form.html", {"form": form, "activity": activity})


def wish_claim(request: HttpRequest, pk: int) -> HttpResponse:
    wish = access.get_wish_for(request.user, pk)
    member = access.own_member(request.user)
    if member is None:
        raise PermissionDenied("只有党员可以认领心愿。")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.wish_claim(wish=wish, member=member)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"您已认领心愿“{wish.title}”。实现后请回来标记并说明情况。")
    return redirect(_back(request, wish))


def wish_release(request: HttpRequest, pk: int) -> HttpResponse:
    wish = access.get_wish_for(request.user, pk)
    if not access.can_manage_wish(request.user, wish):
        raise PermissionDenied("只有本党组织的书记可以退回认领。")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.wish_release(wish=wish)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"心愿“{wish.title}”已退回待认领。")
    return redirect(_back(request, wish))


@transaction.non_atomic_requests  # wish_fulfil runs its own transaction and removes its file if that fails
@require_http_methods(["GET", "POST"])
def wish_fulfil(request: HttpRequest, pk: int) -> HttpResponse:
    wish = access.get_wish_for(request.user, pk)
    if not access.can_fulfil_wish(request.user, wish):
        raise PermissionDenied("只有认领的党员或本党组织的书记可以标记心愿已实现。")
    if wish.status != WishStatus.CLAIMED:
        messages.error(request, f"该心愿当前为“{wish.get_status_display()}”，不能标记为已实现。")
        return redirect(_back(request, wish))
    form = FulfilForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.wish_fulfil(wish=wish, note=form.cleaned_data["note"], photo=form.cleaned_data["photo"])
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                add_service_error(form, error)
            else:
                form.add_error("photo" if form.cleaned_data.get("photo") else None, error)
        else:
            messages.success(request, f"心愿“{wish.title}”已标记为已实现。")
            return redirect(_back(request, wish))
    return render(request, "activities/wishes/wish_fulfil.html", {
        "form": form, "wish": wish, "next": _back(request, wish)})


@require_GET
def wish_photo(request: HttpRequest, pk: int) -> HttpResponse:
    wish = access.get_wish_for(request.user, pk)
    if not wish.fulfilment_photo:
        raise Http404("该心愿没有照片。")
    extension = wish.fulfilment_photo.name.rsplit(".", 1)[-1].lower()
    return private_file_response(wish.fulfilment_photo, filename=f"wish-{wish.pk}.{extension}", max_age=86400,
                                 missing="照片文件不存在。")


def detail_context(request, activity) -> dict:
    """Extra context for the activity page's panel templates/activities/_wishes_panel.html (one query).

    Only themed days carry wishes; for other activities the panel renders nothing."""
    if activity.kind != ActivityKind.THEMED_DAY:
        return {"wish_panel": False}
    can_manage = access.can_manage_activity(request.user, activity)
    wishes = (MicroWish.objects.filter(activity=activity)
              .select_related("organisation", "claimed_by").order_by("created_at", "pk"))
    return {
        "wish_panel": True,
        "wishes": _decorate(request.user, wishes),
        "can_manage_wishes": can_manage,
        "wish_form": WishForm(organisations=Organisation.objects.none(), activity=activity) if can_manage else None,
    }


urlpatterns = [
    path("wishes/", wish_board, name="wish_board"),
    path("wishes/new/", wish_create, name="wish_create"),
    path("wishes/<int:pk>/claim/", wish_claim, name="wish_claim"),
    path("wishes/<int:pk>/fulfil/", wish_fulfil, name="wish_fulfil"),
    path("wishes/<int:pk>/release/", wish_release, name="wish_release"),
    path("wishes/<int:pk>/photo/", wish_photo, name="wish_photo"),
]
