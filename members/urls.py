from django.urls import path

from . import views

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="member_list"),
    path("new/", views.member_create, name="member_create"),
    path("print/", views.member_roster_print, name="member_roster_print"),
    path("<int:pk>/", views.member_detail, name="member_detail"),
    path("<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("<int:pk>/personal-data/", views.member_personal_data, name="member_personal_data"),
    path("<int:pk>/account/", views.member_account_create, name="member_account_create"),
]
