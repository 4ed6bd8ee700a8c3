import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from freezegun import freeze_time
from PIL import Image

from community import selectors
from community.models import CoBuildingAgreement, JointProject
from tests.community.factories import AgreementFactory
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "red").save(buffer, "JPEG")
    return SimpleUploadedFile("协议.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_a_secretary_registers_an_agreement_with_a_scan_and_a_project(city, login):
    client = login(city.secretary)
    response = client.post(reverse("community:agreement_create"), {
        "organisation": city.branch_a.pk, "community": "相山区东山社区", "signed_on": "2024-03-01", "scan": jpeg()})
    assert response.status_code == 302
    agreement = CoBuildingAgreement.objects.get()
    assert agreement.scan_content_type == "image/jpeg" and agreement.scan.name.startswith("cobuilding/")
    response = client.post(reverse("community:project_add", args=[agreement.pk]),
                           {"title": "关爱空巢老人", "year": 2024, "description": "每月上门一次"})
    assert response.status_code == 302 and JointProject.objects.filter(agreement=agreement).count() == 1
    scan = client.get(reverse("community:agreement_scan", args=[agreement.pk]))
    assert scan.status_code == 200 and scan["Content-Type"] == "image/jpeg"
    assert b"".join(scan.streaming_content)[:3] == b"\xff\xd8\xff"


def test_a_file_that_is_not_a_photo_or_pdf_is_refused(city, login):
    response = login(city.secretary).post(reverse("community:agreement_create"), {
        "organisation": city.branch_a.pk, "community": "东山社区", "signed_on": "2024-03-01",
        "scan": SimpleUploadedFile("协议.pdf", b"MZ not a pdf", content_type="application/pdf")})
    assert response.status_code == 200 and "不是照片或 PDF 文档" in response.content.decode()
    assert not CoBuildingAgreement.objects.exists()


def test_a_secretary_cannot_file_an_agreement_for_another_organisation(city, login):
    response = login(city.secretary).post(reverse("community:agreement_create"), {
        "organisation": city.org_b.pk, "community": "东山社区", "signed_on": "2024-03-01"})
    assert response.status_code == 200 and not CoBuildingAgreement.objects.exists()


def test_another_organisations_agreement_scan_is_not_found(city, login, tmp_path):
    client = login(city.secretary)
    client.post(reverse("community:agreement_create"), {
        "organisation": city.branch_a.pk, "community": "东山社区", "signed_on": "2024-03-01", "scan": jpeg()})
    agreement = CoBuildingAgreement.objects.get()
    for user in (city.other_secretary, city.member_user, city.outsider):
        assert login(user).get(reverse("community:agreement_scan", args=[agreement.pk])).status_code == 404


def test_the_admin_sees_how_many_affiliated_organisations_have_an_agreement(city, login):
    # Affiliated = children of the root: org A and org B (+ one more); branch A's agreement is not org A's.
    OrganisationFactory(parent=city.root)
    AgreementFactory(organisation=city.org_b)
    AgreementFactory(organisation=city.org_b)
    AgreementFactory(organisation=city.branch_a)
    coverage = selectors.agreement_coverage()
    assert (coverage.with_agreement, coverage.organisations) == (1, 3)
    page = login(city.admin).get(reverse("community:agreement_list")).content.decode()
    assert "1 / 3 个" in page


def test_the_admins_coverage_is_counted_every_five_minutes_and_says_when_a_secretarys_at_once(city, login):
    with freeze_time("2026-03-02 09:00:00+08:00") as clock:
        admin = login(city.admin)
        assert "0 / 2 个" in admin.get(reverse("community:agreement_list")).content.decode()
        AgreementFactory(organisation=city.org_a)
        page = admin.get(reverse("community:agreement_list")).content.decode()
        assert "0 / 2 个" in page and "全市数据统计于 09:00" in page  # kept, and the page says since when
        assert "1 / 2 个" in login(city.secretary).get(reverse("community:agreement_list")).content.decode()
        clock.tick(dt.timedelta(minutes=6))
        assert "1 / 2 个" in login(city.admin).get(reverse("community:agreement_list")).content.decode()


def test_a_secretary_lists_only_their_organisations_agreements(city, login):
    AgreementFactory(organisation=city.branch_a, community="甲的社区")
    AgreementFactory(organisation=city.org_b, community="乙的社区")
    page = login(city.secretary).get(reverse("community:agreement_list")).content.decode()
    assert "甲的社区" in page and "乙的社区" not in page


def test_the_list_counts_each_agreements_projects_for_the_page_shown(city, login):
    from tests.community.factories import ProjectFactory

    busy = AgreementFactory(organisation=city.branch_a, community="项目多的社区")
    ProjectFactory.create_batch(3, agreement=busy)
    AgreementFactory(organisation=city.org_b, community="没有项目的社区")
    response = login(city.admin).get(reverse("community:agreement_list"))
    counts = {agreement.community: agreement.project_count for agreement in response.context["page"]}
    assert counts == {"项目多的社区": 3, "没有项目的社区": 0}
    assert response.context["page"].paginator.count == 2  # agreements, not agreements × projects
