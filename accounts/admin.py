from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "phone", "email", "is_active", "last_login")
    search_fields = ("username", "full_name", "phone", "email")
    fieldsets = BaseUserAdmin.fieldsets + (("联系方式", {"fields": ("full_name", "phone")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + (("联系方式", {"fields": ("full_name", "phone")}),)
