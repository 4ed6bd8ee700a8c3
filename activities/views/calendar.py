"""(placeholder: filled in by the calendar feature)"""

urlpatterns = []


def detail_context(request, activity) -> dict:
    """Extra context for the activity page's panel templates/activities/_calendar_panel.html (constant queries)."""
    return {}
