from .views import brands, commendations, nominations, selections, stars

app_name = "honours"
# Each sub-domain keeps its views and URL patterns in its own module.
urlpatterns = (commendations.urlpatterns + nominations.urlpatterns + stars.urlpatterns + brands.urlpatterns
               + selections.urlpatterns)
