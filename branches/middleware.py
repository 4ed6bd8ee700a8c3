from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse


class RequireAdminMFAMiddleware:
    """With REQUIRE_ADMIN_MFA on, an admin without two-factor may only enrol (or log out)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.REQUIRE_ADMIN_MFA and self._must_enrol(request):
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    @staticmethod
    def _must_enrol(request) -> bool:
        user = request.user
        if not user.is_authenticated:
            return False
        path = request.path
        allowed = (reverse("mfa_activate_totp"), reverse("account_logout"), "/static/", "/healthz", "/readyz", "/accounts/")
        if path.startswith(allowed):
            return False
        from allauth.mfa.models import Authenticator

        from .access import is_admin

        return is_admin(user) and not Authenticator.objects.filter(user=user).exists()
