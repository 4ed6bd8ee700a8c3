from django.urls import path

from . import views, views_register, views_transfers

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

urlpatterns += [
    path("<int:pk>/transfer/", views_transfers.transfer_create, name="transfer_create"),
    path("transfers/", views_transfers.transfer_list, name="transfer_list"),
    path("transfers/in/", views_transfers.transfer_in_create, name="transfer_in_create"),
    path("transfers/<int:pk>/", views_transfers.transfer_detail, name="transfer_detail"),
    path("transfers/<int:pk>/accept/", views_transfers.transfer_accept, name="transfer_accept"),
    path("transfers/<int:pk>/return/", views_transfers.transfer_return, name="transfer_return"),
    path("transfers/<int:pk>/cancel/", views_transfers.transfer_cancel, name="transfer_cancel"),
    path("transfers/<int:pk>/letter/", views_transfers.transfer_letter, name="transfer_letter"),
    path("transfers/<int:pk>/receipt/", views_transfers.transfer_receipt, name="transfer_receipt"),
    path("<int:pk>/leave/", views_register.member_leave, name="member_leave"),
    path("<int:pk>/leaving-document/", views_register.leaving_document, name="leaving_document"),
    path("<int:pk>/retire/", views_register.member_retire, name="member_retire"),
    path("<int:pk>/categories/new/", views_register.category_create, name="category_create"),
    path("categories/<int:pk>/edit/", views_register.category_edit, name="category_edit"),
    path("categories/", views_register.category_list, name="category_list"),
    path("register/", views_register.register_summary, name="register_summary"),
]
