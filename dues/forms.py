import datetime as dt

from django import forms

from core.forms import DatePicker, MonthPicker
from rules.models import DuesCategory


class MonthField(forms.DateField):
    """A month (<input type="month">, "2025-07"), cleaned to its first day."""

    widget = MonthPicker()
    input_formats = ["%Y-%m", "%Y-%m-%d"]

    def to_python(self, value):
        day = super().to_python(value)
        return day.replace(day=1) if isinstance(day, dt.date) else day


class DuesBaseForm(forms.Form):
    effective_from = MonthField(label="起始月份", help_text="自该月起按此基数交纳")
    category = forms.ChoiceField(label="交纳类别", choices=DuesCategory.choices)
    monthly_income = forms.DecimalField(label="月收入基数（元）", required=False, min_value=0, max_digits=10,
                                        decimal_places=2,
                                        help_text="在职党员为税后月工资收入，离退休党员为月退休费；学生、无固定收入者不填")
    note = forms.CharField(label="备注", required=False, max_length=200)

    def clean(self):
        data = super().clean()
        if data.get("category") and data["category"] != DuesCategory.NO_INCOME and not data.get("monthly_income"):
            self.add_error("monthly_income", "在职和离退休党员须填写大于零的月收入基数。")
        return data


class DuesPaymentForm(forms.Form):
    first_month = MonthField(label="起始月份")
    last_month = MonthField(label="截止月份", help_text="只交一个月时与起始月份相同；预交、补交多个月时一次登记")
    paid_on = forms.DateField(label="交纳日期", widget=DatePicker())
    note = forms.CharField(label="备注", required=False, max_length=200, help_text="预交、补交须经支部同意，可注明")

    def clean(self):
        data = super().clean()
        if data.get("first_month") and data.get("last_month") and data["last_month"] < data["first_month"]:
            self.add_error("last_month", "截止月份不能早于起始月份。")
        return data


class LedgerFilterForm(forms.Form):
    SHOW = [("", "全部党员"), ("arrears", "有欠交"), ("warning", "连续未交预警"), ("no_base", "未核定基数")]
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)
    show = forms.ChoiceField(label="显示", choices=SHOW, required=False)
