"""The page shell's fixed parts, worked out once per process: `{% load shell %}` in base.html.

Every page repeats the same style sheets, scripts and account links; `{% static %}` and `{% url %}` cost a
storage and a resolver lookup each time (about a millisecond a page between them). With DEBUG on they are
worked out on every page (core.memo.once_per_process)."""

from django import template
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.safestring import mark_safe

from core.memo import once_per_process

register = template.Library()


@once_per_process(maxsize=64)
def _fragment(template_name: str) -> str:
    return mark_safe(render_to_string(template_name))  # noqa: S308 - our own template, autoescaped


@once_per_process(maxsize=256)
def _url(name: str, prefix: str, urlconf) -> str:
    return reverse(name, urlconf=urlconf)


@register.simple_tag
def fixed(template_name: str) -> str:
    """A template that uses no context (links to static files): rendered once per process."""
    return _fragment(template_name)


@register.simple_tag
def fixed_url(name: str) -> str:
    """`{% url name %}` for a URL without arguments, reversed once per process (and script prefix)."""
    return _url(name, get_script_prefix(), get_urlconf())
