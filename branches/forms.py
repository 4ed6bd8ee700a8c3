from django import forms

from core.forms import DatePicker, ModelChoiceField
from core.lookups import SearchSelect

from .choices import OrganisationKind
from .models import Organisation


class OrganisationFilterForm(forms.Form):
    q = forms.CharField(label="名称", required=False)
    kind = forms.ChoiceField(label="组织类型", required=False, choices=[("", "全部类型"), *OrganisationKind.choices])
    unit = ModelChoiceField(None, label="所在单位", required=False, empty_label="全部单位",
                            widget=SearchSelect("units"))
    # Which organisation the collapsed tree opens on, and (opening one in place) the level of its rows.
    parent = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    level = forms.IntegerField(required=False, min_value=0, max_value=20, widget=forms.HiddenInput)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "short_name", "address", "established_on", "description", "sort_order"]
        widgets = {
            "established_on": DatePicker(),
            "description": forms.Textarea(attrs={"rows": 4}),
        }
