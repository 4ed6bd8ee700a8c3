"""(placeholder: filled in by the wishes feature)"""

urlpatterns = []


def detail_context(request, activity) -> dict:
    """Extra context for the activity page's panel templates/activities/_wishes_panel.html (constant queries)."""
    return {}
