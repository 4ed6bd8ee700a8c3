"""The foundation's journeys, walked in a real browser: admin, secretary, member, and a phone."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from members.idnumbers import make_id_number
from members.models import Member

# serialized_rollback: the live server needs transactional tests, whose flush would otherwise
# wipe the rule tables seeded by migrations (the member form checks dates against them).
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_bootstrap_is_served_by_the_live_server(page):
    response = page.goto("/static/vendor/bootstrap/bootstrap.min.css")
    assert response.status == 200
    assert "Bootstrap" in response.text()[:500]


def test_admin_opens_an_organisation_from_the_tree(city, page, log_in, screenshot):
    log_in(page, city.admin)
    expect(page.locator("h1")).to_have_text("您好，工委管理员")

    page.goto("/organisations/")
    tree = page.get_by_test_id("organisation-tree")
    expect(tree).to_contain_text("市直机关工委")
    expect(tree).to_contain_text("乙局机关党支部")
    tree.get_by_role("link", name="展开甲局机关党总支的下级组织").click()
    expect(tree).to_contain_text("甲局第一党支部")
    # Bootstrap's stylesheet is applied: the navbar carries the party red, the table Bootstrap's layout.
    expect(page.locator("nav.navbar")).to_have_css("background-color", "rgb(200, 22, 29)")
    expect(tree).to_have_css("border-collapse", "collapse")
    screenshot(page, "tree")

    tree.get_by_role("link", name="甲局机关党总支", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/organisations/{city.org_a.pk}/$"))
    expect(page.locator("h1")).to_have_text("甲局机关党总支")
    expect(page.locator("main")).to_contain_text("党员构成")
    screenshot(page)


def test_secretary_corrects_a_wrong_id_number_and_finds_the_new_member(city, page, log_in, screenshot):
    birth = dt.date(1990, 4, 12)
    good_id = make_id_number(region="340603", birth_date=birth, sequence=77, female=True)
    wrong_check = "0" if good_id[-1] != "0" else "1"
    bad_id = good_id[:17] + wrong_check

    log_in(page, city.secretary)
    page.goto("/members/new/")
    expect(page.locator("h1")).to_have_text("添加党员")
    page.fill("input[name=name]", "李晓红")
    page.select_option("select[name=gender]", "F")
    page.fill("input[name=ethnicity]", "回族")
    page.fill("input[name=birth_date]", birth.isoformat())
    page.fill("input[name=id_number]", bad_id)
    page.fill("input[name=phone]", "13855501234")
    page.select_option("select[name=education]", "BACHELOR")
    page.select_option("select[name=employment_status]", "SERVING")
    page.select_option("select[name=organisation]", str(city.branch_a.pk))
    page.fill("input[name=admitted_on]", "2015-07-01")
    page.fill("input[name=full_on]", "2016-07-01")
    page.get_by_role("button", name="保存").click()

    expect(page.locator(".field-id_number")).to_contain_text("公民身份号码校验位不正确")
    expect(page.locator(".alert-danger").first).to_contain_text("已填写的内容都已保留")
    expect(page.locator("input[name=name]")).to_have_value("李晓红")
    expect(page.locator("select[name=gender]")).to_have_value("F")
    expect(page.locator("input[name=ethnicity]")).to_have_value("回族")
    expect(page.locator("input[name=birth_date]")).to_have_value("1990-04-12")
    expect(page.locator("input[name=id_number]")).to_have_value(bad_id)
    expect(page.locator("input[name=phone]")).to_have_value("13855501234")
    expect(page.locator("select[name=organisation]")).to_have_value(str(city.branch_a.pk))
    expect(page.locator("input[name=admitted_on]")).to_have_value("2015-07-01")
    expect(page.locator("input[name=full_on]")).to_have_value("2016-07-01")
    screenshot(page, "error")
    assert not Member.objects.filter(name="李晓红").exists()

    page.fill("input[name=id_number]", good_id)
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".alert-success")).to_contain_text("已添加党员 李晓红。")
    expect(page.locator("h1")).to_have_text("李晓红")
    member = Member.objects.get(name="李晓红")
    assert (member.organisation, member.id_number, member.birth_date) == (city.branch_a, good_id, birth)

    page.goto("/members/")
    page.fill("input[name=q]", "李晓红")
    page.get_by_role("button", name="查询").click()
    expect(page).to_have_url(re.compile(r"[?&]q="))
    table = page.get_by_test_id("member-table")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("李晓红")
    expect(table).to_contain_text("甲局第一党支部")
    expect(table).to_contain_text("138****1234")
    expect(page.locator("main")).to_contain_text("共 1 人")
    screenshot(page, "found")


def test_member_is_refused_the_list_but_opens_own_record(city, page, log_in, screenshot):
    log_in(page, city.member_user)
    expect(page.locator("nav.navbar")).to_contain_text("我的档案")
    expect(page.locator("nav.navbar")).not_to_contain_text("党员名册")

    response = page.goto("/members/")
    assert response.status == 403
    expect(page.get_by_test_id("member-table")).to_have_count(0)
    expect(page.locator("body")).not_to_contain_text("党员名册")
    screenshot(page, "403")

    response = page.goto(f"/members/{city.member.pk}/")
    assert response.status == 200
    expect(page.locator("h1")).to_have_text("甲党员")
    expect(page.locator("main")).to_contain_text("甲局第一党支部")
    expect(page.locator("main")).to_contain_text("正式党员")
    screenshot(page)


def test_member_home_on_a_phone_collapses_the_menu(city, phone_page, log_in, screenshot):
    page = phone_page
    log_in(page, city.member_user)
    expect(page.locator("h1")).to_have_text("您好，甲党员")
    toggler = page.locator(".navbar-toggler")
    expect(toggler).to_be_visible()
    own_record = page.locator("#nav").get_by_role("link", name="我的档案")
    expect(own_record).to_be_hidden()
    screenshot(page, "collapsed")

    toggler.click()
    # Bootstrap swaps "collapsing" for "show" once the slide-down transition has ended.
    expect(page.locator("#nav")).to_have_class(re.compile(r"\bshow\b"))
    expect(own_record).to_be_visible()
    # Nothing is wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "open")
