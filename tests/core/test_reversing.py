"""A URL per row without reversing per row (core.reversing, `{{ pk|pk_url:"app:view" }}`): the same URL
`{% url %}` writes, under any script prefix."""

import pytest
from django.template import Context, Template
from django.urls import reverse, set_script_prefix

from core.reversing import pk_url


@pytest.mark.parametrize("name", ["branches:organisation_detail", "oversight:duty_report", "members:member_detail"])
@pytest.mark.parametrize("pk", [1, 42, 2147483646])
def test_the_url_is_the_one_reverse_writes(name, pk):
    assert pk_url(pk, name) == reverse(name, args=[pk])


def test_the_filter_writes_what_the_url_tag_writes():
    template = Template('{% load core_tags %}{% for pk in pks %}{{ pk|pk_url:"branches:organisation_detail" }} '
                        '{% url "branches:organisation_detail" pk %};{% endfor %}')
    for pair in template.render(Context({"pks": [3, "17"]})).split(";")[:-1]:
        ours, djangos = pair.split()
        assert ours == djangos


def test_a_script_prefix_is_kept_per_prefix():
    try:
        set_script_prefix("/dangjian/")
        assert pk_url(7, "branches:organisation_detail") == "/dangjian/organisations/7/"
    finally:
        set_script_prefix("/")
    assert pk_url(7, "branches:organisation_detail") == "/organisations/7/"


def test_only_an_integer_takes_the_pks_place():
    with pytest.raises(ValueError):
        pk_url("7/../../admin", "branches:organisation_detail")


@pytest.mark.django_db
def test_the_models_links_are_their_detail_pages(city):
    """get_absolute_url of the models listed on every page goes through pk_url: the same URL as reverse."""
    from tests.factories import ActivityFactory

    activity = ActivityFactory(organisation=city.branch_a)
    assert city.member.get_absolute_url() == reverse("members:member_detail", args=[city.member.pk])
    assert city.branch_a.get_absolute_url() == reverse("branches:organisation_detail", args=[city.branch_a.pk])
    assert activity.get_absolute_url() == reverse("activities:activity_detail", args=[activity.pk])
