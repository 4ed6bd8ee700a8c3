"""The OpenAPI description: every operation also documents the errors it can answer with, so a client (and the
schemathesis run in the tests) knows a 401/403/404/429 is part of the contract, not a surprise."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="原因（中文）")


ERRORS = {
    "401": "未认证：缺少令牌、令牌无效或已被吊销",
    "403": "无权访问：能看到该对象但无权进行此操作，或该角色不能使用此接口",
    "404": "不存在或不在您的权限范围内（不泄露其是否存在）",
    "429": "请求过于频繁",
}


class ApiAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code, description in ERRORS.items():
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                response["description"] = description
                responses[code] = response
        if "400" not in responses and (self.get_override_parameters() or self.method in ("POST", "PUT", "PATCH")):
            response = self._get_response_for_code(OpenApiTypes.OBJECT, "400", direction=direction)
            response["description"] = "请求参数或内容有误：每个字段对应一组中文说明"
            responses["400"] = response
        return responses
