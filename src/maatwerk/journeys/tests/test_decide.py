"""The decision maker's inbox and decide page: only requests addressed to their own
organisation, only what was shared, every read logged, every decision a journey event."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import capfirst

from maatwerk.audit.models import AccessLogEntry, Action
from maatwerk.cases.models import Case, HouseholdIdentity
from maatwerk.cases.plans import GoalInput, PlanContent, plan_save_version
from maatwerk.journeys.models import JourneyEvent, Request
from maatwerk.journeys.services import record_event, request_create
from maatwerk.register.models import LegalGround, Regulation
from maatwerk.testing.cases import make_case, make_cases
from maatwerk.testing.factories import OrganisationFactory, TeamFactory

pytestmark = pytest.mark.django_db

INBOX = reverse("journeys:inbox")
REQUESTS = '"journeys_request"'
NEEDED = "Kwijtschelding van de terugvordering zodat de schuldregeling blijft staan"
NAMES = "Sanne Jansen-Verhoeven"
GOAL = "Binnen drie maanden een vaste woonplek voor moeder en zoons"
PLAN_TITLE = "Plan voor rust in huis"
PERSPECTIVE = "Wij willen rust"  # the first perspective written by make_case(s)
EXCERPT = "Doel 1: de WW-uitkering loopt door tijdens de omscholing."
SVB_SUBJECT = "Kinderbijslag doorbetalen ondanks verhuizing naar het buitenland"


def today():
    return timezone.localdate()


@pytest.fixture
def world(make_user):
    team = TeamFactory(organisation=OrganisationFactory(name="Gemeente Zaanstad"))
    professional = make_user("professional", teams=[team])
    uwv = OrganisationFactory(name="UWV", type="national_agency", response_target_days=10)
    svb = OrganisationFactory(name="SVB", type="national_agency", response_target_days=10)
    case = make_case(team, professional)
    return SimpleNamespace(
        team=team,
        professional=professional,
        uwv=uwv,
        svb=svb,
        case=case,
        decider=make_user("decision_maker", organisation=uwv),
    )


def send(world, *, organisation=None, case=None, submit=True, subject="WW ondanks de regel", **f):
    fields = {"plan_excerpt": EXCERPT, "share_perspective": True, **f}
    req = request_create(
        request=None,
        user=world.professional,
        case=case or world.case,
        organisation=organisation or world.uwv,
        subject=subject,
        **fields,
    )
    if submit:
        record_event(request=None, user=world.professional, req=req, type="submitted", on=today())
    req.refresh_from_db()
    return req


def decide_url(req):
    return reverse("journeys:decide", args=[req.pk])


def inbox_pks(response):
    return [req.pk for req in response.context["page"].object_list]


# --- The inbox -------------------------------------------------------------------------


def test_inbox_lists_only_submitted_requests_to_the_own_organisation(client, login, world):
    mine = send(world)
    draft = send(world, submit=False, subject="Nog niet verstuurd")
    other = send(world, organisation=world.svb, subject=SVB_SUBJECT)
    login(world.decider)
    for show in ("", "?show=open", "?show=all"):
        response = client.get(INBOX + show)
        assert response.status_code == 200
        assert inbox_pks(response) == [mine.pk]
        content = response.content.decode()
        assert world.case.household.pseudonym in content and decide_url(mine) in content
        assert decide_url(draft) not in content and "Nog niet verstuurd" not in content
        assert decide_url(other) not in content and SVB_SUBJECT not in content
    # The other organisation's request and the draft are hidden on their own URL too.
    assert client.get(decide_url(other)).status_code == 404
    assert client.get(decide_url(draft)).status_code == 404


def test_inbox_shows_open_requests_overdue_first_then_by_due_date(client, login, world):
    cases = [make_case(world.team, world.professional) for _ in range(5)]
    later, late, flagged, asked, approved = (send(world, case=c) for c in cases)
    due = {
        later: (today() + timedelta(days=10), False),
        # Due today, not flagged: the whole due day is the organisation's, so not late yet
        # (one definition of overdue, journeys.workflow: the inbox no longer reads only
        # the scheduler's flag).
        late: (today(), False),
        flagged: (today() - timedelta(days=3), True),  # marked overdue by the scheduler
        asked: (today() + timedelta(days=2), False),
        approved: (today() - timedelta(days=5), True),  # decided: no longer overdue
    }
    # Set by hand, not by travelling: calendar-day due dates (a computed one is always a
    # working day) and flags as they stand between two scheduler runs.
    for req, (due_on, overdue) in due.items():
        Request.objects.filter(pk=req.pk).update(due_on=due_on, overdue=overdue)
    Request.objects.filter(pk=later.pk).update(escalation_level=2)
    record_event(
        request=None, user=world.decider, req=asked, type="information_requested", text="?"
    )
    record_event(request=None, user=world.decider, req=approved, type="approved", text="Ja")
    login(world.decider)

    response = client.get(INBOX)
    assert inbox_pks(response) == [flagged.pk, late.pk, asked.pk, later.pk]
    assert [r.late for r in response.context["page"].object_list] == [True, False, False, False]
    content = response.content.decode()
    assert content.count('data-testid="overdue"') == 1
    assert all(c.household.pseudonym in content for c in cases if c != approved.case)
    assert capfirst(late.get_kind_display()) in content

    response = client.get(INBOX + "?show=all")
    assert inbox_pks(response) == [flagged.pk, approved.pk, late.pk, asked.pk, later.pk]
    assert response.content.decode().count('data-testid="overdue"') == 1


def test_inbox_shows_the_rule_and_a_shortened_subject(client, login, world):
    regulation = Regulation.objects.get(code="ww")
    req = send(world, subject="Lang verzoek " * 40, regulation=regulation, rule_text="Art. 19")
    login(world.decider)
    content = client.get(INBOX).content.decode()
    assert str(regulation) in content and "Art. 19" in content
    assert req.subject.strip() not in content and "Lang verzoek Lang verzoek" in content


def test_inbox_is_paginated_and_its_query_count_does_not_grow(
    client, login, world, assert_queries, assert_constant_queries
):
    regulation = Regulation.objects.get(code="ww")

    def add_requests(count, start):
        """In bulk, cases and requests: a measurement with many rows."""
        Request.objects.bulk_create(
            Request(
                case=case,
                reference="R1",
                organisation=world.uwv,
                subject=f"Verzoek {i}",
                regulation=regulation,
                state=Request.State.WAITING,
                due_on=today() + timedelta(days=i % 7 - 3),
                created_by=world.professional,
            )
            for i, case in enumerate(make_cases(world.team, world.professional, count, start))
        )

    login(world.decider)
    add_requests(5, 1000)
    runs = assert_constant_queries(lambda: client.get(INBOX), grow=lambda: add_requests(55, 2000))
    few, many = runs.before, runs.after
    assert len(inbox_pks(few.result)) == 5
    assert len(inbox_pks(many.result)) == 25 and many.result.context["page"].paginator.count == 60
    # The requests themselves: one COUNT and one page, whatever the number of rows.
    many.assert_count(2, matching=lambda sql: sql.partition(" FROM ")[2].startswith(REQUESTS))
    with assert_queries(len(few), at_most=True):  # session, 2FA, nav, log included
        client.get(INBOX)
    assert len(inbox_pks(client.get(INBOX + "?page=3"))) == 10


def test_reading_the_inbox_writes_one_access_log_row(client, login, world):
    send(world)
    login(world.decider)
    before = AccessLogEntry.objects.count()
    client.get(INBOX)
    assert AccessLogEntry.objects.count() == before + 1
    entry = AccessLogEntry.objects.latest("id")
    assert entry.action == Action.SEARCH and entry.processing_activity == "case_work"
    assert entry.object_type == "journeys.request"
    assert entry.actor == world.decider


def test_inbox_is_only_for_decision_makers(client, login, world):
    login(world.professional)
    assert client.get(INBOX).status_code == 403
    client.logout()
    assert client.get(INBOX).status_code == 302  # to the login page


def test_navigation_shows_the_inbox_to_decision_makers_only(client, login, world):
    login(world.decider)
    urls = [item["url"] for item in client.get("/").context["main_nav"]]
    # The breakthrough tables: those the decision maker is invited to (meetings).
    assert urls == ["/", INBOX, "/meetings/", "/learning/", "/learning/precedents/", "/register/"]
    client.logout()
    login(world.professional)
    assert INBOX not in [item["url"] for item in client.get("/").context["main_nav"]]


# --- Who may open a request --------------------------------------------------------------


@pytest.mark.parametrize(
    "who",
    [
        "other_decision_maker",
        "decision_maker_without_organisation",
        "professional_of_another_team",
        "owning_professional",  # sees the case, but does not decide
        "coordinator",
        "budget_holder",
        "analyst",
        "admin",
    ],
)
def test_everyone_but_the_addressed_decision_maker_gets_404(client, login, make_user, world, who):
    req = send(world)
    user = {
        "other_decision_maker": lambda: make_user("decision_maker", organisation=world.svb),
        "decision_maker_without_organisation": lambda: make_user(
            "decision_maker", organisation=None
        ),
        "professional_of_another_team": lambda: make_user("professional", teams=[TeamFactory()]),
        "owning_professional": lambda: world.professional,
        "coordinator": lambda: make_user("coordinator"),
        "budget_holder": lambda: make_user("budget_holder"),
        "analyst": lambda: make_user("analyst"),
        "admin": lambda: make_user("admin"),
    }[who]()
    login(user, verified=True)
    assert client.get(decide_url(req)).status_code == 404
    response = client.post(decide_url(req), {"decision": "approved", "approved-text": "Ja"})
    assert response.status_code == 404
    assert not req.events.filter(type="approved").exists()
    assert Request.objects.get(pk=req.pk).state == Request.State.WAITING


def test_missing_permission_is_logged_as_a_refusal(client, login, make_user, world):
    req = send(world)
    login(make_user("coordinator"))
    assert client.get(decide_url(req)).status_code == 404
    assert AccessLogEntry.objects.filter(action=Action.PERMISSION_DENIED).count() == 1


# --- What the decision maker sees ----------------------------------------------------------


def test_decide_page_shows_only_what_was_shared(client, login, world):
    Case.objects.filter(pk=world.case.pk).update(needed=NEEDED)
    HouseholdIdentity.objects.create(household=world.case.household, names=NAMES, city="Zaandam")
    plan_save_version(
        request=None,
        user=world.professional,
        case=world.case,
        content=PlanContent(title=PLAN_TITLE, goals=[GoalInput(text=GOAL)]),
        plan=None,
        based_on=0,
    )
    other = send(world, organisation=world.svb, subject=SVB_SUBJECT)
    req = send(
        world,
        regulation=Regulation.objects.get(code="ww"),
        rule_text="Art. 19 lid 1",
        legal_ground=LegalGround.objects.get(code="awb-4-84"),
        extra_shared="Een verklaring van de huisarts",
        extra_legal_basis="Uitdrukkelijke toestemming",
        extra_household_agreed_on=today(),
    )
    login(world.decider)
    response = client.get(decide_url(req))
    assert response.status_code == 200
    content = response.content.decode()
    for shown in (
        world.case.household.pseudonym,
        req.reference,
        req.subject,
        PERSPECTIVE,
        EXCERPT,
        "Art. 19 lid 1",
        "Werkloosheidswet",
        LegalGround.objects.get(code="awb-4-84").title,
        "Een verklaring van de huisarts",
        "Uitdrukkelijke toestemming",
    ):
        assert escape(shown) in content, shown
    for hidden in (
        NEEDED,
        NAMES,
        "Zaandam",
        GOAL,
        PLAN_TITLE,
        SVB_SUBJECT,
        world.case.reference,
        decide_url(other),
        "/cases/",
    ):
        assert hidden not in content, hidden
    assert "case" not in response.context  # the template cannot reach the case file
    journey = [event.type for event in response.context["view"].events]
    assert journey == ["submitted"]


def test_unshared_perspective_is_not_shown(client, login, world):
    req = send(world, share_perspective=False)
    login(world.decider)
    response = client.get(decide_url(req))
    assert response.context["view"].perspective is None
    assert PERSPECTIVE not in response.content.decode()
    assert EXCERPT in response.content.decode()


def test_the_journey_so_far_is_listed(client, login, world):
    req = send(world)
    record_event(
        request=None,
        user=world.professional,
        req=req,
        type="refused",
        reason="precedent",
        text="Dat schept een precedent",
        on_behalf_of="Mevrouw De Vries, UWV (telefonisch)",
    )
    login(world.decider)
    response = client.get(decide_url(req))
    assert [e.type for e in response.context["view"].events] == ["submitted", "refused"]
    content = response.content.decode()
    assert "Dat schept een precedent" in content and "Mevrouw De Vries" in content


def test_reading_the_decide_page_writes_one_access_log_row(client, login, world):
    req = send(world)
    login(world.decider)
    before = AccessLogEntry.objects.count()
    client.get(decide_url(req))
    assert AccessLogEntry.objects.count() == before + 1
    entry = AccessLogEntry.objects.latest("id")
    assert entry.action == Action.READ and entry.actor == world.decider
    assert entry.household == world.case.household.pseudonym
    assert (entry.object_type, entry.object_id) == ("journeys.request", str(req.pk))


# --- Deciding -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("decision", "data", "state", "stored"),
    [
        (
            "approved",
            {"text": "WW vanaf 1 december, ondanks de omscholing"},
            "approved",
            {"text": "WW vanaf 1 december, ondanks de omscholing"},
        ),
        (
            "refused",
            {"reason": "not_allowed_by_law", "text": "Artikel 19 laat dit niet toe"},
            "refused",
            {"reason": "not_allowed_by_law", "text": "Artikel 19 laat dit niet toe"},
        ),
        (
            "information_requested",
            {"text": "Wanneer start de omscholing?"},
            "information_requested",
            {"text": "Wanneer start de omscholing?"},
        ),
        (
            "condition_added",
            {"text": "Mits beschermingsbewind"},
            "waiting",
            {"text": "Mits beschermingsbewind", "household_agrees": None},
        ),
        (
            "redirected",
            {
                "reason": "wrong_desk",
                "redirected_to": "UWV Werkbedrijf",
                "text": "Zij gaan over omscholing",
            },
            "redirected",
            {
                "reason": "wrong_desk",
                "redirected_to": "UWV Werkbedrijf",
                "redirected_to_organisation": None,
                "text": "Zij gaan over omscholing",
            },
        ),
    ],
)
def test_each_decision_is_recorded(client, login, world, decision, data, state, stored):
    req = send(world)
    login(world.decider)
    assert f'data-testid="decision-{decision}"' in client.get(decide_url(req)).content.decode()
    post = {"decision": decision, **{f"{decision}-{k}": v for k, v in data.items()}}
    response = client.post(decide_url(req), post)
    assert response.status_code == 302, response.context and [
        d["form"].errors for d in response.context["decisions"]
    ]
    assert response.url == decide_url(req)
    assert Request.objects.get(pk=req.pk).state == state
    event = req.events.get(type=decision)
    assert event.entered_by == world.decider and event.on == today()
    for name, value in stored.items():
        assert getattr(event, name) == value, name
    assert AccessLogEntry.objects.filter(
        action=Action.UPDATE, object_type="journeys.journeyevent", object_id=str(event.pk)
    ).exists()
    page = client.get(response.url)
    assert [str(m) for m in page.context["messages"]]  # the success message
    assert page.context["view"].events[-1].pk == event.pk


def test_refusal_needs_a_reason(client, login, world):
    req = send(world)
    login(world.decider)
    response = client.post(
        decide_url(req), {"decision": "refused", "refused-reason": "", "refused-text": "Nee"}
    )
    assert response.status_code == 200
    (failed,) = [d for d in response.context["decisions"] if d["open"]]
    assert failed["key"] == "refused" and "reason" in failed["form"].errors
    content = response.content.decode()
    assert 'role="alert"' in content and 'aria-invalid="true"' in content
    assert str(failed["form"].errors["reason"][0]) in content
    assert not req.events.filter(type="refused").exists()
    assert Request.objects.get(pk=req.pk).state == Request.State.WAITING


def test_approval_must_say_what_is_approved(client, login, world):
    req = send(world)
    login(world.decider)
    response = client.post(decide_url(req), {"decision": "approved", "approved-text": "  "})
    assert response.status_code == 200
    (failed,) = [d for d in response.context["decisions"] if d["open"]]
    assert "text" in failed["form"].errors
    assert Request.objects.get(pk=req.pk).state == Request.State.WAITING


def test_approving_a_withdrawn_request_shows_an_error_and_stores_nothing(client, login, world):
    req = send(world)
    login(world.decider)
    assert client.get(decide_url(req)).status_code == 200  # the page was open ...
    record_event(request=None, user=world.professional, req=req, type="withdrawn")  # ... then
    events = JourneyEvent.objects.count()
    response = client.post(decide_url(req), {"decision": "approved", "approved-text": "Ja"})
    assert response.status_code == 200
    (failed,) = [d for d in response.context["decisions"] if d["open"]]
    errors = failed["form"].non_field_errors()
    assert errors  # the service's "not possible while the request is withdrawn"
    content = response.content.decode()
    assert 'role="alert"' in content and escape(errors[0]) in content
    assert JourneyEvent.objects.count() == events
    assert Request.objects.get(pk=req.pk).state == Request.State.WITHDRAWN
    # Without a failed form, a withdrawn request offers no decisions at all.
    assert client.get(decide_url(req)).context["decisions"] == []


def test_decisions_offered_follow_the_state(client, login, world):
    req = send(world)
    login(world.decider)
    keys = [d["key"] for d in client.get(decide_url(req)).context["decisions"]]
    assert keys == ["approved", "refused", "information_requested", "condition_added", "redirected"]
    record_event(request=None, user=world.decider, req=req, type="approved", text="Ja")
    keys = [d["key"] for d in client.get(decide_url(req)).context["decisions"]]
    assert keys == ["condition_added"]


def test_an_unknown_decision_is_a_bad_request(client, login, world):
    req = send(world)
    login(world.decider)
    response = client.post(decide_url(req), {"decision": "escalated", "escalated-level": "4"})
    assert response.status_code == 400
    assert not req.events.exclude(type="submitted").exists()


# --- The journey is append-only -------------------------------------------------------------


def test_journey_events_cannot_be_changed_or_deleted_through_the_orm(world):
    req = send(world)
    event = req.events.get()
    event.text = "achteraf veranderd"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()
    with pytest.raises(ValueError):
        JourneyEvent.objects.update(text="achteraf veranderd")
    with pytest.raises(ValueError):
        JourneyEvent.objects.filter(pk=event.pk).update(text="achteraf veranderd")
    with pytest.raises(ValueError):
        JourneyEvent.objects.all().delete()
    with pytest.raises(ValueError):
        JourneyEvent.objects.filter(request=req).delete()
    assert JourneyEvent.objects.get(pk=event.pk).text == ""
