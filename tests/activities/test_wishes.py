"""微心愿: entering, claiming (once), fulfilling with a note and photo, releasing; the board and its counts."""

import datetime as dt
import io
import os
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time
from PIL import Image

from activities import wishes as services
from activities.choices import WishStatus
from activities.models import MicroWish
from tests.factories import ActivityFactory, MemberFactory, UserFactory


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def themed_day(city):
    return ActivityFactory(organisation=city.branch_a, kind="THEMED_DAY", theme="MICRO_WISH", title="微心愿主题党日")


def make_wish(city, *, created_by=None, **fields) -> MicroWish:
    defaults = {"organisation": city.branch_a, "title": "给社区老人送一台收音机", "wisher_name": "李奶奶",
                "wisher_contact": "13900001111"}
    return services.wish_create(by=created_by or city.secretary, **{**defaults, **fields})


def second_member(city):
    user = UserFactory(username="member-a2", full_name="甲党员二")
    return user, MemberFactory(name="甲党员二", organisation=city.branch_a, user=user)


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (31.0, 52.0, 12.5), 3: "E", 4: (117.0, 17.0, 3.25)}
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), "orange").save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def stored_files(root: Path) -> list[Path]:
    return [Path(folder) / name for folder, _, names in os.walk(root) for name in names]


# --- entering wishes ---------------------------------------------------------------------

def test_a_secretary_publishes_a_wish_on_the_themed_days_page(city, login, themed_day):
    client = login(city.secretary)
    response = client.post(reverse("activities:wish_create") + f"?activity={themed_day.pk}", {
        "title": "帮社区更换楼道灯泡", "description": "三单元二楼", "wisher_name": "张大爷", "wisher_contact": ""})

    assert response.status_code == 302
    assert response["Location"].endswith(f"/activities/{themed_day.pk}/#wishes")
    wish = MicroWish.objects.get()
    assert (wish.organisation, wish.activity, wish.status, wish.created_by) == (
        city.branch_a, themed_day, WishStatus.OPEN, city.secretary)
    page = client.get(reverse("activities:activity_detail", args=[themed_day.pk])).content.decode()
    assert "帮社区更换楼道灯泡" in page and 'data-testid="wish-form"' in page


def test_only_a_themed_day_publishes_wishes(city, login):
    meeting = ActivityFactory(organisation=city.branch_a, kind="GENERAL_MEETING", theme="")
    client = login(city.secretary)
    response = client.post(reverse("activities:wish_create") + f"?activity={meeting.pk}",
                           {"title": "x", "wisher_name": "y"})
    assert response.status_code == 302
    assert MicroWish.objects.count() == 0
    assert 'data-testid="wishes-panel"' not in client.get(response["Location"]).content.decode()
    with pytest.raises(ValidationError):
        services.wish_create(organisation=city.branch_a, activity=meeting, by=city.secretary, title="x",
                             wisher_name="y")


def test_a_member_may_not_publish_on_the_themed_day(city, login, themed_day):
    response = login(city.member_user).post(reverse("activities:wish_create") + f"?activity={themed_day.pk}",
                                            {"title": "x", "wisher_name": "y"})
    assert response.status_code == 403
    assert MicroWish.objects.count() == 0


def test_from_the_board_the_themed_day_must_be_the_chosen_organisations(city, login, themed_day):
    client = login(city.secretary)
    response = client.post(reverse("activities:wish_create"), {
        "organisation": city.org_a.pk, "activity": themed_day.pk, "title": "x", "wisher_name": "y"})
    assert response.status_code == 200
    assert "所选主题党日不是该党组织的活动" in response.content.decode()

    response = client.post(reverse("activities:wish_create"), {
        "organisation": city.branch_a.pk, "activity": themed_day.pk, "title": "陪孤寡老人过中秋", "wisher_name": "赵爷爷"})
    assert response.status_code == 302
    assert MicroWish.objects.get().activity == themed_day


def test_a_secretary_cannot_publish_for_another_organisation(city, login):
    response = login(city.other_secretary).post(reverse("activities:wish_create"), {
        "organisation": city.branch_a.pk, "title": "x", "wisher_name": "y"})
    assert response.status_code == 200
    assert MicroWish.objects.count() == 0


# --- the workflow ---------------------------------------------------------------------------

def test_the_legal_transitions_are_exactly_claim_fulfil_and_release():
    assert set(services.TRANSITIONS) == {
        (WishStatus.OPEN, WishStatus.CLAIMED), (WishStatus.CLAIMED, WishStatus.FULFILLED),
        (WishStatus.CLAIMED, WishStatus.OPEN)}


@freeze_time("2025-06-15 02:00:00")
def test_a_member_claims_an_open_wish_and_fulfils_it_with_a_note_and_photo(city, login, media):
    wish = make_wish(city)
    client = login(city.member_user)

    response = client.post(reverse("activities:wish_claim", args=[wish.pk]))
    assert response.status_code == 302
    wish.refresh_from_db()
    assert (wish.status, wish.claimed_by, wish.claimed_at) == (
        WishStatus.CLAIMED, city.member, dt.datetime(2025, 6, 15, 2, tzinfo=dt.UTC))

    assert client.get(reverse("activities:wish_fulfil", args=[wish.pk])).status_code == 200
    response = client.post(reverse("activities:wish_fulfil", args=[wish.pk]), {
        "note": "6月15日送到李奶奶家，并教会她使用。",
        "photo": SimpleUploadedFile("IMG_2001.jpg", jpeg_with_gps(), content_type="image/jpeg")})
    assert response.status_code == 302
    wish.refresh_from_db()
    assert wish.status == WishStatus.FULFILLED
    assert wish.fulfilled_at == dt.datetime(2025, 6, 15, 2, tzinfo=dt.UTC)
    assert wish.fulfilment_note.startswith("6月15日")
    assert wish.fulfilment_photo.name.startswith("wish-photos/") and "IMG_2001" not in wish.fulfilment_photo.name
    with Image.open(media / wish.fulfilment_photo.name) as image:
        assert "exif" not in image.info and image.getexif().get_ifd(0x8825) == {}

    served = client.get(reverse("activities:wish_photo", args=[wish.pk]))
    assert served.status_code == 200 and served["Cache-Control"].startswith("private")


def test_claiming_a_claimed_wish_is_refused_with_a_message(city, login):
    wish = make_wish(city)
    services.wish_claim(wish=wish, member=city.member)
    other_user, _ = second_member(city)
    client = login(other_user)

    response = client.post(reverse("activities:wish_claim", args=[wish.pk]), follow=True)

    assert "该心愿已由 甲党员 认领，不能重复认领" in response.content.decode()
    wish.refresh_from_db()
    assert wish.claimed_by == city.member


def test_a_stale_copy_cannot_claim_twice(city):
    """Two requests that both loaded the wish while it was open: the row lock lets only the first win."""
    wish = make_wish(city)
    stale = MicroWish.objects.get(pk=wish.pk)
    _, other = second_member(city)
    services.wish_claim(wish=wish, member=city.member)
    with pytest.raises(ValidationError, match="不能重复认领"):
        services.wish_claim(wish=stale, member=other)


@pytest.mark.parametrize(("status", "action", "message"), [
    (WishStatus.OPEN, "fulfil", "认领后才能标记为已实现"),
    (WishStatus.OPEN, "release", "不能改为"),
    (WishStatus.FULFILLED, "claim", "已经实现"),
    (WishStatus.FULFILLED, "release", "已经实现"),
    (WishStatus.FULFILLED, "fulfil", "已经实现"),
])
def test_illegal_steps_are_refused(city, status, action, message):
    wish = make_wish(city)
    if status != WishStatus.OPEN:
        MicroWish.objects.filter(pk=wish.pk).update(status=status, claimed_by=city.member,
                                                     fulfilled_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    step = {"claim": lambda: services.wish_claim(wish=wish, member=city.member),
            "release": lambda: services.wish_release(wish=wish),
            "fulfil": lambda: services.wish_fulfil(wish=wish, note="done")}[action]
    with pytest.raises(ValidationError, match=message):
        step()
    assert MicroWish.objects.get(pk=wish.pk).status == status


def test_fulfilment_needs_a_note(city):
    wish = make_wish(city)
    services.wish_claim(wish=wish, member=city.member)
    with pytest.raises(ValidationError):
        services.wish_fulfil(wish=wish, note="  ")


def test_a_bad_fulfilment_photo_is_refused_and_nothing_is_written(city, login, media):
    wish = make_wish(city)
    services.wish_claim(wish=wish, member=city.member)

    response = login(city.member_user).post(reverse("activities:wish_fulfil", args=[wish.pk]), {
        "note": "已完成", "photo": SimpleUploadedFile("done.jpg", b"not a photo", content_type="image/jpeg")})

    assert response.status_code == 200
    assert "“done.jpg” 不是有效的图片文件" in response.content.decode()
    wish.refresh_from_db()
    assert wish.status == WishStatus.CLAIMED and not wish.fulfilment_photo
    assert stored_files(media) == []


def test_only_the_claimer_or_a_secretary_may_fulfil(city, login):
    wish = make_wish(city)
    services.wish_claim(wish=wish, member=city.member)
    other_user, _ = second_member(city)

    assert login(other_user).post(reverse("activities:wish_fulfil", args=[wish.pk]),
                                  {"note": "抢先标记"}).status_code == 403
    assert login(city.secretary).post(reverse("activities:wish_fulfil", args=[wish.pk]),
                                      {"note": "书记代为登记"}).status_code == 302
    assert MicroWish.objects.get(pk=wish.pk).status == WishStatus.FULFILLED


def test_a_secretary_releases_a_claim_and_a_member_may_not(city, login):
    wish = make_wish(city)
    services.wish_claim(wish=wish, member=city.member)

    assert login(city.member_user).post(reverse("activities:wish_release", args=[wish.pk])).status_code == 403
    assert login(city.secretary).post(reverse("activities:wish_release", args=[wish.pk])).status_code == 302
    wish.refresh_from_db()
    assert (wish.status, wish.claimed_by, wish.claimed_at) == (WishStatus.OPEN, None, None)


def test_a_member_of_another_organisation_neither_sees_nor_claims(city, login, media):
    wish = make_wish(city)
    stranger = UserFactory()
    MemberFactory(organisation=city.org_b, user=stranger)
    client = login(stranger)
    assert client.post(reverse("activities:wish_claim", args=[wish.pk])).status_code == 404
    assert "给社区老人送一台收音机" not in client.get(reverse("activities:wish_board")).content.decode()


# --- the board -------------------------------------------------------------------------------

@pytest.fixture
def board(city):
    """Branch A: 3 open, 2 claimed, 1 fulfilled; organisation B: 1 open."""
    for n in range(3):
        make_wish(city, title=f"待认领心愿{n}")
    for n in range(2):
        services.wish_claim(wish=make_wish(city, title=f"已认领心愿{n}"), member=city.member)
    done = services.wish_claim(wish=make_wish(city, title="已实现心愿"), member=city.member)
    services.wish_fulfil(wish=done, note="已送达")
    make_wish(city, organisation=city.org_b, title="乙局的心愿", created_by=city.other_secretary)


def counts_on(page) -> dict:
    import re

    html = page.content.decode()
    return {key: int(re.search(rf'data-testid="count-{key}">(\d+)<', html).group(1))
            for key in ("all", "open", "claimed", "fulfilled")}


def test_the_board_counts_each_status_of_the_users_organisations(city, login, board):
    member_page = login(city.member_user).get(reverse("activities:wish_board"))
    assert counts_on(member_page) == {"all": 6, "open": 3, "claimed": 2, "fulfilled": 1}
    assert "乙局的心愿" not in member_page.content.decode()

    admin_page = login(city.admin).get(reverse("activities:wish_board"))
    assert counts_on(admin_page) == {"all": 7, "open": 4, "claimed": 2, "fulfilled": 1}


def test_the_admins_board_counts_the_city_every_five_minutes_and_says_when(city, login, board):
    client = login(city.admin)
    with freeze_time("2026-06-01 10:00:00+08:00") as clock:
        first = client.get(reverse("activities:wish_board"))
        assert counts_on(first)["all"] == 7 and "统计于 10:00" in first.content.decode()
        make_wish(city, title="新心愿")
        assert counts_on(client.get(reverse("activities:wish_board")))["all"] == 7
        clock.tick(dt.timedelta(minutes=6))
        later = client.get(reverse("activities:wish_board"))
        assert counts_on(later)["all"] == 8 and "新心愿" in later.content.decode()
    assert counts_on(login(city.secretary).get(reverse("activities:wish_board")))["all"] == 7  # live: 6 + new


def test_a_secretarys_board_is_kept_until_a_wish_or_an_activity_changes(city, login, board,
                                                                       django_assert_max_num_queries):
    client = login(city.secretary)
    open_day = ActivityFactory(organisation=city.org_b, kind="THEMED_DAY", theme="MICRO_WISH", is_open=True)
    closed_day = ActivityFactory(organisation=city.org_b, kind="THEMED_DAY", theme="MICRO_WISH")

    def counted():
        return counts_on(client.get(reverse("activities:wish_board")))["all"]

    assert counted() == 6
    with django_assert_max_num_queries(4):  # kept: the counts and the open activities with wishes
        assert counted() == 6
    # Organisation B's wishes are seen where they are published on a themed day open to everyone: a wish alone
    # changes what is seen.
    make_wish(city, organisation=city.org_b, activity=open_day, title="公开活动的心愿",
              created_by=city.other_secretary)
    assert counted() == 7
    make_wish(city, organisation=city.org_b, activity=closed_day, title="未公开活动的心愿",
              created_by=city.other_secretary)
    assert counted() == 7
    closed_day.is_open = True  # an activity change alone: the wishes are the same
    closed_day.save()
    assert counted() == 8


@pytest.mark.parametrize("sort_after_reading", [0, 5000])
def test_the_board_shows_open_wishes_first_newest_first_however_it_sorts(city, login, board, monkeypatch,
                                                                         sort_after_reading):
    import re

    import activities.wishes

    monkeypatch.setattr(activities.wishes, "SORT_AFTER_READING", sort_after_reading)
    page = login(city.secretary).get(reverse("activities:wish_board")).content.decode()
    titles = [t for t in re.findall(r"(待认领心愿\d|已认领心愿\d|已实现心愿)", page)]
    seen = list(dict.fromkeys(titles))
    assert seen == ["待认领心愿2", "待认领心愿1", "待认领心愿0", "已认领心愿1", "已认领心愿0", "已实现心愿"]


def test_the_board_filters_by_status_and_organisation(city, login, board):
    client = login(city.admin)
    open_page = client.get(reverse("activities:wish_board"), {"status": "OPEN"}).content.decode()
    assert "待认领心愿0" in open_page and "已认领心愿0" not in open_page

    org_b_page = client.get(reverse("activities:wish_board"), {"organisation": city.org_b.pk})
    assert counts_on(org_b_page) == {"all": 1, "open": 1, "claimed": 0, "fulfilled": 0}
    # A secretary's selector offers their organisations only.
    secretary_page = login(city.secretary).get(reverse("activities:wish_board")).content.decode()
    assert "甲局第一党支部" in secretary_page and "乙局机关党支部" not in secretary_page


def test_the_board_shows_the_contact_only_to_the_secretary_and_the_claimer(city, login):
    make_wish(city, title="开放心愿", wisher_contact="13911112222")
    services.wish_claim(wish=make_wish(city, title="我认领的", wisher_contact="13933334444"), member=city.member)

    member_page = login(city.member_user).get(reverse("activities:wish_board")).content.decode()
    assert "13911112222" not in member_page and "13933334444" in member_page
    secretary_page = login(city.secretary).get(reverse("activities:wish_board")).content.decode()
    assert "13911112222" in secretary_page


def test_the_board_pages_and_costs_the_same_queries_at_any_size(city, login):
    client = login(city.secretary)
    make_wish(city)
    client.get(reverse("activities:wish_board"))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("activities:wish_board"))
    for n in range(30):
        wish = make_wish(city, title=f"心愿{n}")
        if n % 3 == 0:
            services.wish_claim(wish=wish, member=city.member)
    client.get(reverse("activities:wish_board"))  # what the board keeps is made again once after the changes
    with CaptureQueriesContext(connection) as large:
        response = client.get(reverse("activities:wish_board"))
    assert len(large) == len(small)
    assert response.content.decode().count('data-testid="wish-card"') == 20
    assert "下一页" in response.content.decode()


def test_the_themed_days_panel_costs_the_same_queries_for_one_wish_or_many(city, login, themed_day):
    client = login(city.member_user)
    themed_day.attendances.create(member=city.member)
    detail = reverse("activities:activity_detail", args=[themed_day.pk])
    make_wish(city, activity=themed_day)
    client.get(detail)
    with CaptureQueriesContext(connection) as one:
        client.get(detail)
    for n in range(5):
        services.wish_claim(wish=make_wish(city, activity=themed_day, title=f"心愿{n}"), member=city.member)
    with CaptureQueriesContext(connection) as six:
        page = client.get(detail)
    assert len(six) == len(one)
    assert page.content.decode().count('data-testid="wish-card"') == 6


@pytest.mark.parametrize("persona", ["secretary", "member_user"])
def test_the_wishes_a_user_sees_are_read_without_working_out_their_activities_twice(city, persona, monkeypatch):
    """The literal lists answer; the fallback (organisations and activities as subqueries) is made only when they
    are too long — and both give the same wishes."""
    from activities import access

    user = getattr(city, persona)
    make_wish(city, title="本支部的心愿")
    make_wish(city, organisation=city.org_b, title="乙局的心愿")
    public = ActivityFactory(organisation=city.org_b, is_open=True)
    make_wish(city, organisation=city.org_b, activity=public, title="开放活动的心愿")
    with monkeypatch.context() as patched:
        patched.setattr(access, "activities_visible_to", lambda user: pytest.fail("the visible activities again"))
        literal = set(access.wishes_visible_to(user).values_list("title", flat=True))
    assert {"本支部的心愿", "开放活动的心愿"} <= literal and "乙局的心愿" not in literal
    monkeypatch.setattr(access, "LITERAL_ORGANISATIONS", 0)
    assert set(access.wishes_visible_to(user).values_list("title", flat=True)) == literal


def test_two_secretaries_of_the_same_organisation_count_the_wishes_each_of_them_sees(city, login):
    """One is also a member of organisation B: B's wishes are theirs to see, not their colleague's."""
    from tests.factories import RoleFactory

    make_wish(city, title="甲的心愿")
    make_wish(city, organisation=city.org_b, title="乙局的心愿", created_by=city.other_secretary)
    also_in_b = UserFactory(username="secretary-a-in-b")
    RoleFactory(user=also_in_b, organisation=city.org_a)
    MemberFactory(organisation=city.org_b, user=also_in_b)
    for _ in range(2):  # whoever comes first
        assert counts_on(login(also_in_b).get(reverse("activities:wish_board")))["all"] == 2
        assert counts_on(login(city.secretary).get(reverse("activities:wish_board")))["all"] == 1


def test_wishes_on_more_open_activities_than_can_be_named_are_all_seen(city, login, monkeypatch):
    from activities import access

    monkeypatch.setattr(access, "LITERAL_ACTIVITIES", 1)
    for n in range(3):
        day = ActivityFactory(organisation=city.org_b, kind="THEMED_DAY", theme="MICRO_WISH", is_open=True)
        make_wish(city, organisation=city.org_b, activity=day, title=f"公开心愿{n}", created_by=city.other_secretary)
    page = login(city.secretary).get(reverse("activities:wish_board")).content.decode()
    assert all(f"公开心愿{n}" in page for n in range(3))
