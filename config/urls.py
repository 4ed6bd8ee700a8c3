from django.contrib import admin
from django.urls import include, path

from core.http import atomic_unless_safe
from core.lookups import choice_options

from . import views

admin.site.site_header = "机关党建 管理后台"
admin.site.site_title = "机关党建"
admin.site.index_title = "数据管理"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("help/", views.help_page, name="help"),
    path("help/guide/dismiss/", views.guide_dismiss, name="guide_dismiss"),
    path("readyz", views.readyz, name="readyz"),
    path("choices/<slug:source>/", choice_options, name="choices"),
    path("accounts/", include("allauth.urls")),
    # The admin signs in through allauth, which rate-limits attempts and asks for the second factor.
    path("admin/login/", views.admin_login, name="admin_login_redirect"),
    path("admin/", admin.site.urls),
    path("organisations/", include("branches.urls")),
    path("members/", include("members.urls")),
    path("activities/", include("activities.urls")),
    path("oversight/", include("oversight.urls")),
    path("community/", include("community.urls")),
    path("honours/", include("honours.urls")),
    path("notifications/", include("notifications.urls")),
    path("reports/", include("reports.urls")),
    path("api/", include("api.urls")),
    path("exchange/", include("exchange.urls")),
    path("dues/", include("dues.urls")),
    path("appraisals/", include("appraisals.urls")),
    path("development/", include("development.urls", namespace="development")),
]

# ATOMIC_REQUESTS' transaction for the requests that may write; a page that only reads opens none (core.http).
atomic_unless_safe(urlpatterns)
