"""(placeholder: filled in by the elections feature)"""

urlpatterns = []
