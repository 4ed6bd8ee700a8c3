"""党建品牌: the gallery (every signed-in user sees every brand, with its top-ten badges), a brand's page, and the
secretary's register/edit form. Photos are served through a view (signed-in users only, privately cached)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET, require_http_methods

from core.files import CONTENT_TYPES, private_file_response
from core.forms import add_service_error
from core.paging import form_page, kept_for_everyone, query_without_page
from honours import access

from .. import selectors, services
from ..forms import BrandForm
from ..models import Brand
from ..signals import BRANDS_VERSION_KEY

BRANDS_PER_PAGE = 24
BRAND_GALLERY_SECONDS = 600


@require_GET
def brand_gallery(request: HttpRequest) -> HttpResponse:
    year = request.GET.get("year", "")
    top = request.GET.get("top") == "1"

    def page():
        brands = selectors.brands_with_badges()
        if year.isdigit():
            brands = brands.filter(year=int(year))
        if top:
            brands = brands.filter(top_ten_count__gt=0)
        shown = Paginator(brands.order_by("-year", "name", "pk"), BRANDS_PER_PAGE).get_page(request.GET.get("page"))
        years = selectors.top_ten_years_by_brand([brand.pk for brand in shown])
        for brand in shown:
            brand.top_years = years.get(brand.pk, [])
        return shown

    # The gallery is the same for everyone: kept rendered per filter and page until a brand, its photos, a
    # top-ten selection or an organisation changes (honours.signals); read only when it is rendered.
    return render(request, "honours/brand_gallery.html", {
        "page": SimpleLazyObject(page), "query": query_without_page(request), "year": year,
        "years": SimpleLazyObject(lambda: list(Brand.objects.order_by("-year").values_list("year", flat=True)
                                               .distinct())),
        "can_register": access.is_secretary(user := request.user) or access.is_admin(user),
        **kept_for_everyone(request, version_key=BRANDS_VERSION_KEY, seconds=BRAND_GALLERY_SECONDS,
                            params={"year", "top", "page"}, key=(year, int(top), request.GET.get("page", ""))),
    })


@require_GET
def brand_detail(request: HttpRequest, pk: int) -> HttpResponse:
    brand = get_object_or_404(selectors.brands_with_badges(), pk=pk)
    return render(request, "honours/brand_detail.html", {
        "brand": brand, "top_years": selectors.top_ten_years_by_brand([brand.pk]).get(brand.pk, []),
        "can_edit": access.can_manage_organisation(request.user, brand.organisation),
    })


def _save(request, form, brand=None):
    data = form.cleaned_data
    try:
        return services.brand_save(brand=brand, organisation=data["organisation"], by=request.user,
                                   name=data["name"], summary=data["summary"], story=data["story"],
                                   year=data["year"], photos=data["photos"])
    except ValidationError as error:
        add_service_error(form, error)
        return None


@transaction.non_atomic_requests
@require_http_methods(["GET", "POST"])
def brand_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    access.require(access.is_admin(user) or access.is_secretary(user))
    form = BrandForm(request.POST or None, request.FILES or None,
                     organisations=access.organisations_managed_by(user).active())
    if request.method == "POST" and form.is_valid() and (brand := _save(request, form)):
        messages.success(request, f"已登记党建品牌“{brand.name}”。")
        return redirect("honours:brand_detail", pk=brand.pk)
    return form_page(request, form=form, title="登记党建品牌", back=reverse("honours:brand_gallery"),
                     multipart=True)


@transaction.non_atomic_requests
@require_http_methods(["GET", "POST"])
def brand_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    brand = access.get_brand_for(user, pk, write=True)
    initial = {"organisation": brand.organisation, "name": brand.name, "summary": brand.summary,
               "story": brand.story, "year": brand.year}
    form = BrandForm(request.POST or None, request.FILES or None, initial=initial,
                     organisations=access.organisations_managed_by(user))
    if request.method == "POST" and form.is_valid() and _save(request, form, brand):
        messages.success(request, "已保存。")
        return redirect("honours:brand_detail", pk=brand.pk)
    return form_page(request, form=form, title=f"修改党建品牌：{brand.name}",
                     back=reverse("honours:brand_detail", args=[brand.pk]), multipart=True)


@require_GET
@transaction.non_atomic_requests
def brand_photo(request: HttpRequest, pk: int) -> HttpResponse:
    photo = access.get_brand_photo_for(request.user, pk)
    extension = photo.image.name.rsplit(".", 1)[-1]
    return private_file_response(photo.image, content_type=CONTENT_TYPES.get(extension, "application/octet-stream"))


urlpatterns = [
    path("brands/", brand_gallery, name="brand_gallery"),
    path("brands/new/", brand_create, name="brand_create"),
    path("brands/<int:pk>/", brand_detail, name="brand_detail"),
    path("brands/<int:pk>/edit/", brand_edit, name="brand_edit"),
    path("brands/photos/<int:pk>/", brand_photo, name="brand_photo"),
]
