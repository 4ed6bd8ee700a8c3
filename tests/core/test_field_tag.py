"""`{% field %}` writes what templates/includes/field.html writes, to the character, for every kind of field."""

import pytest
from django import forms
from django.template import Context, Template


class SampleForm(forms.Form):
    name = forms.CharField(label="姓名 <必填>", max_length=5, help_text="如 “张三” & 李四")
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea)
    kind = forms.ChoiceField(label="类型", choices=[("A", "甲"), ("B", "乙")], required=False)
    agree = forms.BooleanField(label="同意", required=False)
    day = forms.DateField(label="日期")


def _both(bound_field) -> tuple[str, str]:
    context = Context({"f": bound_field})
    ours = Template("{% load core_tags %}{% field f %}").render(context)
    theirs = Template('{% include "includes/field.html" with field=f %}').render(context)
    return ours, theirs


@pytest.mark.parametrize("data", [None, {"name": "太长的名字啊", "day": "昨天", "agree": "on"}, {"name": "张三"}])
@pytest.mark.parametrize("auto_id", ["id_%s", False])
def test_each_field_is_written_as_the_include_writes_it(data, auto_id):
    form = SampleForm(data, auto_id=auto_id)
    for bound_field in form:
        ours, theirs = _both(bound_field)
        assert ours == theirs, bound_field.name
    if data and "day" in data:
        ours, _ = _both(form["day"])
        assert 'role="alert"' in ours and "field-error" in ours  # the error under the field


def test_a_field_the_form_does_not_have_writes_nothing():
    assert Template("{% load core_tags %}[{% field form.stage %}]").render(Context({"form": SampleForm()})) == "[]"
