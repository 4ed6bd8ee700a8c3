from allauth.account.forms import LoginForm as AllauthLoginForm


class LoginForm(AllauthLoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "用户名 / 手机号 / 邮箱"
        self.fields["login"].widget.attrs.update({"placeholder": "用户名、手机号或电子邮箱", "autofocus": True})
