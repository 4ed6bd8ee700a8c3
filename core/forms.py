"""Form helpers every feature uses: a service's errors onto a form, and the several-files field."""

from html import escape as html_escape

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import DjangoTemplates
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


# --- widgets written in Python: every page's form fields, and forms of a row per member (attendance, ratings) --
# Django's templates take two or three includes per input (input.html, attrs.html, input_option.html) and two
# per option of a select: tens of milliseconds for a branch's attendance, a millisecond or more for a filter
# form. The functions below write the same markup (tests/core/test_plain_widgets.py compares them with Django's),
# for every form through FORM_RENDERER (WidgetsWrittenInPython) and for the Plain* widgets wherever they render.

_WIDGETS = "django/forms/widgets/"
_INPUT_TEMPLATES = {f"{_WIDGETS}{name}.html" for name in (
    "input", "text", "number", "email", "url", "password", "hidden", "date", "datetime", "time", "search", "tel",
    "color", "checkbox", "file", "radio_option", "input_option")}
_SELECT_OPTION = f"{_WIDGETS}select_option.html"


def _escaped(value) -> str:
    """conditional_escape, called directly: format_html and escape check every argument for a lazy string
    first (keep_lazy), several microseconds a value — a select of a hundred units spent a millisecond there."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html_escape(str(value))


def _attrs_html(attrs) -> str:
    """django/forms/widgets/attrs.html: False left out, True as a bare name."""
    return "".join("" if value is False else f" {_escaped(name)}" if value is True
                   else f' {_escaped(name)}="{_escaped(value)}"' for name, value in attrs.items())


def _option_attrs(option) -> str:
    attrs = option["attrs"]
    if not attrs:
        return ""
    return " selected" if attrs == {"selected": True} else _attrs_html(attrs)


def _option_html(value, attrs: str, label) -> str:
    """django/forms/widgets/select_option.html; `attrs` already written."""
    return f'<option value="{_escaped(value)}"{attrs}>{_escaped(label)}</option>'


def options_html(optgroups) -> str:
    """The `<option>`s of a select as Django's templates write them (select.html, select_option.html)."""
    parts = []
    for group_name, options, _ in optgroups:
        if group_name:
            parts.append(f'<optgroup label="{_escaped(group_name)}">')
        parts.extend(_option_html(option["value"], _option_attrs(option), option["label"]) for option in options)
        if group_name:
            parts.append("</optgroup>")
    return mark_safe("\n".join(parts))  # noqa: S308 - every value escaped by _escaped


def flat_options_html(choices, values: list[str], multiple: bool) -> str | None:
    """The `<option>`s options_html writes, straight from (value, label) choices, without the dict per option that
    ChoiceWidget.optgroups builds first (a select of a hundred units: ~1 ms). None for grouped choices."""
    parts = []
    chosen = set(values)
    has_selected = False
    for value, label in choices:
        if isinstance(label, (list, tuple)):
            return None
        value = "" if value is None else str(value)
        selected = (multiple or not has_selected) and value in chosen
        has_selected |= selected
        parts.append(_option_html(value, " selected" if selected else "", label))
    return "\n".join(parts)


def select_html(widget: dict, options: str | None = None) -> str:
    """django/forms/widgets/select.html, with its options from options_html (or already written)."""
    if options is None:
        options = options_html(widget["optgroups"])
    return mark_safe(  # noqa: S308 - every value escaped by _escaped
        f'<select name="{_escaped(widget["name"])}"{_attrs_html(widget["attrs"])}>{options}</select>')


def input_html(widget: dict) -> str:
    """django/forms/widgets/input.html (and input_option.html's label around it)."""
    value = "" if widget["value"] is None else f' value="{_escaped(widget["value"])}"'
    html = (f'<input type="{_escaped(widget["type"])}" name="{_escaped(widget["name"])}"{value}'
            f'{_attrs_html(widget["attrs"])}>')
    if widget.get("wrap_label"):
        label_for = f' for="{_escaped(widget["attrs"]["id"])}"' if widget["attrs"].get("id") else ""
        html = f"<label{label_for}>{html}\n {_escaped(widget['label'])}</label>"
    return mark_safe(html)  # noqa: S308 - every value escaped by _escaped


def textarea_html(widget: dict) -> str:
    """django/forms/widgets/textarea.html."""
    return mark_safe(  # noqa: S308 - every value escaped by _escaped
        f'<textarea name="{_escaped(widget["name"])}"{_attrs_html(widget["attrs"])}>\n'
        f'{_escaped(widget["value"]) if widget["value"] else ""}</textarea>')


_MULTIPLE_INPUTS = {f"{_WIDGETS}{name}.html" for name in ("checkbox_select", "radio", "multiple_input")}
_INPUT_OPTIONS = {f"{_WIDGETS}{name}.html" for name in ("checkbox_option", "radio_option", "input_option")}


def multiple_input_html(widget: dict) -> str:
    """django/forms/widgets/multiple_input.html (a group of checkboxes or radios), each option as input_option.html
    writes it."""
    attrs = widget["attrs"]
    parts = ["<div", f' id="{_escaped(attrs["id"])}"' if attrs.get("id") else "",
             f' class="{_escaped(attrs["class"])}"' if attrs.get("class") else "", ">"]
    for group, options, _ in widget["optgroups"]:
        if group:
            parts.append(f"\n  <div><label>{_escaped(group)}</label>")
        parts.extend(f"<div>\n    {input_html(option)}\n\n</div>" for option in options)
        if group:
            parts.append("\n  </div>")
    parts.append("\n</div>")
    return mark_safe("".join(parts))  # noqa: S308 - every value escaped by _escaped


def written_in_python(template_name: str, widget: dict) -> str | None:
    """The widget's markup if its template is one of those written here, else None (Django's template renders
    it: radio groups, file inputs with a clear box, a select whose options have a template of their own)."""
    if template_name in _INPUT_TEMPLATES:
        return input_html(widget)
    if template_name == f"{_WIDGETS}select.html" and all(
            option["template_name"] == _SELECT_OPTION for _, options, _ in widget["optgroups"] for option in options):
        return select_html(widget)
    if template_name == f"{_WIDGETS}textarea.html":
        return textarea_html(widget)
    if template_name in _MULTIPLE_INPUTS and all(
            option["template_name"] in _INPUT_OPTIONS for _, options, _ in widget["optgroups"] for option in options):
        return multiple_input_html(widget)
    return None


class ChoicesReadAtOnce(forms.models.ModelChoiceIterator):
    """A model choice field's rows read in one query. Django's ModelChoiceIterator reads them through
    QuerySet.iterator(), on PostgreSQL a server-side cursor (DECLARE … WITH HOLD, FETCH, CLOSE: round trips and a
    materialised cursor for a select of twenty organisations). What a form lists is short: a choice among
    thousands is searched instead (core.lookups.SearchSelect)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


class ModelChoiceField(forms.ModelChoiceField):
    iterator = ChoicesReadAtOnce


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    iterator = ChoicesReadAtOnce


class WidgetsWrittenInPython(DjangoTemplates):
    """FORM_RENDERER: Django's form renderer, with the commonest widgets' markup written in Python."""

    def render(self, template_name, context, request=None):
        if "widget" in context:
            written = written_in_python(template_name, context["widget"])
            if written is not None:
                return written
        return super().render(template_name, context, request)


class _WrittenInPython:
    def _render(self, template_name, context, renderer=None):
        written = written_in_python(template_name, context["widget"])
        return written if written is not None else super()._render(template_name, context, renderer)


class PlainTextInput(_WrittenInPython, forms.TextInput):
    pass


class PlainSelect(_WrittenInPython, forms.Select):
    pass


class PlainTextarea(_WrittenInPython, forms.Textarea):
    pass


class PlainRadioSelect(_WrittenInPython, forms.RadioSelect):
    """Its options (`choice.tag`, `{{ choice }}`) written in Python; the whole group still by Django's template."""
