"""(placeholder: filled in by the reviews feature)"""

urlpatterns = []
