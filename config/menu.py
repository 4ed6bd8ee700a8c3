"""The main menu, per role: short, and every entry named as the page it opens is titled.

Data, not template logic: one list of sections; each entry says who sees it. Admins and secretaries get the
working menu (组织生活, 党员, 党组织, 督导考核, 表彰与共建, 统计报表); a member gets their own pages
(活动日历, 我的档案, 我的支部 …). A secretary who is also a member finds 我的档案 and 我的支部 under their name,
not beside 党员 and 党组织. tests/test_menu.py opens every entry and checks the page's heading carries its name.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import NamedTuple

from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import mark_safe

from branches import access
from core.memo import once_per_process


@dataclass(frozen=True)
class Entry:
    label: str
    url_name: str
    who: Callable = lambda roles: True
    args: Callable | None = None  # roles → URL args (e.g. the member's own pk)


@dataclass(frozen=True)
class Section:
    label: str
    entries: tuple[Entry, ...]
    who: Callable = lambda roles: True


@dataclass(frozen=True)
class Roles:
    admin: bool
    secretary: bool
    member: object  # the user's own member (its pk and organisation_id) or None

    @property
    def manages(self) -> bool:
        return self.admin or self.secretary


def _manages(r: Roles) -> bool:
    return r.manages


def _member_only(r: Roles) -> bool:
    return r.member is not None and not r.manages


def _admin(r: Roles) -> bool:
    return r.admin


def _has_member(r: Roles) -> bool:
    return r.member is not None


MENU = (
    Section("组织生活", (
        Entry("组织生活", "activities:activity_list", _manages),
        Entry("活动日历", "activities:calendar"),
        Entry("微心愿", "activities:wish_board"),
        Entry("开放式党校", "community:lecture_list"),
    )),
    Section("党员", (
        Entry("党员名册", "members:member_list"),
        Entry("发展党员", "development:overview"),
        Entry("组织关系转接", "members:transfer_list"),
        Entry("党员分类", "members:category_list"),
        Entry("党员名册变动统计", "members:register_summary"),
        Entry("党费收缴", "dues:overview"),
        Entry("民主评议党员", "appraisals:appraisal_list"),
        Entry("数据导入导出", "exchange:index"),
    ), who=_manages),
    Section("党组织", (Entry("党组织", "branches:organisation_list"),), who=_manages),
    Section("督导考核", (
        Entry("“三会一课”落实情况", "oversight:matrix"),
        Entry("标准化验收", "oversight:review_list"),
        Entry("换届提醒", "oversight:election_list"),
        Entry("责任清单", "oversight:duty_list"),
        Entry("组织设置检查", "oversight:setup_checks"),
        Entry("豁免事项", "oversight:exemption_list"),
    ), who=_manages),
    Section("表彰与共建", (
        Entry("表彰记录", "honours:commendation_list"),
        Entry("表彰推荐", "honours:nomination_list", _manages),
        Entry("党建品牌", "honours:brand_gallery"),
        Entry("十佳评选", "honours:selection_list", _admin),
        Entry("在职党员到社区报到", "community:reporting_overview", _manages),
        Entry("共驻共建", "community:agreement_list", _manages),
        Entry("急难险重专项任务", "community:campaign_list"),
        Entry("我的社区报到", "community:my_reporting", _member_only),
    )),
    Section("统计报表", (Entry("统计报表", "reports:report_list"),), who=_manages),
)

# Under the user's name: their own pages (for everyone with a member record), account settings.
PERSONAL = (
    Entry("我的档案", "members:member_detail", _has_member, args=lambda r: [r.member.pk]),
    Entry("我的支部", "branches:organisation_detail", _has_member, args=lambda r: [r.member.organisation_id]),
    Entry("我的社区报到", "community:my_reporting", lambda r: r.member is not None and r.manages),
)

# A member's menu: few entries, all top level.
MEMBER_TOP = (
    Entry("活动日历", "activities:calendar"),
    Entry("我的档案", "members:member_detail", args=lambda r: [r.member.pk]),
    Entry("我的支部", "branches:organisation_detail", args=lambda r: [r.member.organisation_id]),
    Entry("微心愿", "activities:wish_board"),
    Entry("开放式党校", "community:lecture_list"),
    Entry("表彰记录", "honours:commendation_list"),
    Entry("我的社区报到", "community:my_reporting"),
)


@dataclass(frozen=True)
class Link:
    label: str
    url: str


def _link(entry: Entry, roles: Roles) -> Link | None:
    if not entry.who(roles):
        return None
    try:
        return Link(entry.label, reverse(entry.url_name, args=entry.args(roles) if entry.args else None))
    except NoReverseMatch:  # an app that is not installed in this deployment
        return None


def _roles_of(user) -> tuple:
    member = access.own_member(user)
    return (access.is_admin(user), access.is_secretary(user),
            _OwnMember(member.pk, member.organisation_id) if member is not None else None)


def menu_for(user) -> Mapping:
    return _menu(*_roles_of(user))


class _OwnMember(NamedTuple):
    """What the menu needs of the user's own member: its URLs."""
    pk: int
    organisation_id: int


@lru_cache(maxsize=4096)
def _menu(admin: bool, secretary: bool, member: _OwnMember | None) -> MappingProxyType:
    """The links for one combination of roles, worked out once per process (about thirty `reverse` calls
    that every page would otherwise repeat). Shared between requests: read, never changed."""
    roles = Roles(admin=admin, secretary=secretary, member=member)
    if not roles.manages:
        top = tuple(link for entry in (MEMBER_TOP if roles.member else ()) if (link := _link(entry, roles)))
        return MappingProxyType({"sections": (), "top": top, "personal": ()})
    sections = []
    for section in MENU:
        if not section.who(roles):
            continue
        links = tuple(link for entry in section.entries if (link := _link(entry, roles)))
        if links:
            sections.append((section.label, links))
    personal = tuple(link for entry in PERSONAL if (link := _link(entry, roles)))
    return MappingProxyType({"sections": tuple(sections), "top": (), "personal": personal})


@once_per_process(maxsize=4096)
def _menu_html(admin: bool, secretary: bool, member: _OwnMember | None) -> str:
    return mark_safe(render_to_string("includes/main_menu.html",  # noqa: S308 - our own template, autoescaped
                                      {"main_menu": _menu(admin, secretary, member), "is_admin": admin}))


def menu(request) -> dict:
    """Context processor: `main_menu` (its links) and `main_menu_html` (the working menu as base.html shows it:
    the same for everyone with the same roles, so rendered once per process; with DEBUG on, on every page, so
    an edited template shows at once)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    key = _roles_of(user)
    return {"main_menu": _menu(*key), "main_menu_html": _menu_html(*key)}
