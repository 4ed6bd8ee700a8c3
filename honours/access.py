"""Who may see and change honours, built on the tree rules (re-exported here through members.access, so the
honours views import one access module)."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from members.access import *  # noqa: F403
from members.access import __all__ as _lower_rules
from members.access import (
    can_manage_organisation,
    get_managed_object,
    is_admin,
    is_secretary,
    members_visible_to,
    organisations_managed_by,
    own_member,
    scoped,
    scoped_to_managed,
)
from members.models import Member

from .models import Brand, BrandPhoto, Commendation, Nomination, StarRating

__all__ = [*_lower_rules, "can_see_commendations", "can_nominate", "can_run_selections", "commendations_visible_to", "get_commendation_for", "nominations_visible_to",
           "get_nomination_for", "nominable_members", "rateable_members", "get_star_rating_for",
           "get_brand_for", "get_brand_photo_for"]


def can_see_commendations(user) -> bool:
    """Admins all, secretaries their organisations', members their own; a user with no role has none."""
    return is_admin(user) or is_secretary(user) or own_member(user) is not None


def can_nominate(user) -> bool:
    """Secretaries nominate their members or organisations; admins decide, they do not nominate."""
    return is_secretary(user) and not is_admin(user)


def can_run_selections(user) -> bool:
    """Commendations, nomination decisions, confirmations and the top-ten selections: the working committee."""
    return is_admin(user)


def _in_scope(organisations) -> Q:
    """An honour of an organisation in scope, or of a member of one."""
    return Q(organisation__in=organisations) | Q(member__organisation__in=organisations)


def commendations_visible_to(user) -> QuerySet[Commendation]:
    """Admin: all; secretary: their organisations' and their members'; member: their own."""
    base = Commendation.objects.select_related("title", "organisation", "member", "member__organisation")
    if is_admin(user):
        return base
    condition = Q(pk__in=[])
    if is_secretary(user):
        condition |= _in_scope(organisations_managed_by(user))
    member = own_member(user)
    if member is not None:
        condition |= Q(member=member)
    return base.filter(condition)


def get_commendation_for(user, pk) -> Commendation:
    try:
        return commendations_visible_to(user).get(pk=pk)
    except (ValueError, Commendation.DoesNotExist):
        raise Http404("没有找到该表彰。")


def nominations_visible_to(user) -> QuerySet[Nomination]:
    return scoped_to_managed(user, Nomination.objects.select_related(
        "title", "organisation", "member", "nominated_by", "decided_by"))


def get_nomination_for(user, pk) -> Nomination:
    return get_managed_object(user, nominations_visible_to(user), pk)


def nominable_members(user) -> QuerySet[Member]:
    """The members a secretary may nominate: the active members of the active organisations they manage."""
    return Member.objects.active().filter(organisation__in=organisations_managed_by(user).active())


def rateable_members(user, organisation) -> QuerySet[Member]:
    """The party members of an organisation the user manages, to be given stars (none for anyone else)."""
    return scoped(user, Member.objects.party_members().filter(organisation=organisation), write=True)


def get_star_rating_for(user, pk) -> StarRating:
    """A rating of a member the user may see, or 404."""
    try:
        return (StarRating.objects.select_related("member__organisation")
                .get(pk=pk, member__in=members_visible_to(user)))
    except (ValueError, StarRating.DoesNotExist):
        raise Http404("没有找到该星级评定。")


def get_brand_for(user, pk, *, write: bool = False) -> Brand:
    """Brands are public to every signed-in user (404 only when there is none); changing one takes a secretary
    of its organisation (else 403)."""
    try:
        brand = Brand.objects.select_related("organisation").get(pk=pk)
    except (ValueError, Brand.DoesNotExist):
        raise Http404("没有找到该品牌。")
    if write and not can_manage_organisation(user, brand.organisation):
        raise PermissionDenied("您没有访问该页面的权限。")
    return brand


def get_brand_photo_for(user, pk) -> BrandPhoto:
    """A brand's photo: public to every signed-in user, like the brand."""
    try:
        return BrandPhoto.objects.get(pk=pk)
    except (ValueError, BrandPhoto.DoesNotExist):
        raise Http404("没有找到该照片。")
