"""Template helpers every page may use: `{% load core_tags %}`."""

from django import template

register = template.Library()


@register.filter
def aria_label(bound_field, label: str):
    """Render a form field that has no visible <label> (a cell of a table of forms) with an accessible name."""
    return bound_field.as_widget(attrs={"aria-label": label})
