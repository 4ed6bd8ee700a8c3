from django.contrib.auth.decorators import login_not_required
from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

app_name = "api"

router = SimpleRouter()
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("members", views.MemberViewSet, basename="member")
router.register("activities", views.ActivityViewSet, basename="activity")
router.register("compliance", views.ComplianceViewSet, basename="compliance")

urlpatterns = [
    # The schema answers token callers too (401 to anonymous, like every call); the docs page is for the
    # browser session and send an anonymous visitor to the login page.
    path("schema/", login_not_required(views.SchemaView.as_view()), name="schema"),
    path("docs/", views.DocsView.as_view(url_name="api:schema"), name="docs"),
    *router.urls,
]
