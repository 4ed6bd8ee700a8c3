from .views import campaigns, cobuilding, lectures, reporting

app_name = "community"
# Each sub-domain keeps its views and URL patterns in its own module.
urlpatterns = lectures.urlpatterns + cobuilding.urlpatterns + reporting.urlpatterns + campaigns.urlpatterns
