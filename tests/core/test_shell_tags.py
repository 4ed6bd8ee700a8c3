"""base.html's fixed parts (style sheets, scripts, account links) are worked out once per process."""

from django.test import Client, override_settings
from django.urls import reverse

from core.templatetags import shell


def test_the_shell_links_static_files_and_account_pages(city):
    client = Client()
    client.force_login(city.member_user)
    page = client.get(reverse("home")).content.decode()
    for part in ('href="/static/css/site.css"', 'src="/static/js/site.js"', 'src="/static/vendor/htmx/htmx.min.js"',
                 f'href="{reverse("help")}"', f'action="{reverse("account_logout")}"',
                 f'href="{reverse("notifications:notification_list")}"'):
        assert part in page


def test_fixed_parts_are_rendered_once_per_process(city):
    shell._fragment.cache_clear()
    shell._url.cache_clear()
    client = Client()
    client.force_login(city.member_user)
    client.get(reverse("home"))
    client.get(reverse("notifications:notification_list"))
    assert shell._fragment.cache_info().misses == 2  # the head's style sheets and the scripts
    assert shell._fragment.cache_info().hits >= 2
    assert shell._url.cache_info().hits >= 5


@override_settings(DEBUG=True)
def test_with_debug_every_page_renders_them_afresh(city):
    shell._fragment.cache_clear()
    shell._url.cache_clear()
    client = Client()
    client.force_login(city.member_user)
    assert 'href="/static/css/site.css"' in client.get(reverse("home")).content.decode()
    assert shell._fragment.cache_info().currsize == 0 and shell._url.cache_info().currsize == 0
