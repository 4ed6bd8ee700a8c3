"""Rate limits per token (a token is one integration) or, for the browser session, per user.

Rates are read from settings on each call (REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]), not frozen at import."""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from .models import ApiToken

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class _ApiThrottle(SimpleRateThrottle):
    def __init__(self):  # the rate is looked up per call, see get_rate
        pass

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def applies(self, request) -> bool:
        raise NotImplementedError

    def allow_request(self, request, view):
        if not self.applies(request):
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"ip-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class ApiReadThrottle(_ApiThrottle):
    scope = "api_read"

    def applies(self, request) -> bool:
        return request.method in SAFE_METHODS


class ApiWriteThrottle(_ApiThrottle):
    scope = "api_write"

    def applies(self, request) -> bool:
        return request.method not in SAFE_METHODS
