"""(placeholder: filled in by the duties feature)"""

urlpatterns = []
