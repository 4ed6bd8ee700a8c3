"""Every endpoint for every persona, called with that persona's token: the status, and exactly the rows in scope
(the same rows the persona's pages show)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.choices import AttendanceStatus
from tests.api.conftest import PERSONAS
from tests.factories import ActivityFactory, AttendanceFactory, MemberFactory

UNAUTHENTICATED, FORBIDDEN, NOT_FOUND = 401, 403, 404


@pytest.fixture
def world(city):
    """The city plus activities: branch A's (with its member expected), org A's own, org B's, and a city-wide
    lecture of the working committee; and a second member in org A itself."""
    city.member_a2 = MemberFactory(name="甲总支党员", organisation=city.org_a)
    city.activity_branch_a = ActivityFactory(organisation=city.branch_a)
    AttendanceFactory(activity=city.activity_branch_a, member=city.member, status=AttendanceStatus.PRESENT)
    city.absent_member = MemberFactory(name="缺席党员", organisation=city.branch_a)
    AttendanceFactory(activity=city.activity_branch_a, member=city.absent_member, status=AttendanceStatus.ABSENT)
    city.activity_org_a = ActivityFactory(organisation=city.org_a)
    city.activity_org_b = ActivityFactory(organisation=city.org_b)
    AttendanceFactory(activity=city.activity_org_b, member=city.other_member)
    city.activity_city_wide = ActivityFactory(organisation=city.root, kind="TRAINING", is_city_wide=True)
    return city


def ids(response) -> set[int]:
    body = response.json()
    return {row.get("id", row.get("organisation")) for row in body["results"]}


def expected_lists(w) -> dict:
    """URL name → persona → the set of ids in the answer, or the status when the call is refused."""
    everything_org = {w.root.pk, w.org_a.pk, w.branch_a.pk, w.org_b.pk}
    return {
        "api:organisation-list": {
            "outsider": FORBIDDEN, "member": FORBIDDEN, "secretary": {w.org_a.pk, w.branch_a.pk},
            "other_secretary": {w.org_b.pk}, "admin": everything_org},
        "api:member-list": {
            "outsider": FORBIDDEN, "member": FORBIDDEN, "secretary": {w.member.pk, w.member_a2.pk, w.absent_member.pk},
            "other_secretary": {w.other_member.pk},
            "admin": {w.member.pk, w.member_a2.pk, w.absent_member.pk, w.other_member.pk}},
        "api:activity-list": {
            "outsider": {w.activity_city_wide.pk},
            "member": {w.activity_branch_a.pk, w.activity_city_wide.pk},
            "secretary": {w.activity_branch_a.pk, w.activity_org_a.pk, w.activity_city_wide.pk},
            "other_secretary": {w.activity_org_b.pk, w.activity_city_wide.pk},
            "admin": {w.activity_branch_a.pk, w.activity_org_a.pk, w.activity_org_b.pk, w.activity_city_wide.pk}},
        # Compliance rows are the meeting organisations (branches) the persona manages.
        "api:compliance-list": {
            "outsider": FORBIDDEN, "member": FORBIDDEN, "secretary": {w.branch_a.pk},
            "other_secretary": {w.org_b.pk}, "admin": {w.branch_a.pk, w.org_b.pk}},
    }


LISTS = ["api:organisation-list", "api:member-list", "api:activity-list", "api:compliance-list"]


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_each_list_answers_each_persona_with_exactly_its_rows(world, call, name, persona):
    response = call(persona, "get", reverse(name))
    if persona in ("anonymous", "revoked"):
        assert response.status_code == UNAUTHENTICATED
        assert response["WWW-Authenticate"].startswith("Bearer")
        return
    expected = expected_lists(world)[name][persona]
    if isinstance(expected, int):
        assert response.status_code == expected
        assert "detail" in response.json()
    else:
        assert response.status_code == 200, response.content
        assert ids(response) == expected
        assert response.json()["count"] == len(expected)


def detail_cases(w) -> dict:
    """(URL name, object) → persona → status."""
    return {
        ("api:organisation-detail", w.branch_a): {"outsider": NOT_FOUND, "member": 200, "secretary": 200,
                                                  "other_secretary": NOT_FOUND, "admin": 200},
        ("api:organisation-detail", w.org_b): {"outsider": NOT_FOUND, "member": NOT_FOUND, "secretary": NOT_FOUND,
                                               "other_secretary": 200, "admin": 200},
        ("api:member-detail", w.member): {"outsider": NOT_FOUND, "member": 200, "secretary": 200,
                                          "other_secretary": NOT_FOUND, "admin": 200},
        ("api:member-detail", w.other_member): {"outsider": NOT_FOUND, "member": NOT_FOUND,
                                                "secretary": NOT_FOUND, "other_secretary": 200, "admin": 200},
        ("api:activity-detail", w.activity_branch_a): {"outsider": NOT_FOUND, "member": 200, "secretary": 200,
                                                       "other_secretary": NOT_FOUND, "admin": 200},
        ("api:activity-detail", w.activity_org_b): {"outsider": NOT_FOUND, "member": NOT_FOUND,
                                                    "secretary": NOT_FOUND, "other_secretary": 200, "admin": 200},
        ("api:activity-detail", w.activity_city_wide): {"outsider": 200, "member": 200, "secretary": 200,
                                                        "other_secretary": 200, "admin": 200},
    }


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_detail_answers_each_persona_as_its_page_does(world, call, persona):
    for (name, obj), statuses in detail_cases(world).items():
        response = call(persona, "get", reverse(name, args=[obj.pk]))
        expected = UNAUTHENTICATED if persona in ("anonymous", "revoked") else statuses[persona]
        assert response.status_code == expected, (name, obj, response.content)
        if expected == 200:
            assert response.json()["id"] == obj.pk


def test_an_activity_carries_its_attendance_counts(world, call):
    response = call("secretary", "get", reverse("api:activity-detail", args=[world.activity_branch_a.pk]))
    body = response.json()
    assert (body["expected"], body["present"], body["absent"], body["on_leave"]) == (2, 1, 1, 0)
    listed = {row["id"]: row for row in call("secretary", "get", reverse("api:activity-list")).json()["results"]}
    assert (listed[world.activity_branch_a.pk]["expected"], listed[world.activity_branch_a.pk]["present"]) == (2, 1)
    assert listed[world.activity_org_a.pk]["expected"] == 0


def test_filters_narrow_the_rows_within_the_callers_scope(world, call):
    def listed(url, **params):
        response = call("admin", "get", url, params)
        assert response.status_code == 200, response.content
        return ids(response)

    assert listed(reverse("api:member-list"), organisation=world.org_a.pk) == {world.member.pk, world.member_a2.pk,
                                                                               world.absent_member.pk}
    assert listed(reverse("api:organisation-list"), organisation=world.org_a.pk) == {world.org_a.pk,
                                                                                     world.branch_a.pk}
    assert listed(reverse("api:activity-list"), organisation=world.org_b.pk) == {world.activity_org_b.pk}
    assert listed(reverse("api:compliance-list"), organisation=world.org_a.pk) == {world.branch_a.pk}
    day = timezone.localtime(world.activity_org_b.planned_start).date()  # the API's dates are Beijing dates
    assert world.activity_org_b.pk in listed(reverse("api:activity-list"), date_from=day, date_until=day)
    assert listed(reverse("api:activity-list"), date_until=day.replace(year=day.year - 1)) == set()
    # A secretary filtering by another organisation learns nothing about it: no rows, not an error.
    response = call("secretary", "get", reverse("api:member-list"), {"organisation": world.org_b.pk})
    assert response.status_code == 200 and response.json()["results"] == []


def test_it_refuses_malformed_filters_with_a_chinese_reason(world, call):
    response = call("admin", "get", reverse("api:activity-list"), {"date_from": "昨天", "kind": "PARTY"})
    assert response.status_code == 400
    assert set(response.json()) == {"date_from", "kind"}
    response = call("admin", "get", reverse("api:activity-list"), {"date_from": "2026-05-02",
                                                                   "date_until": "2026-05-01"})
    assert response.status_code == 400 and "不能早于" in response.json()["date_until"][0]


def test_pages_are_bounded(world, call):
    MemberFactory.create_batch(5, organisation=world.branch_a)
    response = call("admin", "get", reverse("api:member-list"), {"page_size": 2, "page": 2})
    body = response.json()
    assert len(body["results"]) == 2 and body["count"] == 9 and body["next"] and body["previous"]
    response = call("admin", "get", reverse("api:member-list"), {"page_size": 100_000})
    assert len(response.json()["results"]) == 9  # capped at API_MAX_PAGE_SIZE, never the whole register unbounded
    assert call("admin", "get", reverse("api:member-list"), {"page": 99}).status_code == NOT_FOUND


def test_past_the_count_cap_the_count_says_so_and_next_still_leads_to_the_end(world, call, monkeypatch):
    import api.pagination

    monkeypatch.setattr(api.pagination._Paginator, "cap", 4)
    MemberFactory.create_batch(5, organisation=world.branch_a)  # nine members in all
    body = call("admin", "get", reverse("api:member-list"), {"page_size": 2}).json()
    assert body["count"] == 4 and body["count_capped"] is True
    seen, pages = [row["id"] for row in body["results"]], 1
    while body["next"]:
        body = call("admin", "get", body["next"]).json()
        seen += [row["id"] for row in body["results"]]
        pages += 1
    assert pages == 5 and len(seen) == len(set(seen)) == 9  # pages 3 to 5 lie past the capped count
    assert body["previous"] and body["count_capped"] is True
    small = call("admin", "get", reverse("api:organisation-list")).json()
    assert small["count"] == 4 and small["count_capped"] is False and small["next"] is None
    assert call("admin", "get", reverse("api:member-list"), {"page_size": 2, "page": 6}).status_code == NOT_FOUND
    assert call("admin", "get", reverse("api:member-list"), {"page": "last"}).status_code == NOT_FOUND


def test_an_id_that_cannot_exist_is_simply_not_found(world, call):
    for raw in ("0", "99999999999999999999999", "１２"):
        assert call("admin", "get", f"/api/members/{raw}/").status_code == NOT_FOUND


def test_a_call_with_a_token_of_a_disabled_account_is_refused(world, call):
    world.secretary.is_active = False
    world.secretary.save()
    assert call("secretary", "get", reverse("api:activity-list")).status_code == UNAUTHENTICATED


def test_a_malformed_or_unknown_token_is_refused(world, client):
    for header in ("Bearer", "Bearer jg_not-a-token", "Bearer abc def", "Bearer not-ours"):
        response = client.get(reverse("api:activity-list"), headers={"Authorization": header})
        assert response.status_code == UNAUTHENTICATED, header


def test_the_browser_session_works_like_the_token(world, client):
    client.force_login(world.secretary)
    response = client.get(reverse("api:member-list"))
    assert response.status_code == 200
    assert ids(response) == {world.member.pk, world.member_a2.pk, world.absent_member.pk}


def test_a_call_notes_when_its_token_was_last_used(world, call):
    from api.models import ApiToken

    call("secretary", "get", reverse("api:activity-list"))
    token = ApiToken.objects.get(user=world.secretary, revoked_at__isnull=True)
    assert token.last_used_at is not None
