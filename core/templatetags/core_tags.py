"""Template helpers every page may use: `{% load core_tags %}`."""

from django import template

from core.reversing import pk_url

register = template.Library()


@register.filter
def aria_label(bound_field, label: str):
    """Render a form field that has no visible <label> (a cell of a table of forms) with an accessible name."""
    return bound_field.as_widget(attrs={"aria-label": label})


@register.filter(name="pk_url")
def pk_url_filter(pk, name: str) -> str:
    """`{{ row.pk|pk_url:"app:view" }}`: `{% url "app:view" row.pk %}` without resolving the pattern per row
    (core.reversing)."""
    return pk_url(pk, name)
