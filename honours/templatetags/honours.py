"""So that organisation pages can show honours by including a snippet, without their views knowing (the member
page's panel gets its honours from the panel's context: honours/apps.py)."""

from django import template

from .. import selectors

register = template.Library()


@register.simple_tag
def organisation_honours(organisation) -> dict:
    return selectors.organisation_honours(organisation)
