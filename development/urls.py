from .views import lists, records, steps

app_name = "development"
# Each sub-domain keeps its views and URL patterns in its own module.
urlpatterns = lists.urlpatterns + records.urlpatterns + steps.urlpatterns
