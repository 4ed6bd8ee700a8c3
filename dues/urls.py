from django.urls import path

from . import views

app_name = "dues"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("organisations/<int:pk>/", views.ledger, name="ledger"),
    path("members/<int:pk>/", views.member_dues, name="member"),
    path("members/<int:pk>/base/", views.base_set, name="base_set"),
    path("members/<int:pk>/payments/new/", views.payment_record, name="payment_record"),
]
