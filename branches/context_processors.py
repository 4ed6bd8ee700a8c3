from . import access


def roles(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "is_admin": access.is_admin(user),
        "is_secretary": access.is_secretary(user),
        "can_list_members": access.can_list_members(user),
        "own_member": access.own_member(user),
    }
