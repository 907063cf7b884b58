"""Need-to-know of the bundles, for every role, on the queue and the bundle page; the
triage steps; help accepted opens a case with the facts, not the identifiers."""

from datetime import date

import pytest
from django.utils import timezone

from maatwerk.audit.models import AccessLogEntry
from maatwerk.cases.models import Case, HouseholdIdentity
from maatwerk.early_signals import services
from maatwerk.early_signals.models import Bundle
from maatwerk.early_signals.selectors import visible_bundles
from maatwerk.register.models import LifeDomain
from maatwerk.testing.cases import make_case
from maatwerk.testing.factories import TeamFactory

from .conftest import row

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user, creditor, team):
    LifeDomain.objects.get_or_create(code="finances", defaults={"name_nl": "Financiën"})
    LifeDomain.objects.get_or_create(code="housing", defaults={"name_nl": "Wonen"})
    other_team = TeamFactory(name="Wijkteam Oost")
    users = {
        "professional": make_user("professional", teams=[team]),
        "coordinator": make_user("coordinator", teams=[team]),
        "lead": make_user("budget_holder", teams=[team]),
        "other_team": make_user("professional", teams=[other_team]),
        "other_coordinator": make_user("coordinator"),
        "analyst": make_user("analyst", teams=[team]),
        "decision_maker": make_user("decision_maker", teams=[team]),
        "admin": make_user("admin"),
        "no_role": make_user(teams=[team]),
    }
    services.intake_signals(
        [row(), row(referentie="R-2", type="eviction_announced", bedrag="")],
        creditor=creditor,
        team=team,
        today=timezone.localdate(),
    )
    return users, Bundle.objects.get(), other_team


SEES = {"professional", "coordinator", "lead"}


@pytest.mark.parametrize(
    "who",
    [
        "professional",
        "coordinator",
        "lead",
        "other_team",
        "other_coordinator",
        "analyst",
        "decision_maker",
        "admin",
        "no_role",
    ],
)
def test_who_sees_a_bundle_on_the_queue_and_its_page(client, login, world, who):
    users, bundle, _other = world
    user = users[who]
    login(user, verified=who == "admin")
    queue = client.get("/signals/")
    page = client.get(f"/signals/bundles/{bundle.pk}/")
    if who in SEES:
        assert queue.status_code == 200 and bundle.reference in queue.content.decode()
        assert page.status_code == 200 and "van der Berg" in page.content.decode()
        entry = AccessLogEntry.objects.filter(actor=user, action="read").latest("id")
        assert entry.household == bundle.reference and "person and address" in entry.detail
    else:
        assert queue.status_code in (200, 403)
        if queue.status_code == 200:
            assert bundle.reference not in queue.content.decode()
        assert page.status_code in (403, 404)
        assert AccessLogEntry.objects.filter(actor=user, action="permission_denied").exists()
    assert visible_bundles(user).filter(pk=bundle.pk).exists() == (who in SEES)


def test_anonymous_is_sent_to_the_login(client, world):
    _users, bundle, _other = world
    assert client.get("/signals/").status_code == 302
    assert client.get(f"/signals/bundles/{bundle.pk}/").status_code == 302


def test_the_assigned_professional_of_another_team_sees_it(rf, client, login, world):
    users, bundle, _other = world
    outsider = users["other_team"]
    outsider.teams.add(bundle.team)  # assignable: a professional of the bundle's team
    request = rf.post("/")
    request.user = users["coordinator"]
    services.bundle_assign(
        request=request, user=users["coordinator"], bundle=bundle, assignee=outsider
    )
    outsider.teams.remove(bundle.team)
    assert visible_bundles(outsider).filter(pk=bundle.pk).exists()
    login(outsider)
    assert client.get(f"/signals/bundles/{bundle.pk}/").status_code == 200


def test_an_unknown_bundle_is_a_logged_404(client, login, world):
    users, _bundle, _other = world
    login(users["professional"])
    assert client.get("/signals/bundles/999999/").status_code == 404
    assert client.get("/signals/bundles/99999999999999999999999/").status_code == 404


def test_triage_from_assignment_to_an_accepted_offer_and_a_new_case(client, login, world):
    users, bundle, _other = world
    login(users["coordinator"])
    response = client.post(
        f"/signals/bundles/{bundle.pk}/",
        {"action": "assign", "assigned_to": users["professional"].pk},
    )
    assert response.status_code == 302
    bundle.refresh_from_db()
    assert bundle.assigned_to == users["professional"]
    client.logout()
    login(users["professional"])
    today = timezone.localdate()
    response = client.post(
        f"/signals/bundles/{bundle.pk}/",
        {"action": "attempt", "kind": "phone", "on": today.isoformat(), "result": "reached"},
    )
    assert response.status_code == 302
    bundle.refresh_from_db()
    assert bundle.first_contact_on == today and bundle.status == "contacted"
    response = client.post(
        f"/signals/bundles/{bundle.pk}/",
        {
            "action": "open_case",
            "team": bundle.team.pk,
            "perspective": "Wij willen de huur weer kunnen betalen.",
            "composition": "single",
            "adults": 1,
            "children": 0,
            "copy_identity": "on",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    bundle.refresh_from_db()
    assert bundle.outcome == "help_accepted" and bundle.case == case and bundle.status == "closed"
    assert "huurachterstand" in case.needed or "rent arrears" in case.needed
    assert "Berg" not in case.needed and "1234" not in case.needed and "R-1" not in case.needed
    assert {d.code for d in case.life_domains.all()} == {"finances", "housing"}
    identity = HouseholdIdentity.objects.get(household=case.household)
    assert identity.names == "Jan van der Berg" and identity.postcode == "1234 AB"
    assert identity.date_of_birth is None  # not what the case needs
    # The case page shows the bundle to the case's team.
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert bundle.reference in page


def test_the_case_team_sees_the_bundle_but_not_its_person_details(client, login, world):
    users, bundle, other_team = world
    case_owner = users["other_team"]
    case = make_case(other_team, case_owner)
    Bundle.objects.filter(pk=bundle.pk).update(case=case)
    login(case_owner)
    page = client.get(f"/signals/bundles/{bundle.pk}/")
    assert page.status_code == 200
    assert "van der Berg" not in page.content.decode()
    # Not in the queue of work, and no change.
    assert bundle.reference not in client.get("/signals/").content.decode()
    response = client.post(
        f"/signals/bundles/{bundle.pk}/",
        {"action": "outcome", "outcome": "declined", "on": date.today().isoformat()},
    )
    assert response.status_code == 404


def test_bad_triage_input_gives_field_errors_and_stores_nothing(client, login, world):
    users, bundle, _other = world
    login(users["professional"])
    response = client.post(
        f"/signals/bundles/{bundle.pk}/",
        {"action": "attempt", "kind": "letter", "on": "2100-01-01", "result": "reached"},
    )
    assert response.status_code == 200
    assert response.context["attempt_form"].errors
    assert not bundle.attempts.exists()


def test_the_creditor_feedback_shows_only_its_own_signals_and_their_status(
    client, login, world, energy
):
    users, bundle, _other = world
    services.intake_signals(
        [row(referentie="E-1", type="gas")],
        creditor=energy,
        team=bundle.team,
        today=timezone.localdate(),
    )
    Bundle.objects.filter(pk=bundle.pk).update(
        status="closed", outcome="declined", outcome_on=timezone.localdate()
    )
    login(users["coordinator"])
    response = client.get(f"/signals/feedback/{bundle.signals.first().creditor_id}.csv")
    lines = response.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0] == "referentie;signaaldatum;status;sinds"
    assert [line.split(";")[:3] for line in lines[1:]] == [
        ["R-1", "2027-02-20", "afgesloten"],
        ["R-2", "2027-02-20", "afgesloten"],
    ]
    content = response.content.decode()
    assert "E-1" not in content and "declined" not in content and "Berg" not in content
    assert AccessLogEntry.objects.filter(actor=users["coordinator"], action="share").exists()
    login(users["professional"])
    assert client.get(f"/signals/feedback/{energy.pk}.csv").status_code == 403
