from django.apps import AppConfig


class BranchesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "branches"
    verbose_name = "党组织"

    def ready(self):
        # Cached roles and own member follow every change to roles, organisations and members.
        # Search-as-you-type sources for choices among thousands of organisations (core.lookups).
        from django.db.models import Q

        from core import lookups
        from core.cache import read_with_user

        from . import (
            access,
            access_cache,  # noqa: F401
        )
        from .models import Organisation
        from .versions import watch_tree

        # What is cached per subtree (home figures, 待办, member totals) follows the tree's own rows.
        watch_tree()
        # Roles and own member come back in the same round trip as the request's user (accounts.middleware).
        read_with_user(access.shell_keys)

        def managed(user):
            return access.organisations_managed_by(user).active().order_by("path") if access.can_list_members(
                user) else None

        def any_organisation(user):
            # Names of organisations are not secret (joint activities, transfers): anyone who runs one may look.
            return Organisation.objects.active().order_by("path") if access.can_list_members(user) else None

        def by_name(query):
            return Q(name__contains=query) | Q(short_name__contains=query)

        from .models import PartyGroup, Unit

        def units(user):
            return (Unit.objects.filter(pk__in=access.organisations_visible_to(user).values("unit_id"))
                    .order_by("name") if access.can_list_members(user) else None)

        def party_groups(user):
            if not access.can_list_members(user):
                return None
            return (PartyGroup.objects.filter(organisation__in=access.organisations_managed_by(user))
                    .select_related("organisation").order_by("organisation__path", "sort_order", "pk"))

        lookups.register("units", queryset=units, search=lambda q: Q(name__contains=q), label=lambda u: u.name)
        lookups.register("party-groups", queryset=party_groups, search=lambda q: Q(name__contains=q)
                         | Q(organisation__name__contains=q) | Q(organisation__short_name__contains=q))
        lookups.register("organisations", queryset=managed, search=by_name, label=lambda o: o.name)
        lookups.register("any-organisations", queryset=any_organisation, search=by_name, label=lambda o: o.name)
