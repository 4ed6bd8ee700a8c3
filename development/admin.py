from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

from .models import DevelopmentPlan, DevelopmentRecord, DevelopmentStep, DocumentTemplate, StepDefinition


@admin.register(StepDefinition)
class StepDefinitionAdmin(admin.ModelAdmin):
    list_display = ("number", "stage", "name", "people", "needs_votes", "needs_approval", "document",
                    "archive_material")
    list_filter = ("stage", "needs_approval")
    readonly_fields = ("number",)


class StepInline(admin.TabularInline):
    model = DevelopmentStep
    extra = 0
    fields = ("definition", "round", "date", "status", "approved_on", "outcome")
    readonly_fields = fields
    can_delete = False
    show_change_link = True


@admin.register(DevelopmentRecord)
class DevelopmentRecordAdmin(SimpleHistoryAdmin):
    list_display = ("member", "opened_on", "archived_on")
    search_fields = ("member__name",)
    raw_id_fields = ("member", "opened_by")
    inlines = [StepInline]


@admin.register(DevelopmentStep)
class DevelopmentStepAdmin(SimpleHistoryAdmin):
    list_display = ("record", "definition", "round", "date", "status", "approved_on")
    list_filter = ("status", "definition__stage")
    search_fields = ("record__member__name",)
    raw_id_fields = ("record", "people", "recorded_by", "decided_by")
    list_select_related = ("record__member", "definition")


@admin.register(DevelopmentPlan)
class DevelopmentPlanAdmin(admin.ModelAdmin):
    list_display = ("organisation", "year", "planned")
    list_filter = ("year",)
    raw_id_fields = ("organisation",)


class DocumentTemplateForm(forms.ModelForm):
    class Meta:
        model = DocumentTemplate
        fields = ["kind", "file", "note"]

    def clean(self):
        data = super().clean()
        upload, kind = data.get("file"), data.get("kind")
        if upload and kind and hasattr(upload, "read"):
            from .documents import PLACEHOLDERS, render

            upload.seek(0)
            content = upload.read()
            upload.seek(0)
            # A test fill with every placeholder: a template that cannot be filled is refused here, not later.
            try:
                render(kind, dict.fromkeys(PLACEHOLDERS, "示例"), template=content)
            except ValidationError as error:
                raise forms.ValidationError({"file": error.messages})
        return data


@admin.register(DocumentTemplate)
class DocumentTemplateAdmin(admin.ModelAdmin):
    """An uploaded .docx replaces the shipped template of its kind (development/docx_templates/); delete the row
    to go back to the shipped one."""

    form = DocumentTemplateForm
    list_display = ("kind", "note", "updated_at")
