from django.apps import AppConfig


class MembersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "members"
    verbose_name = "党员"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from branches.access_cache import shell_changed_on_commit

        from .models import Member

        def member_saved(instance=None, created=False, **kwargs) -> None:
            # A new member without a login is nobody's own member; any other change may be someone's.
            if not created or instance.user_id is not None:
                shell_changed_on_commit()

        post_save.connect(member_saved, sender=Member, dispatch_uid="shell-save-Member", weak=False)
        post_delete.connect(shell_changed_on_commit, sender=Member, dispatch_uid="shell-delete-Member")

        from core import todo

        from .todo import transfers_to_accept

        todo.register("members.transfers_to_accept", transfers_to_accept)

        # What is cached per subtree (branches/versions.py: a secretary's home figures and 待办, the tree's member
        # totals, the register summary) follows the register's rows; a member moved out changes both sides.
        from branches.versions import organisation_of_member, subtrees_changed, watch

        from .models import Leaving, MemberCategory, MemberOrganisationPeriod, Transfer

        watch(Member, lambda member: [member.organisation_id])
        watch(Transfer, lambda transfer: [transfer.from_organisation_id, transfer.to_organisation_id])
        watch(MemberOrganisationPeriod, lambda period: [period.organisation_id])
        watch(MemberCategory, lambda category: organisation_of_member(category.member_id))
        watch(Leaving, lambda leaving: organisation_of_member(leaving.member_id))

        from .signals import member_moved

        def moved(member=None, from_organisation=None, **kwargs) -> None:
            subtrees_changed([from_organisation.pk if from_organisation else None, member.organisation_id])

        member_moved.connect(moved, dispatch_uid="subtree-member-moved", weak=False)

        # Search-as-you-type source for choosing among the members one runs (core.lookups).
        from django.db.models import Q

        from core import lookups

        from . import access

        def managed_members(user):
            if not access.can_list_members(user):
                return None
            return (access.members_visible_to(user).active().select_related("organisation")
                    .order_by("organisation__path", "name"))

        lookups.register("members", queryset=managed_members, search=lambda q: Q(name__contains=q),
                         label=lambda m: f"{m.name}（{m.organisation.short_name or m.organisation.name}）")
