import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.urls import reverse
from PIL import Image

from honours.choices import Level, RatingStatus
from honours.models import Brand, StarRating
from tests.factories import MemberFactory
from tests.honours.factories import BrandFactory, CommendationFactory, StarRatingFactory, title

pytestmark = pytest.mark.django_db


def _png(name="brand.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_a_member_sees_only_their_own_commendations(city, client):
    own = CommendationFactory(member=city.member)
    CommendationFactory(member=MemberFactory(organisation=city.branch_a))
    CommendationFactory(member=None, organisation=city.branch_a, title=title("先进基层党组织"))
    client.force_login(city.member_user)
    assert list(client.get(reverse("honours:commendation_list")).context["page"]) == [own]


def test_a_secretary_sees_their_organisations_and_members_commendations_and_filters_them(city, client):
    member_honour = CommendationFactory(member=city.member, level=Level.CITY, year=2024)
    organisation_honour = CommendationFactory(member=None, organisation=city.branch_a, level=Level.PROVINCE,
                                              year=2023, title=title("先进基层党组织"))
    CommendationFactory(member=city.other_member)
    client.force_login(city.secretary)
    url = reverse("honours:commendation_list")
    assert set(client.get(url).context["page"]) == {member_honour, organisation_honour}
    assert list(client.get(url, {"level": Level.PROVINCE}).context["page"]) == [organisation_honour]
    assert list(client.get(url, {"year": 2024}).context["page"]) == [member_honour]
    assert list(client.get(url, {"title": title("先进基层党组织").pk}).context["page"]) == [organisation_honour]
    assert set(client.get(url, {"organisation": city.branch_a.pk}).context["page"]) == {member_honour,
                                                                                          organisation_honour}


def test_the_admin_records_a_commendation_with_a_certificate_served_privately(city, client):
    client.force_login(city.admin)
    response = client.post(reverse("honours:commendation_create"), {
        "title": title("优秀党务工作者").pk, "level": Level.PROVINCE, "year": 2024, "issuing_body": "中共安徽省委",
        "document_number": "皖组〔2024〕3号", "member": city.member.pk, "certificate": _png("证书.png")})
    assert response.status_code == 302
    commendation = city.member.commendations.get()
    response = client.get(reverse("honours:commendation_certificate", args=[commendation.pk]))
    assert response.status_code == 200 and response["Cache-Control"].startswith("private")
    assert response["Content-Type"] == "image/png"


def test_a_commendation_needs_exactly_one_subject_of_the_titles_kind(city, client):
    client.force_login(city.admin)
    response = client.post(reverse("honours:commendation_create"), {
        "title": title("优秀共产党员").pk, "level": Level.CITY, "year": 2024, "issuing_body": "市委",
        "organisation": city.branch_a.pk})
    assert "title" in response.context["form"].errors
    response = client.post(reverse("honours:commendation_create"), {
        "title": title("优秀共产党员").pk, "level": Level.CITY, "year": 2024, "issuing_body": "市委",
        "organisation": city.branch_a.pk, "member": city.member.pk})
    assert response.context["form"].non_field_errors()


def test_a_secretary_rates_their_members_and_the_admin_confirms(city, client):
    client.force_login(city.secretary)
    url = reverse("honours:star_ratings", args=[city.branch_a.pk]) + "?year=2024"
    prefix = f"m{city.member.pk}"
    response = client.post(url, {f"{prefix}-stars": 5, f"{prefix}-reason": "模范带头"})
    assert response.status_code == 302
    rating = StarRating.objects.get()
    assert (rating.member, rating.year, rating.stars, rating.status) == (city.member, 2024, 5,
                                                                         RatingStatus.SUBMITTED)
    confirm = reverse("honours:star_rating_confirm", args=[rating.pk])
    assert client.post(confirm).status_code == 403
    client.force_login(city.admin)
    client.post(confirm)
    rating.refresh_from_db()
    assert rating.status == RatingStatus.CONFIRMED and rating.confirmed_by == city.admin


def test_stars_need_a_reason_and_a_confirmed_rating_is_not_changed(city, client):
    client.force_login(city.secretary)
    url = reverse("honours:star_ratings", args=[city.branch_a.pk]) + "?year=2024"
    prefix = f"m{city.member.pk}"
    response = client.post(url, {f"{prefix}-stars": 4, f"{prefix}-reason": ""})
    assert response.status_code == 200 and not StarRating.objects.exists()
    rating = StarRatingFactory(member=city.member, year=2024, stars=3, status=RatingStatus.CONFIRMED)
    client.post(url, {f"{prefix}-stars": 5, f"{prefix}-reason": "改"})
    rating.refresh_from_db()
    assert rating.stars == 3


def test_another_secretary_cannot_rate_organisation_a(city, client):
    client.force_login(city.other_secretary)
    response = client.post(reverse("honours:star_ratings", args=[city.branch_a.pk]),
                           {f"m{city.member.pk}-stars": 5, f"m{city.member.pk}-reason": "x"})
    assert response.status_code == 404 and not StarRating.objects.exists()


def test_a_secretary_registers_a_brand_with_photos_and_everyone_sees_it(city, client):
    client.force_login(city.secretary)
    response = client.post(reverse("honours:brand_create"), {
        "organisation": city.branch_a.pk, "name": "红色引擎", "summary": "支部建在项目上", "story": "故事",
        "year": 2024, "photos": [_png(), _png("b.png")]})
    brand = Brand.objects.get()
    assert response.status_code == 302 and brand.photos.count() == 2
    client.force_login(city.other_secretary)
    assert "红色引擎" in client.get(reverse("honours:brand_gallery")).content.decode()
    photo = brand.photos.first()
    response = client.get(reverse("honours:brand_photo", args=[photo.pk]))
    assert response.status_code == 200 and response["Cache-Control"].startswith("private")
    assert client.get(reverse("honours:brand_edit", args=[brand.pk])).status_code == 403


def test_a_secretary_cannot_register_a_brand_for_another_organisation(city, client):
    client.force_login(city.secretary)
    response = client.post(reverse("honours:brand_create"), {
        "organisation": city.org_b.pk, "name": "冒名", "summary": "x", "year": 2024})
    assert "organisation" in response.context["form"].errors and not Brand.objects.exists()


def test_a_broken_photo_stores_no_brand(city, client):
    client.force_login(city.secretary)
    response = client.post(reverse("honours:brand_create"), {
        "organisation": city.branch_a.pk, "name": "坏图", "summary": "x", "year": 2024,
        "photos": [SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")]})
    assert response.status_code == 200 and not Brand.objects.exists()


def test_the_snippets_show_a_members_and_an_organisations_honours(city):
    CommendationFactory(member=city.member, title=title("五星党员"), year=2024)
    StarRatingFactory(member=city.member, year=2024, stars=4)
    CommendationFactory(member=None, organisation=city.branch_a, title=title("红旗党支部"))
    brand = BrandFactory(organisation=city.branch_a, name="初心驿站")
    from honours.selectors import member_honours

    member_html = render_to_string("honours/_member_honours.html", {"honours": member_honours(city.member)})
    assert "五星党员" in member_html and "★★★★☆" in member_html
    organisation_html = render_to_string("honours/_organisation_honours.html", {"organisation": city.branch_a})
    assert "红旗党支部" in organisation_html and brand.name in organisation_html


def test_a_red_flag_application_is_scored_against_the_years_criteria_and_confirmed_by_the_admin(city, client):
    from honours.models import RedFlagApplication, StarCriterion

    criteria = [StarCriterion.objects.create(year=2024, subject="ORGANISATION", name=name, points=25, source="方案",
                                             effective_from="2024-01-01") for name in ("组织生活规范", "阵地建设")]
    client.force_login(city.secretary)
    url = reverse("honours:red_flag", args=[city.branch_a.pk]) + "?year=2024"
    response = client.post(url, {"summary": "材料", f"c{criteria[0].pk}": 30, f"c{criteria[1].pk}": 20})
    assert response.status_code == 200 and not RedFlagApplication.objects.exists()  # 30 is over the 25 points
    client.post(url, {"summary": "材料", f"c{criteria[0].pk}": 25, f"c{criteria[1].pk}": 20})
    application = RedFlagApplication.objects.get()
    assert sum(application.scores.values_list("points", flat=True)) == 45
    confirm = reverse("honours:red_flag_confirm", args=[application.pk])
    assert client.post(confirm).status_code == 403
    client.force_login(city.admin)
    client.post(confirm)
    application.refresh_from_db()
    assert application.status == RatingStatus.CONFIRMED


def test_the_brand_gallery_is_kept_for_everyone_until_a_brand_a_photo_a_selection_or_a_name_changes(
        city, client, django_assert_max_num_queries):
    from honours.models import BrandPhoto
    from tests.honours.factories import EntryFactory, SelectionFactory

    brand = BrandFactory(organisation=city.branch_a, name="红色引擎", year=2024)
    url = reverse("honours:brand_gallery")
    client.force_login(city.secretary)
    assert "红色引擎" in client.get(url).content.decode()
    client.force_login(city.member_user)
    client.get(reverse("help"))  # (the member's session and account read once)
    with django_assert_max_num_queries(0):  # another user, the same gallery: nothing read but the kept page
        assert "红色引擎" in client.get(url).content.decode()
    BrandFactory(organisation=city.org_b, name="先锋港湾", year=2024)
    assert "先锋港湾" in client.get(url).content.decode()
    photo = BrandPhoto(brand=brand)
    photo.image.save("a.png", SimpleUploadedFile("a.png", _png().read()), save=False)
    photo.save()
    assert f'src="{reverse("honours:brand_photo", args=[photo.pk])}"' in client.get(url).content.decode()
    city.branch_a.short_name = "甲一支部"
    city.branch_a.save()
    assert "甲一支部" in client.get(url).content.decode()
    selection = SelectionFactory(year=2024)
    EntryFactory(selection=selection, brand=brand, rank=1)
    assert "2024十佳" not in client.get(url).content.decode()  # not decided yet
    selection.status = "DECIDED"
    selection.save()
    assert "2024十佳" in client.get(url).content.decode()
    assert "红色引擎" in client.get(url + "?year=2024&top=1").content.decode()


def test_a_gallery_query_other_than_a_filter_and_a_page_is_rendered_for_itself(city, client, monkeypatch):
    from honours.views import brands

    monkeypatch.setattr(brands, "BRANDS_PER_PAGE", 1)
    BrandFactory(organisation=city.branch_a, name="红色引擎", year=2024)
    BrandFactory(organisation=city.org_b, name="先锋港湾", year=2024)
    client.force_login(city.member_user)
    url = reverse("honours:brand_gallery") + "?year=2024"
    assert "from=note" not in client.get(url).content.decode()  # the plain page, kept
    assert "from=note" in client.get(url + "&from=note").content.decode()  # its own paging links
