"""Inputs written in Python (core.forms.PlainTextInput, PlainRadioSelect) carry Django's own markup."""

import re

import pytest
from django import forms
from django.template import Context, Template

from core.forms import PlainRadioSelect, PlainTextInput


def _normalised(html) -> str:
    return re.sub(r">\s+<", "><", str(html)).strip()


@pytest.mark.parametrize("value", [None, "", "病假 <出差>", 'a"b'])
@pytest.mark.parametrize("attrs", [{}, {"aria-label": "甲 的请假事由", "required": True, "disabled": False}])
def test_a_text_input_is_written_as_djangos(value, attrs):
    ours, django_s = PlainTextInput(attrs=attrs), forms.TextInput(attrs=attrs)
    assert _normalised(ours.render("reason_1", value)) == _normalised(django_s.render("reason_1", value))


def _form(widget_class):
    class AttendanceForm(forms.Form):
        status = forms.ChoiceField(choices=[("PRESENT", "出席"), ("LEAVE", "请假<事>")], widget=widget_class)

    return AttendanceForm(initial={"status": "LEAVE"}, auto_id="id_%s")


@pytest.mark.parametrize("source", [
    "{% for choice in form.status %}{{ choice.tag }} {{ choice.choice_label }}|{% endfor %}",
    "{% for choice in form.status %}{{ choice }}|{% endfor %}",
    "{{ form.status }}",
])
def test_radio_options_are_written_as_djangos(source):
    template = Template(source)
    ours = template.render(Context({"form": _form(PlainRadioSelect)}))
    django_s = template.render(Context({"form": _form(forms.RadioSelect)}))
    assert _normalised(ours) == _normalised(django_s)
    assert "checked" in ours and "请假&lt;事&gt;" in ours


@pytest.mark.parametrize("value", [None, "", 3, "2"])
def test_a_select_is_written_as_djangos(value):
    from core.forms import PlainSelect

    choices = [("", "未评定"), *((n, "★" * n) for n in range(1, 6)), ("组", [("x", "<x>")])]
    ours, django_s = PlainSelect(attrs={"aria-label": "甲 的星级"}), forms.Select(attrs={"aria-label": "甲 的星级"})
    ours.choices = django_s.choices = choices
    assert _normalised(ours.render("m1-stars", value)) == _normalised(django_s.render("m1-stars", value))


@pytest.mark.parametrize("value", [None, "", "表现突出 <好>"])
def test_a_textarea_is_written_as_djangos(value):
    from core.forms import PlainTextarea

    ours, django_s = PlainTextarea(attrs={"rows": 2}), forms.Textarea(attrs={"rows": 2})
    assert _normalised(ours.render("m1-reason", value)) == _normalised(django_s.render("m1-reason", value))
