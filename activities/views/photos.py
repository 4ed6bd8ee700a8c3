"""(placeholder: filled in by the photos feature)"""

urlpatterns = []


def detail_context(request, activity) -> dict:
    """Extra context for the activity page's panel templates/activities/_photos_panel.html (constant queries)."""
    return {}
