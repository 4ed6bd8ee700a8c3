"""So that member and organisation pages can show honours by including a snippet, without their views knowing."""

from django import template

from .. import selectors

register = template.Library()


@register.simple_tag
def member_honours(member) -> dict:
    return selectors.member_honours(member)


@register.simple_tag
def organisation_honours(organisation) -> dict:
    return selectors.organisation_honours(organisation)
