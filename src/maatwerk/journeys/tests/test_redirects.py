"""Redirects with a typed reason and a target from the register, forwarding a request
in one step, and escalation due dates with the target of the level escalated to."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from maatwerk.audit.models import AccessLogEntry, Action, Result
from maatwerk.journeys.calendar import add_working_days
from maatwerk.journeys.models import CounterArgument, EventType, JourneyEvent, Request
from maatwerk.journeys.services import record_event, request_create, request_forward
from maatwerk.journeys.workflow import BEYOND_ROUTE, proposed_level
from maatwerk.testing.cases import make_case
from maatwerk.testing.factories import (
    ContactFactory,
    EscalationStepFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def ago(days):
    return today() - timedelta(days=days)


@pytest.fixture
def uwv(db):
    uwv = OrganisationFactory(name="UWV", type="national_agency", response_target_days=10)
    national = OrganisationFactory(name="Landelijk Escalatieteam", response_target_days=5)
    EscalationStepFactory(organisation=uwv, level=1, contact__name="Anna Contact")
    EscalationStepFactory(organisation=uwv, level=2, contact__name="Bert Manager")
    EscalationStepFactory(
        organisation=uwv, level=3, contact__name="Carla Directeur", response_target_days=3
    )
    EscalationStepFactory(
        organisation=uwv, level=4, contact=ContactFactory(organisation=national, name="LET")
    )
    return uwv


@pytest.fixture
def svb(db):
    return OrganisationFactory(name="SVB", type="national_agency", response_target_days=15)


@pytest.fixture
def case(teams, professional):
    return make_case(teams[0], professional, on=ago(200))


@pytest.fixture
def decider(make_user, uwv):
    return make_user("decision_maker", organisation=uwv)


def sent(professional, case, organisation, on=None):
    req = request_create(
        request=None,
        user=professional,
        case=case,
        organisation=organisation,
        subject="WW-uitkering ondanks de kostendelersnorm",
        plan_excerpt="Rust in huis",
    )
    record_event(request=None, user=professional, req=req, type="submitted", on=on or ago(10))
    req.refresh_from_db()
    return req


def redirect_post(**fields):
    data = {"decision": "redirected"}
    data.update({f"redirected-{name}": value for name, value in fields.items()})
    return data


# --- The decision maker's redirect -------------------------------------------------


def test_a_redirect_has_a_typed_reason_and_a_target_from_the_register(
    client, login, professional, case, uwv, svb, decider
):
    req = sent(professional, case, uwv)
    login(decider)
    url = reverse("journeys:decide", args=[req.pk])
    form = client.get(url).context["decisions"][-1]["form"]
    assert uwv not in form.fields["organisation"].queryset  # not to itself
    response = client.post(url, redirect_post(reason="wrong_desk", organisation=svb.pk))
    assert response.status_code == 302
    event = req.events.get(type=EventType.REDIRECTED)
    assert (event.reason, event.redirected_to_organisation, event.redirected_to) == (
        "wrong_desk",
        svb,
        "SVB",
    )
    assert Request.objects.get(pk=req.pk).state == Request.State.REDIRECTED


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"organisation": "SVB-PK"}, "reason", "Kies de reden voor het doorverwijzen."),
        (
            {"reason": "wrong_desk"},
            "organisation",
            "Kies de organisatie uit het register, of noem het loket daarbuiten.",
        ),
        (
            {"reason": "wrong_desk", "redirected_to": "svb"},
            "redirected_to",
            "SVB staat in het register: kies die uit de lijst hierboven.",
        ),
        (
            {"reason": "who_pays", "organisation": "SVB-PK", "redirected_to": "Loket X"},
            "redirected_to",
            "Laat dit leeg: u koos een organisatie uit het register.",
        ),
        (
            {"reason": "wrong_desk", "organisation": "999999"},
            "organisation",
            "Kies een organisatie uit het register.",
        ),
        (
            {"reason": "not_allowed_by_law", "organisation": "SVB-PK"},
            "reason",
            None,  # not a reason for a redirect: Django's invalid choice, in Dutch
        ),
    ],
)
def test_a_bad_redirect_gets_dutch_field_errors_and_stores_nothing(
    client, login, professional, case, uwv, svb, decider, fields, field, message
):
    req = sent(professional, case, uwv)
    login(decider)
    fields = {k: (str(svb.pk) if v == "SVB-PK" else v) for k, v in fields.items()}
    response = client.post(reverse("journeys:decide", args=[req.pk]), redirect_post(**fields))
    assert response.status_code == 200
    form = next(d["form"] for d in response.context["decisions"] if d["key"] == "redirected")
    assert field in form.errors
    if message:
        assert form.errors[field] == [message]
    else:
        assert "geldige keuze" in form.errors[field][0]
    assert not req.events.filter(type=EventType.REDIRECTED).exists()
    assert Request.objects.get(pk=req.pk).state == Request.State.WAITING


def test_the_service_refuses_a_redirect_to_the_same_organisation_and_an_untyped_reason(
    professional, case, uwv
):
    req = sent(professional, case, uwv)
    with pytest.raises(ValidationError) as refused:
        record_event(
            request=None,
            user=professional,
            req=req,
            type="redirected",
            redirected_to_organisation=uwv,
            reason="precedent",
        )
    assert set(refused.value.message_dict) == {"redirected_to_organisation", "reason"}
    assert req.events.count() == 1


def test_a_redirect_shows_its_counter_arguments_and_the_forward_button(
    client, login, professional, case, uwv, svb
):
    req = sent(professional, case, uwv)
    record_event(
        request=None,
        user=professional,
        req=req,
        type="redirected",
        on=ago(2),
        reason="not_our_responsibility",
        redirected_to_organisation=svb,
        on_behalf_of="telefonisch, UWV",
    )
    login(professional)
    page = client.get(reverse("journeys:request_detail", args=[req.pk]))
    content = page.content.decode()
    arguments = CounterArgument.objects.filter(reason="not_our_responsibility", active=True)
    assert arguments.exists()  # seeded
    for argument in arguments:
        assert argument.text_nl in content
    assert page.context["may_forward"]
    assert reverse("journeys:request_forward", args=[req.pk]) in content
    assert "Doorsturen naar SVB" in content


# --- Forwarding ---------------------------------------------------------------------


def redirected_to_svb(professional, case, uwv, svb):
    req = sent(professional, case, uwv)
    record_event(
        request=None,
        user=professional,
        req=req,
        type="redirected",
        on=ago(2),
        reason="wrong_desk",
        redirected_to_organisation=svb,
    )
    return req


def test_forward_in_one_step_keeps_the_history_on_both(
    client, login, professional, case, uwv, svb, make_user
):
    old = redirected_to_svb(professional, case, uwv, svb)
    login(professional)
    url = reverse("journeys:request_forward", args=[old.pk])
    form = client.get(url).context["form"]
    assert form["organisation"].value() == svb.pk  # the target of the redirect
    assert form["subject"].value() == old.subject
    assert form["plan_excerpt"].value() == "Rust in huis"
    data = {
        "organisation": svb.pk,
        "kind": "exception",
        "subject": old.subject,
        "share_perspective": "on",
        "plan_excerpt": "Rust in huis",
        "send_now": "on",
    }
    response = client.post(url, data)
    new = Request.objects.get(forwarded_from=old)
    assert response.status_code == 302
    assert response.url == reverse("journeys:request_detail", args=[new.pk])
    assert (new.organisation, new.reference, new.state) == (svb, "R2", Request.State.WAITING)
    assert new.due_on == add_working_days(today(), 15) and new.due_days == 15
    old.refresh_from_db()
    assert old.state == Request.State.FORWARDED and not old.is_open
    forwarded = old.events.get(type=EventType.FORWARDED)
    assert (forwarded.forwarded_to, forwarded.redirected_to_organisation) == (new, svb)
    share = AccessLogEntry.objects.get(action=Action.SHARE, object_id=str(new.pk))
    assert "SVB" in share.detail

    old_page = client.get(reverse("journeys:request_detail", args=[old.pk])).content.decode()
    assert reverse("journeys:request_detail", args=[new.pk]) in old_page
    assert "voortgezet als verzoek R2" in old_page
    new_page = client.get(response.url).content.decode()
    assert 'data-testid="forwarded-from"' in new_page
    assert reverse("journeys:request_detail", args=[old.pk]) in new_page
    client.logout()
    # SVB's decision maker sees where it came from (the organisation, date and reason).
    login(make_user("decision_maker", organisation=svb))
    decide = client.get(reverse("journeys:decide", args=[new.pk])).content.decode()
    assert 'data-testid="redirected-by"' in decide and "UWV" in decide
    assert "verkeerd loket" in decide


def test_forward_errors_are_dutch_and_store_nothing(client, login, professional, case, uwv, svb):
    old = redirected_to_svb(professional, case, uwv, svb)
    login(professional)
    url = reverse("journeys:request_forward", args=[old.pk])
    response = client.post(url, {"organisation": uwv.pk, "kind": "exception", "subject": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["subject"] == ["Beschrijf wat u de organisatie vraagt."]
    response = client.post(url, {"organisation": uwv.pk, "kind": "exception", "subject": "x"})
    assert response.context["form"].errors["organisation"] == [
        "Stuur het verzoek door naar een andere organisatie dan UWV."
    ]
    assert Request.objects.count() == 1
    assert Request.objects.get(pk=old.pk).state == Request.State.REDIRECTED
    assert not old.events.filter(type=EventType.FORWARDED).exists()


def test_only_a_redirected_or_refused_request_can_be_forwarded(
    client, login, professional, case, uwv, svb
):
    req = sent(professional, case, uwv)
    with pytest.raises(ValidationError):
        request_forward(request=None, user=professional, req=req, organisation=svb, subject="x")
    login(professional)
    response = client.get(reverse("journeys:request_forward", args=[req.pk]))
    assert response.status_code == 302
    assert Request.objects.count() == 1


def test_another_team_and_a_decision_maker_cannot_forward(
    client, login, professional, outsider, case, uwv, svb, decider
):
    old = redirected_to_svb(professional, case, uwv, svb)
    url = reverse("journeys:request_forward", args=[old.pk])
    for user in (outsider, decider):
        login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"organisation": svb.pk, "subject": "x"}).status_code == 404
        client.logout()
    assert Request.objects.count() == 1
    refusals = AccessLogEntry.objects.filter(result=Result.DENIED, object_id=str(old.pk))
    assert refusals.count() == 4
    assert {row.household for row in refusals} == {case.household.pseudonym}


# --- Escalation: due dates and the next step ---------------------------------------


def escalate(professional, req, level, on):
    record_event(request=None, user=professional, req=req, type="escalated", level=level, on=on)
    req.refresh_from_db()
    return req


def test_the_due_date_after_an_escalation_uses_the_target_of_that_level(
    client, login, professional, case, uwv
):
    req = sent(professional, case, uwv, on=ago(30))
    assert (req.due_days, req.due_on) == (10, add_working_days(ago(30), 10))
    # Level 2 has no target of its own: its contact's organisation (UWV) counts.
    req = escalate(professional, req, 2, ago(20))
    assert (req.due_days, req.due_on) == (10, add_working_days(ago(20), 10))
    # Level 3 has its own target in the register.
    req = escalate(professional, req, 3, ago(15))
    assert (req.due_days, req.due_on) == (3, add_working_days(ago(15), 3))
    # Level 4: the national escalation team's own target.
    req = escalate(professional, req, 4, ago(5))
    assert (req.due_days, req.due_on) == (5, add_working_days(ago(5), 5))
    login(professional)
    page = client.get(reverse("journeys:request_detail", args=[req.pk]))
    basis = page.context["due_basis"]
    assert (basis.days, basis.level, basis.event.type) == (5, 4, EventType.ESCALATED)
    content = page.content.decode()
    assert 'data-testid="due-basis"' in content
    assert "5 werkdagen na" in content and "Landelijk Escalatieteam" in content


def test_information_provided_after_an_escalation_keeps_the_level_target(professional, case, uwv):
    req = escalate(professional, sent(professional, case, uwv, on=ago(30)), 3, ago(20))
    record_event(
        request=None,
        user=professional,
        req=req,
        type="information_requested",
        on=ago(18),
        text="Welke schulden?",
    )
    record_event(request=None, user=professional, req=req, type="information_provided", on=ago(4))
    req.refresh_from_db()
    assert (req.due_days, req.due_on) == (3, add_working_days(ago(4), 3))


def test_the_next_step_is_on_the_request_page(client, login, professional, case, uwv):
    req = sent(professional, case, uwv)
    login(professional)
    url = reverse("journeys:request_detail", args=[req.pk])
    page = client.get(url)
    assert page.context["next_step"].level == 1
    assert "Anna Contact" in page.content.decode()
    escalate(professional, req, 4, ago(1))
    page = client.get(url)
    assert page.context["next_step"].beyond_route
    content = page.content.decode()
    assert 'data-testid="next-step"' in content and "doorbraaktafel" in content
    assert proposed_level(4) == BEYOND_ROUTE and proposed_level(3) == 4


def test_the_request_page_query_count_does_not_grow_with_the_journey(
    client, login, professional, case, uwv, svb, assert_constant_queries
):
    old = redirected_to_svb(professional, case, uwv, svb)
    new = request_forward(request=None, user=professional, req=old, organisation=svb, subject="x")
    record_event(request=None, user=professional, req=new, type="submitted")
    login(professional)
    url = reverse("journeys:request_detail", args=[new.pk])

    def grow():
        for _ in range(3):
            record_event(
                request=None,
                user=professional,
                req=new,
                type="escalated",
                level=2,
                on_behalf_of="telefonisch",
            )
        JourneyEvent.objects.filter(request=new).count()

    assert_constant_queries(lambda: client.get(url), grow=grow)
