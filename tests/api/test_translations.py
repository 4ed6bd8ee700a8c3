"""Installing REST framework must not change the wording of the site's form errors (its Chinese catalogue words
some of Django's own messages differently, and an app's catalogue outranks Django's)."""

from django.utils import translation
from django.utils.translation import gettext


def test_djangos_own_messages_keep_djangos_wording():
    with translation.override("zh-hans"):
        assert gettext("This field is required.") == "这个字段是必填项。"
        assert gettext("Enter a valid URL.") == "输入一个有效的 URL。"
        # REST framework's own messages stay Chinese.
        assert gettext("Authentication credentials were not provided.") != "Authentication credentials were not provided."
