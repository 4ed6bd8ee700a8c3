"""Tokens are issued and revoked by an admin here. Issuing shows the plaintext once, on the page that answers the
form (never stored, never in a message cookie); revoking is an action on the list."""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse

from .models import ApiToken
from .services import api_token_issue, api_token_revoke


class ApiTokenIssueForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["user", "name"]

    def clean_user(self):
        user = self.cleaned_data["user"]
        if not user.is_active:
            raise forms.ValidationError("该账号已停用，不能签发令牌。")
        return user


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "created_by", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix", "user__username", "user__full_name")
    list_select_related = ("user", "created_by")
    raw_id_fields = ("user",)
    readonly_fields = ("prefix", "created_at", "created_by", "last_used_at", "revoked_at", "revoked_by")
    actions = ["revoke"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ApiTokenIssueForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        # An issued token is a record: who it is for and what it is for do not change afterwards.
        return self.readonly_fields + (("user", "name") if obj is not None else ())

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["user", "name"]})]
        return super().get_fieldsets(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the row stays as the record of who could call the API

    def save_model(self, request, obj, form, change):
        if change:
            return
        issued = api_token_issue(user=form.cleaned_data["user"], name=form.cleaned_data["name"], by=request.user)
        for field in ("pk", "prefix", "key_hash", "created_at", "created_by_id"):
            setattr(obj, field, getattr(issued.token, field))
        request._issued_api_token = issued

    def response_add(self, request, obj, post_url_continue=None):
        issued = getattr(request, "_issued_api_token", None)
        if issued is None:
            return super().response_add(request, obj, post_url_continue)
        response = TemplateResponse(request, "api/token_issued.html", {
            **self.admin_site.each_context(request), "opts": self.opts, "token": issued.token,
            "plaintext": issued.plaintext, "title": "令牌已签发",
        })
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description="吊销所选令牌")
    def revoke(self, request, queryset):
        count = 0
        for token in queryset.filter(revoked_at__isnull=True):
            api_token_revoke(token=token, by=request.user)
            count += 1
        messages.success(request, f"已吊销 {count} 个令牌；使用它们的调用将被拒绝。")
