"""`manage.py seed_demo`: the demo city's shape, its rules and its logins."""

import datetime as dt
import random
from io import StringIO

import pytest
from dateutil.relativedelta import relativedelta
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, F, Q

from accounts.models import User
from branches.choices import OrganisationKind, Position, RoleKind
from branches.models import CommitteePosition, Organisation, PartyGroup, Role, Term, Unit
from members.choices import EmploymentStatus, Stage
from members.models import Member
from members.rules import member_date_errors
from members.validators import birth_date_from_id_number, validate_id_number

# The city itself: organisations, people, terms and logins. The later domains' demo data
# (--activity-years) has its own tests and would only slow these down.
CITY_ONLY = ["--activity-years", "0"]
SMALL = ["--orgs", "40", "--members", "1200", *CITY_ONLY]
PASSWORD = "demo-password-123"


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count()
            for model in (Unit, Organisation, Term, CommitteePosition, PartyGroup, Member, User, Role)}


def branches_with_counts():
    return Organisation.objects.filter(kind=OrganisationKind.BRANCH).annotate(
        active=Count("members", filter=Q(members__status="ACTIVE"), distinct=True),
        full=Count("members", filter=Q(members__status="ACTIVE", members__stage=Stage.FULL), distinct=True),
    )


@pytest.fixture(scope="class")
def city(django_db_setup, django_db_blocker):
    """The default city, built once for a test class and rolled back after it (like setUpTestData)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed(*CITY_ONLY)
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.usefixtures("city")
class TestTheDefaultCity:

    def test_it_puts_82_organisations_of_82_units_directly_under_the_working_committee(self):
        root = Organisation.objects.get(parent=None)
        top = Organisation.objects.filter(parent=root)

        assert root.kind == OrganisationKind.WORKING_COMMITTEE
        assert top.count() == 82
        assert top.values("unit").distinct().count() == 82
        assert Unit.objects.count() == 82
        assert set(top.values_list("kind", flat=True)) == {
            OrganisationKind.PARTY_COMMITTEE, OrganisationKind.GENERAL_BRANCH, OrganisationKind.BRANCH}

    def test_it_builds_about_300_organisations_and_9500_members(self):
        assert Organisation.objects.count() == 300
        assert Member.objects.count() == 9500
        assert Organisation.objects.filter(unit__name="市税务局", name="市税务局机关第三党支部").exists()

    def test_the_materialised_paths_match_the_tree(self):
        for organisation in Organisation.objects.all():
            assert (organisation.path, organisation.depth) == organisation.compute_path()

    def test_every_organisation_but_the_root_has_a_current_secretary(self):
        without = Organisation.objects.active().exclude(parent=None).exclude(
            pk__in=CommitteePosition.objects.current().filter(position=Position.SECRETARY).values("organisation"))

        assert list(without) == []

    def test_no_branch_has_over_50_members_or_under_3_full_members(self):
        branches = list(branches_with_counts())

        assert max(b.active for b in branches) <= 50
        assert min(b.full for b in branches) >= 3

    def test_branches_with_7_full_members_have_a_committee_and_smaller_ones_only_a_secretary(self):
        positions = dict(CommitteePosition.objects.current().values("organisation")
                         .annotate(n=Count("pk")).values_list("organisation", "n"))
        secretaries_only = set(CommitteePosition.objects.current().values("organisation").annotate(
            others=Count("pk", filter=~Q(position=Position.SECRETARY))).filter(others=0)
            .values_list("organisation", flat=True))

        for branch in branches_with_counts():
            if branch.full >= 7:
                assert 3 <= positions[branch.pk] <= 7, branch.name
            else:
                assert positions[branch.pk] == 1 and branch.pk in secretaries_only, branch.name

    def test_committee_members_are_full_members(self):
        assert not CommitteePosition.objects.exclude(member__stage=Stage.FULL).exists()

    def test_member_id_numbers_are_valid_and_carry_the_birth_date(self):
        pks = list(Member.objects.values_list("pk", flat=True))
        sample = Member.objects.filter(pk__in=random.Random(1).sample(pks, 500))

        for member in sample:
            validate_id_number(member.id_number)
            assert birth_date_from_id_number(member.id_number) == member.birth_date
            assert member_date_errors(member) == {}, member.name
        assert Member.objects.values("id_number").distinct().count() == 9500

    def test_members_are_mostly_full_serving_and_han(self):
        total = Member.objects.count()
        stages = dict(Member.objects.values("stage").annotate(n=Count("pk")).values_list("stage", "n"))
        retired = Member.objects.filter(employment_status=EmploymentStatus.RETIRED).count()

        assert stages[Stage.FULL] > 0.8 * total
        assert all(stages.get(stage, 0) > 0 for stage in Stage.values)
        assert 0.10 < retired / total < 0.20
        assert Member.objects.filter(ethnicity="汉族").count() > 0.9 * total

    def test_terms_are_mostly_current_with_a_few_due_and_overdue(self):
        today = dt.date.today()
        current = [o.current_term() for o in Organisation.objects.exclude(parent=None)]
        overdue = [t for t in current if t.ends_on < today]
        due = [t for t in current if today <= t.ends_on <= today + relativedelta(months=6)]

        assert None not in current
        assert not Term.objects.filter(organisation__parent=None).exists()
        assert 2 <= len(overdue) <= 3
        assert 3 <= len(due) <= 30
        for term in Term.objects.select_related("organisation"):
            years = 5 if term.organisation.kind == OrganisationKind.PARTY_COMMITTEE else 3
            assert term.ends_on == term.starts_on + relativedelta(years=years)

    def test_some_branches_have_party_groups_with_their_own_members(self):
        per_branch = PartyGroup.objects.values("organisation").annotate(n=Count("pk")).values_list("n", flat=True)

        assert per_branch and all(2 <= n <= 4 for n in per_branch)
        assert not Member.objects.exclude(party_group=None).exclude(
            party_group__organisation=F("organisation")).exists()
        assert not PartyGroup.objects.exclude(leader__organisation=F("organisation")).exists()

    def test_the_demo_admin_logs_in_as_a_superuser_with_the_admin_role(self):
        user = authenticate(username="admin", password=PASSWORD)

        assert user is not None and user.is_staff and user.is_superuser
        assert user.full_name == "工委管理员"
        assert list(user.roles.values_list("kind", "organisation")) == [(RoleKind.ADMIN, None)]

    def test_the_demo_secretary_runs_a_branch_of_about_30_and_is_its_secretary(self):
        user = authenticate(username="secretary", password=PASSWORD)
        role = user.roles.get()
        branch = role.organisation

        assert role.kind == RoleKind.SECRETARY and branch.kind == OrganisationKind.BRANCH
        assert 25 <= branch.members.count() <= 35
        assert user.member.organisation == branch and user.full_name == user.member.name
        assert CommitteePosition.objects.current().get(organisation=branch, position=Position.SECRETARY).member \
            == user.member

    def test_the_demo_member_is_a_plain_full_member_of_that_branch(self):
        user = authenticate(username="member", password=PASSWORD)
        secretary = User.objects.get(username="secretary")

        assert user.member.stage == Stage.FULL
        assert user.member.organisation == secretary.member.organisation
        assert user.full_name == user.member.name
        assert not user.roles.exists()
        assert not user.member.positions.exists()

    def test_every_organisations_secretary_has_a_login_with_that_role(self):
        for position in CommitteePosition.objects.filter(position=Position.SECRETARY).select_related("member__user"):
            user = position.member.user
            assert user is not None
            assert user.roles.filter(kind=RoleKind.SECRETARY, organisation=position.organisation_id).exists()
        assert authenticate(username=f"sec{Organisation.objects.filter(depth=1).first().pk}", password=PASSWORD)

    def test_it_prints_the_demo_logins(self, city):
        assert "演示账号" in city and "admin" in city and "secretary" in city and PASSWORD in city


@pytest.mark.django_db
def test_the_same_seed_builds_the_same_city():
    def snapshot():
        return (list(Organisation.objects.order_by("pk").values_list("name", "kind", "depth")),
                list(Member.objects.order_by("pk").values_list("name", "birth_date", "stage", "organisation__name")))

    before = transaction.savepoint()
    seed(*SMALL, "--seed", "7")
    first = snapshot()
    transaction.savepoint_rollback(before)
    assert not Organisation.objects.exists()

    seed(*SMALL, "--seed", "7")
    assert snapshot() == first
    assert Organisation.objects.count() == 40 and Member.objects.count() == 1200


@pytest.mark.django_db
def test_another_seed_builds_other_people():
    before = transaction.savepoint()
    seed(*SMALL, "--seed", "1")
    first = list(Member.objects.order_by("pk").values_list("name", flat=True))
    transaction.savepoint_rollback(before)

    seed(*SMALL, "--seed", "2")
    assert list(Member.objects.order_by("pk").values_list("name", flat=True)) != first


@pytest.mark.django_db
def test_if_empty_leaves_an_existing_database_untouched():
    seed(*SMALL)
    before = counts()

    output = seed("--if-empty")

    assert counts() == before
    assert "跳过" in output


@pytest.mark.django_db
def test_it_refuses_a_database_that_already_has_organisations():
    seed(*SMALL)
    before = counts()

    with pytest.raises(CommandError, match="已有党组织"):
        seed(*SMALL)
    assert counts() == before


@pytest.mark.django_db
def test_too_many_members_for_the_organisations_grows_the_city_instead_of_overfilling_branches():
    output = seed("--orgs", "20", "--members", "2000", *CITY_ONLY)

    assert Organisation.objects.count() > 20
    assert "调整" in output
    assert max(b.active for b in branches_with_counts()) <= 50
    assert Member.objects.count() == 2000


@pytest.mark.django_db
def test_scaling_up_adds_units_of_the_same_shape():
    seed("--orgs", "400", "--members", "4000", *CITY_ONLY)
    root = Organisation.objects.get(parent=None)

    assert Unit.objects.count() > 82
    assert Organisation.objects.filter(parent=root).count() == Unit.objects.count()
    assert Organisation.objects.count() == 400
    assert not Organisation.objects.exclude(parent=None).exclude(
        pk__in=CommitteePosition.objects.filter(position=Position.SECRETARY).values("organisation")).exists()


def test_no_organisation_name_repeats_a_word(db):
    """"市纪委监委机关" is an organ already: its branches are not "…机关机关第四党支部"."""
    from branches.models import Organisation

    seed(*SMALL)
    names = list(Organisation.objects.values_list("name", flat=True))
    assert any(name.startswith("市纪委监委机关") for name in names)
    assert [name for name in names if "机关机关" in name] == []
