from django.urls import path

from . import views

app_name = "exchange"
urlpatterns = [
    path("", views.index, name="index"),
    path("templates/<str:kind>/", views.template, name="template"),
    path("imports/<int:pk>/", views.job_detail, name="job_detail"),
    path("imports/<int:pk>/progress/", views.job_progress, name="job_progress"),
    path("imports/<int:pk>/confirm/", views.job_confirm, name="job_confirm"),
    path("imports/<int:pk>/errors/", views.job_errors, name="job_errors"),
    path("export/national/", views.national_export, name="national_export"),
]
