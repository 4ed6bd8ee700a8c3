from .views import duties, elections, matrix, reviews

app_name = "oversight"
# Each sub-domain keeps its views and URL patterns in its own module.
urlpatterns = reviews.urlpatterns + matrix.urlpatterns + elections.urlpatterns + duties.urlpatterns
