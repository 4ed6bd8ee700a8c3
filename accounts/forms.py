from allauth.account.forms import LoginForm as AllauthLoginForm


class LoginForm(AllauthLoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "用户名 / 手机号 / 邮箱"
        self.fields["login"].widget.attrs.update({"placeholder": "用户名、手机号或电子邮箱", "autofocus": True})
        # The page links to password reset once, under the button; allauth's help text would repeat it.
        self.fields["password"].help_text = ""
        if "remember" in self.fields:
            self.fields["remember"].widget.attrs["class"] = "form-check-input"
