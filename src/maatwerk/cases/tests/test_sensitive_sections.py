"""The sensitive sections of a case (health, safety and domestic violence, justice: the
sensitive life domains, the safety concern, the plan's safety text) only for those who
need them (issue 10): the case's team; coordinators only after escalation to the
national team; decision makers only what was shared with them explicitly; never
through an emergency access; never analysts, who see no case at all."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from maatwerk.cases.models import EmergencyAccess
from maatwerk.cases.selectors import SENSITIVE_DOMAINS, may_see_sensitive, visible_cases
from maatwerk.cases.services import emergency_access_open
from maatwerk.journeys.models import Request
from maatwerk.journeys.selectors import share_digest
from maatwerk.journeys.services import record_event, request_create
from maatwerk.register.models import LifeDomain
from maatwerk.testing.cases import SENSITIVE_SAFETY_TEXT, make_sensitive_case
from maatwerk.testing.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

REASON = "De regisseur is onbereikbaar en er is vandaag een zitting over de ontruiming."


@pytest.fixture
def case(professional, teams):
    return make_sensitive_case(teams[0], professional)


def domain_name(code):
    return LifeDomain.objects.get(code=code).name_nl


def sensitive_markers():
    return {
        "mental health": escape(domain_name("mental_health")),
        "safety domain": escape(domain_name("safety")),
        "safety concern": 'data-testid="safety-concern"',
        "plan safety text": escape(SENSITIVE_SAFETY_TEXT),
    }


def pages(client, case):
    plan = case.plans.get()
    return {
        "case page": client.get(reverse("cases:case_detail", args=[case.pk])),
        "plan page": client.get(reverse("cases:plan_detail", args=[case.pk, plan.pk])),
        "timeline": client.get(reverse("journeys:timeline", args=[case.pk])),
    }


def assert_sensitive_shown(client, case, shown: bool):
    for name, response in pages(client, case).items():
        assert response.status_code == 200, name
        content = response.content.decode()
        assert escape(domain_name("finances")) in content or name != "case page"
        for what, marker in sensitive_markers().items():
            if what == "plan safety text" and name != "plan page":
                continue
            if what in ("mental health",) and name != "case page":
                continue
            assert (marker in content) is shown, (name, what)


def escalate(case, level):
    req = request_create(
        request=None, user=case.owner, case=case, organisation=OrganisationFactory(), subject="x"
    )
    # A safety case: the professional confirmed the preview of what is shared.
    record_event(
        request=None,
        user=case.owner,
        req=req,
        type="submitted",
        share_confirmed=share_digest(req),
    )
    record_event(request=None, user=case.owner, req=req, type="escalated", level=level)
    return Request.objects.get(pk=req.pk)


def test_the_sensitive_domains_are_health_safety_and_justice():
    assert {
        "physical_health",
        "mental_health",
        "addiction",
        "safety",
        "justice",
    } == SENSITIVE_DOMAINS
    assert set(LifeDomain.objects.values_list("code", flat=True)) >= SENSITIVE_DOMAINS


def test_the_team_sees_the_sensitive_sections(client, login, professional, colleague, case):
    for member in (professional, colleague):
        login(member)
        assert may_see_sensitive(member, case)
        assert_sensitive_shown(client, case, True)


def test_coordinators_see_them_only_after_escalation(client, login, make_user, case):
    coordinator = make_user("coordinator")
    login(coordinator)
    assert client.get(reverse("cases:case_detail", args=[case.pk])).status_code == 404
    emergency_access_open(
        request=None, user=coordinator, query=case.household.pseudonym, reason=REASON
    )
    assert not may_see_sensitive(coordinator, case)
    assert_sensitive_shown(client, case, False)
    escalate(case, 2)  # regional: not yet the national team
    assert not may_see_sensitive(coordinator, case)
    assert_sensitive_shown(client, case, False)
    escalate(case, 4)
    assert may_see_sensitive(coordinator, case)
    assert_sensitive_shown(client, case, True)


def test_an_admin_through_an_emergency_access_never_sees_them(client, login, make_user, case):
    admin = make_user("admin")
    login(admin, verified=True)
    emergency_access_open(request=None, user=admin, query=case.reference, reason=REASON)
    assert list(visible_cases(admin)) == [case]
    assert not may_see_sensitive(admin, case)
    assert_sensitive_shown(client, case, False)
    escalate(case, 4)  # escalation is for coordinators, not for functional management
    assert not may_see_sensitive(admin, case)
    assert_sensitive_shown(client, case, False)


def test_the_case_list_hides_them_and_their_filter(client, login, make_user, professional, case):
    login(professional)
    listed = client.get(reverse("cases:case_list"), {"domain": "safety"})
    assert listed.context["page"].paginator.count == 1
    assert escape(domain_name("safety")) in listed.content.decode()
    client.logout()
    coordinator = make_user("coordinator")
    emergency_access_open(request=None, user=coordinator, query=case.reference, reason=REASON)
    login(coordinator)
    listed = client.get(reverse("cases:case_list"))
    assert [c.pk for c in listed.context["page"].object_list] == [case.pk]
    rows = listed.content.decode().split("<tbody", 1)[1]
    assert escape(domain_name("finances")) in rows
    assert escape(domain_name("safety")) not in rows
    assert escape(domain_name("mental_health")) not in rows
    assert "Zorgen over de veiligheid" not in rows and "Safety concern" not in rows
    for code in ("safety", "mental_health"):
        filtered = client.get(reverse("cases:case_list"), {"domain": code})
        assert filtered.context["page"].paginator.count == 0, code
    assert (
        client.get(reverse("cases:case_list"), {"domain": "finances"})
        .context["page"]
        .paginator.count
        == 1
    )


@pytest.mark.parametrize("role", ["analyst", "budget_holder", "decision_maker", "privacy_officer"])
def test_roles_without_case_access_see_no_case(client, login, make_user, case, role):
    user = make_user(role)
    # Not even a stray emergency-access row gives them the case: it needs break_glass.
    EmergencyAccess.objects.create(
        user=user,
        case=case,
        reason=REASON,
        started_at=timezone.now(),
        expires_at=timezone.now() + timedelta(hours=1),
    )
    assert list(visible_cases(user)) == []
    assert not may_see_sensitive(user, case)
    login(user, verified=True)
    plan = case.plans.get()
    for url in (
        reverse("cases:case_detail", args=[case.pk]),
        reverse("cases:plan_detail", args=[case.pk, plan.pk]),
        reverse("cases:plan_pdf", args=[case.pk, plan.pk]),
        reverse("journeys:timeline", args=[case.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.get(reverse("cases:case_list")).status_code == 403


def test_decision_makers_see_them_only_when_shared_explicitly(client, login, make_user, case):
    uwv = OrganisationFactory(name="UWV", type="national_agency")
    decider = make_user("decision_maker", organisation=uwv)
    plain = request_create(
        request=None, user=case.owner, case=case, organisation=uwv, subject="WW doorbetalen"
    )
    shared = request_create(
        request=None,
        user=case.owner,
        case=case,
        organisation=uwv,
        subject="Uitstel van de terugvordering",
        extra_shared=f"Veiligheid: {SENSITIVE_SAFETY_TEXT}",
        extra_legal_basis="Uitdrukkelijke toestemming van moeder",
        extra_household_agreed_on=timezone.localdate(),
    )
    for req in (plain, shared):
        record_event(
            request=None,
            user=case.owner,
            req=req,
            type="submitted",
            share_confirmed=share_digest(req),
        )
    assert not may_see_sensitive(decider, case)
    login(decider)
    assert client.get(reverse("cases:case_detail", args=[case.pk])).status_code == 404
    inbox = client.get(reverse("journeys:inbox")).content.decode()
    content = {
        req: client.get(reverse("journeys:decide", args=[req.pk])).content.decode()
        for req in (plain, shared)
    }
    for page in (inbox, content[plain]):
        for what, marker in sensitive_markers().items():
            assert marker not in page, what
        assert escape(domain_name("finances")) not in page  # no section of the case at all
    # What the household agreed to share explicitly, with its legal basis, is shown.
    assert escape(SENSITIVE_SAFETY_TEXT) in content[shared]
    for what in ("mental health", "safety domain", "safety concern"):
        assert sensitive_markers()[what] not in content[shared], what
