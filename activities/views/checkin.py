"""(placeholder: filled in by the checkin feature)"""

urlpatterns = []


def detail_context(request, activity) -> dict:
    """Extra context for the activity page's panel templates/activities/_checkin_panel.html (constant queries)."""
    return {}
