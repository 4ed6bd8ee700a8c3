"""Template helpers every page may use: `{% load core_tags %}`."""

from django import template
from django.forms import BoundField
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

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


@register.simple_tag(name="field")
def field_tag(bound_field) -> str:
    """`{% field form.name %}`: one form field, large, with its Chinese error right under it — the markup of
    templates/includes/field.html, written in Python (an include per field cost ~50 µs: a form page of twenty
    fields a millisecond; tests/core/test_field_tag.py compares the two)."""
    if not isinstance(bound_field, BoundField):  # a field this form does not have (left out for this record)
        return ""
    widget = bound_field.field.widget
    errors = bound_field.errors
    label = conditional_escape(bound_field.label)
    for_id = conditional_escape(bound_field.id_for_label)
    parts = [f'\n<div class="mb-3 field-{conditional_escape(bound_field.name)}{" field-error" if errors else ""}">\n  ']
    if getattr(widget, "input_type", None) == "checkbox":
        parts.append(f'\n    <div class="form-check">{conditional_escape(bound_field)} <label class="form-check-label" '
                     f'for="{for_id}">{label}</label></div>\n  ')
    else:
        parts.append(f'\n    <label class="form-label{" required" if bound_field.field.required else ""}" '
                     f'for="{for_id}">{label}</label>\n    {conditional_escape(bound_field)}\n  ')
    parts.append("\n  ")
    if bound_field.help_text:
        parts.append(f'<div class="form-text">{conditional_escape(bound_field.help_text)}</div>')
    parts.append("\n  ")
    parts.extend(f'<div class="invalid-feedback d-block" role="alert">{conditional_escape(error)}</div>'
                 for error in errors)
    parts.append("\n</div>\n")
    return mark_safe("".join(parts))  # noqa: S308 — every value escaped above
