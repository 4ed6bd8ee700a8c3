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


# --- dates: one Chinese picker (flatpickr, static/js/pickers.js) on every date, time and month field ---------
# Text inputs, not the browser's own <input type="date">: that one speaks the browser's language
# ("mm/dd/yyyy" on an English Windows). Typed by hand they take the same "2026-11-30 09:00".

class DatePicker(forms.DateInput):
    input_type = "text"
    picker, placeholder, value_format = "date", "如 2026-11-30", "%Y-%m-%d"

    def __init__(self, attrs=None):
        super().__init__(attrs={"data-picker": self.picker, "autocomplete": "off", "placeholder": self.placeholder,
                                **(attrs or {})}, format=self.value_format)


class DateTimePicker(forms.DateTimeInput):
    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__(attrs={"data-picker": "datetime", "autocomplete": "off", "placeholder": "如 2026-11-30 09:00",
                                **(attrs or {})}, format="%Y-%m-%d %H:%M")


class MonthPicker(DatePicker):
    picker, placeholder, value_format = "month", "如 2026-11", "%Y-%m"
