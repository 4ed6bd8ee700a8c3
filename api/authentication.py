"""Calls authenticate with `Authorization: Bearer <token>`; the browser session works too (for the docs page)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from .models import ApiToken
from .services import TOKEN_MARK, api_token_used, token_hash

KEYWORD = "Bearer"


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """An admin-issued token, looked up by its SHA-256. A revoked token, or one of a disabled account, is a 401."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None  # not ours: the session may still authenticate the call
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("令牌格式不正确：请使用“Authorization: Bearer <令牌>”。")
        try:
            plaintext = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("令牌格式不正确。")
        if not plaintext.startswith(TOKEN_MARK):
            raise exceptions.AuthenticationFailed("令牌无效。")
        token = ApiToken.objects.select_related("user").filter(key_hash=token_hash(plaintext)).first()
        if token is None:
            raise exceptions.AuthenticationFailed("令牌无效。")
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed("该令牌已被吊销。")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("令牌所属账号已停用。")
        api_token_used(token=token)
        return token.user, token

    def authenticate_header(self, request):
        return f'{KEYWORD} realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "管理员在后台签发的接口令牌（以 jg_ 开头）。"}
