"""Form helpers every feature uses: a service's errors onto a form, and the several-files field."""

from django import forms
from django.core.exceptions import ValidationError


def add_service_error(form, error) -> None:
    """Put a service's ValidationError on the form: on its field when the form has it, else on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that takes several files (Django's "Uploading multiple files" pattern).

    `accept` is the browser's hint only; the content is judged by core.files when the service stores it."""

    def __init__(self, *args, accept: str = "", **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": accept} if accept else {}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        items = [item for item in data if item] if isinstance(data, (list, tuple)) else ([data] if data else [])
        if not items:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        return [single(item, initial) for item in items]
