"""Form helpers every feature uses: a service's errors onto a form, and the several-files field."""

from html import escape as html_escape

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.safestring import mark_safe


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


# --- inputs written in Python: a form of a row per member (attendance, ratings) renders hundreds of them ------
# Django's templates take two or three includes per input (input.html, attrs.html, input_option.html): tens of
# milliseconds for a branch's attendance. These widgets write the same markup with format_html.

_INPUT_TEMPLATES = {"django/forms/widgets/text.html", "django/forms/widgets/input.html",
                    "django/forms/widgets/radio_option.html", "django/forms/widgets/input_option.html"}


def _option_attrs(option) -> str:
    attrs = option["attrs"]
    if not attrs:
        return ""
    return " selected" if attrs == {"selected": True} else _attrs_html(attrs)


def _escaped(value) -> str:
    """conditional_escape, called directly: format_html and escape check every argument for a lazy string
    first (keep_lazy), several microseconds an option — a select of a hundred units spent a millisecond there."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html_escape(str(value))


def options_html(optgroups) -> str:
    """The `<option>`s of a select as Django's templates write them (select.html, select_option.html), built in
    Python: a select of a few hundred options, each two template includes deep, costs milliseconds a page."""
    parts = []
    for group_name, options, _ in optgroups:
        if group_name:
            parts.append(f'<optgroup label="{_escaped(group_name)}">')
        parts.extend(f'<option value="{_escaped(option["value"])}"{_option_attrs(option)}>{_escaped(option["label"])}'
                     "</option>" for option in options)
        if group_name:
            parts.append("</optgroup>")
    return mark_safe("\n".join(parts))  # noqa: S308 - every value escaped by _escaped


def select_html(widget: dict) -> str:
    """django/forms/widgets/select.html, with its options from options_html."""
    return format_html('<select name="{}"{}>{}</select>', widget["name"], _attrs_html(widget["attrs"]),
                       options_html(widget["optgroups"]))


def _attrs_html(attrs) -> str:
    """django/forms/widgets/attrs.html: False left out, True as a bare name."""
    return mark_safe("".join(  # noqa: S308 - every part escaped by format_html
        "" if value is False else format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
        for name, value in attrs.items()))


def input_html(widget: dict) -> str:
    """django/forms/widgets/input.html (and input_option.html's label around it)."""
    value = widget["value"]
    html = format_html('<input type="{}" name="{}"{}{}>', widget["type"], widget["name"],
                       format_html(' value="{}"', value) if value is not None else "", _attrs_html(widget["attrs"]))
    if widget.get("wrap_label"):
        label_for = format_html(' for="{}"', widget["attrs"]["id"]) if widget["attrs"].get("id") else ""
        html = format_html("<label{}>{}\n {}</label>", label_for, html, widget["label"])
    return html


class _WrittenInPython:
    def _render(self, template_name, context, renderer=None):
        widget = context["widget"]
        if template_name in _INPUT_TEMPLATES:
            return input_html(widget)
        if template_name == "django/forms/widgets/select.html":
            return select_html(widget)
        if template_name == "django/forms/widgets/textarea.html":
            return format_html('<textarea name="{}"{}>\n{}</textarea>', widget["name"], _attrs_html(widget["attrs"]),
                               widget["value"] or "")
        return super()._render(template_name, context, renderer)


class PlainTextInput(_WrittenInPython, forms.TextInput):
    pass


class PlainSelect(_WrittenInPython, forms.Select):
    pass


class PlainTextarea(_WrittenInPython, forms.Textarea):
    pass


class PlainRadioSelect(_WrittenInPython, forms.RadioSelect):
    """Its options (`choice.tag`, `{{ choice }}`) written in Python; the whole group still by Django's template."""
