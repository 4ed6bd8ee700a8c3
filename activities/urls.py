from .views import calendar, checkin, core, photos, wishes

app_name = "activities"
# Each sub-domain keeps its views and URL patterns in its own module.
urlpatterns = core.urlpatterns + calendar.urlpatterns + photos.urlpatterns + checkin.urlpatterns + wishes.urlpatterns
