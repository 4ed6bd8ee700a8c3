from django.contrib import admin

from .models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["original_name", "kind", "uploaded_by", "created_at", "status", "total_rows", "new_count",
                    "changed_count", "error_count"]
    list_filter = ["status", "kind"]
    list_select_related = ["uploaded_by"]
    readonly_fields = [f.name for f in ImportJob._meta.fields if f.name != "errors"]
    exclude = ["errors"]  # full ID numbers a user typed: shown to the uploader on the import page only

    def has_add_permission(self, request):
        return False
