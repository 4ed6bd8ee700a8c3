"""Widgets written in Python (core.forms: the Plain* widgets, and every form's inputs, selects and textareas
through FORM_RENDERER) carry Django's own markup: each compared with what Django's own renderer writes."""

import datetime as dt
import re

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.template import Context, Template

from core.forms import PlainRadioSelect, PlainTextInput, WidgetsWrittenInPython

DJANGOS = DjangoTemplates()  # Django's own form templates, as the project's FORM_RENDERER would otherwise be


def _normalised(html) -> str:
    return re.sub(r">\s+<", "><", str(html)).strip()


@pytest.mark.parametrize("value", [None, "", "病假 <出差>", 'a"b'])
@pytest.mark.parametrize("attrs", [{}, {"aria-label": "甲 的请假事由", "required": True, "disabled": False}])
def test_a_text_input_is_written_as_djangos(value, attrs):
    ours, django_s = PlainTextInput(attrs=attrs), forms.TextInput(attrs=attrs)
    ours_html, django_html = ours.render("reason_1", value), django_s.render("reason_1", value, renderer=DJANGOS)
    assert _normalised(ours_html) == _normalised(django_html)


def _form(widget_class, renderer=None):
    class AttendanceForm(forms.Form):
        status = forms.ChoiceField(choices=[("PRESENT", "出席"), ("LEAVE", "请假<事>")], widget=widget_class)

    return AttendanceForm(initial={"status": "LEAVE"}, auto_id="id_%s", renderer=renderer)


@pytest.mark.parametrize("source", [
    "{% for choice in form.status %}{{ choice.tag }} {{ choice.choice_label }}|{% endfor %}",
    "{% for choice in form.status %}{{ choice }}|{% endfor %}",
    "{{ form.status }}",
])
def test_radio_options_are_written_as_djangos(source):
    template = Template(source)
    ours = template.render(Context({"form": _form(PlainRadioSelect)}))
    django_s = template.render(Context({"form": _form(forms.RadioSelect, renderer=DJANGOS)}))
    assert _normalised(ours) == _normalised(django_s)
    assert "checked" in ours and "请假&lt;事&gt;" in ours


@pytest.mark.parametrize("value", [None, "", 3, "2"])
def test_a_select_is_written_as_djangos(value):
    from core.forms import PlainSelect

    choices = [("", "未评定"), *((n, "★" * n) for n in range(1, 6)), ("组", [("x", "<x>")])]
    ours, django_s = PlainSelect(attrs={"aria-label": "甲 的星级"}), forms.Select(attrs={"aria-label": "甲 的星级"})
    ours.choices = django_s.choices = choices
    ours_html, django_html = ours.render("m1-stars", value), django_s.render("m1-stars", value, renderer=DJANGOS)
    assert _normalised(ours_html) == _normalised(django_html)


@pytest.mark.parametrize("value", [None, "", "表现突出 <好>"])
def test_a_textarea_is_written_as_djangos(value):
    from core.forms import PlainTextarea

    ours, django_s = PlainTextarea(attrs={"rows": 2}), forms.Textarea(attrs={"rows": 2})
    ours_html, django_html = ours.render("m1-reason", value), django_s.render("m1-reason", value, renderer=DJANGOS)
    assert _normalised(ours_html) == _normalised(django_html)


def test_every_form_renders_its_widgets_through_the_python_renderer():
    assert isinstance(get_default_renderer(), WidgetsWrittenInPython)


CHOICES = [("", "全部"), (1, "第一<支部>"), (2, "第二 & 支部"), ("组", [(3, "第三支部"), (4, '"四"')])]


@pytest.mark.parametrize(("widget", "value"), [
    (forms.TextInput(attrs={"class": "form-control", "placeholder": '如 "张三"', "required": True}), "张 <三>"),
    (forms.TextInput(), None),
    (forms.NumberInput(attrs={"min": 0}), 12),
    (forms.EmailInput(), "a@b.cn"),
    (forms.URLInput(), "https://example.cn/?a=1&b=2"),
    (forms.PasswordInput(render_value=False), "secret"),
    (forms.HiddenInput(), "42"),
    (forms.DateInput(format="%Y-%m-%d", attrs={"data-picker": "date"}), dt.date(2026, 11, 30)),
    (forms.DateTimeInput(format="%Y-%m-%d %H:%M"), dt.datetime(2026, 11, 30, 9, 0)),
    (forms.TimeInput(format="%H:%M"), dt.time(9, 30)),
    (forms.CheckboxInput(), True),
    (forms.CheckboxInput(attrs={"disabled": True}), False),
    (forms.FileInput(attrs={"accept": "image/*"}), None),
    (forms.Textarea(attrs={"rows": 3}), "第一行\n<第二行> & 第三行"),
    (forms.Textarea(), ""),
    (forms.Select(choices=CHOICES, attrs={"id": "x", "aria-label": "党组织"}), 2),
    (forms.Select(choices=CHOICES), None),
    (forms.SelectMultiple(choices=CHOICES), [2, 4]),
    (forms.NullBooleanSelect(), True),
])
def test_the_renderer_writes_each_widget_as_djangos_templates_do(widget, value):
    ours = widget.render("field", value, renderer=WidgetsWrittenInPython())
    assert _normalised(ours) == _normalised(widget.render("field", value, renderer=DJANGOS))


@pytest.mark.parametrize("widget_class", [forms.CheckboxSelectMultiple, forms.RadioSelect])
@pytest.mark.parametrize("attrs", [{}, {"class": "form-check-input"}, {"id": "id_members", "required": True}])
@pytest.mark.parametrize("value", [None, [2], [1, 3]])
def test_a_group_of_checkboxes_or_radios_is_written_exactly_as_djangos(widget_class, attrs, value):
    """Options in groups and not, escaped labels, an id given to every option, the chosen ones checked: the same
    text to the character (whitespace included)."""
    widget = widget_class(choices=CHOICES, attrs=attrs)
    ours = widget.render("members", value, renderer=WidgetsWrittenInPython())
    assert str(ours) == str(widget.render("members", value, renderer=DJANGOS))
    assert "第一&lt;支部&gt;" in ours


def test_what_the_renderer_does_not_write_is_left_to_djangos_templates(monkeypatch):
    """Clearable file inputs, a select whose options have a template of their own, and a group of inputs whose
    options do."""
    from core import forms as core_forms

    monkeypatch.setattr(core_forms, "input_html", lambda widget: "written")
    monkeypatch.setattr(core_forms, "select_html", lambda widget: "written")

    class StarSelect(forms.Select):
        option_template_name = "django/forms/widgets/select_option.html"

    class OwnOptions(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    class OwnRadios(forms.RadioSelect):
        option_template_name = "django/forms/widgets/select_option.html"

    renderer = WidgetsWrittenInPython()
    assert StarSelect(choices=CHOICES).render("f", 1, renderer=renderer) == "written"
    assert "written" in forms.RadioSelect(choices=CHOICES).render("f", 1, renderer=renderer)
    for widget in (OwnRadios(choices=CHOICES), forms.ClearableFileInput(), OwnOptions(choices=CHOICES)):
        assert widget.render("f", 1, renderer=renderer) == widget.render("f", 1, renderer=DJANGOS) != "written"
