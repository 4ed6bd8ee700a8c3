"""(placeholder: filled in by the matrix feature)"""

urlpatterns = []
