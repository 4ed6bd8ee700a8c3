from django.urls import path

from . import views

app_name = "appraisals"
urlpatterns = [
    path("", views.appraisal_list, name="appraisal_list"),
    path("organisations/<int:pk>/start/", views.appraisal_start, name="appraisal_start"),
    path("<int:pk>/", views.appraisal_detail, name="appraisal_detail"),
    path("<int:pk>/submit/", views.appraisal_submit, name="appraisal_submit"),
    path("<int:pk>/<str:target>/", views.appraisal_decide, name="appraisal_decide"),
]
