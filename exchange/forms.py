from django import forms

from .kinds import kinds_for


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label="导入类型")
    file = forms.FileField(label="Excel 文件（.xlsx）",
                           widget=forms.ClearableFileInput(attrs={
                               "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}),
                           error_messages={"required": "请选择要导入的 Excel 文件。"})

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(cls.identifier, cls.name) for cls in kinds_for(user)]
