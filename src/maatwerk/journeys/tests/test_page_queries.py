"""The journey pages need a fixed number of queries, however many requests a case has
and however many steps a journey has (issue 17): the journey timeline of a case, the
professional's request page, and the decision maker's decide page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from maatwerk.journeys.models import EventType
from maatwerk.journeys.services import record_event, request_create
from maatwerk.testing.cases import make_case
from maatwerk.testing.factories import EscalationStepFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def ago(days):
    return timezone.localdate() - timedelta(days=days)


@pytest.fixture
def uwv(db):
    organisation = OrganisationFactory(name="UWV", type="national_agency", response_target_days=10)
    EscalationStepFactory(organisation=organisation, level=1, contact__name="Anna Contact")
    EscalationStepFactory(organisation=organisation, level=2, contact__name="Bert Manager")
    return organisation


@pytest.fixture
def case(teams, professional):
    return make_case(teams[0], professional, on=ago(200))


def add_request(user, case, organisation, steps: int):
    """A submitted request with ``steps`` rounds of information asked and given after
    it, each on a later day, and — for a few of them — a refusal at the end."""
    req = request_create(
        request=None, user=user, case=case, organisation=organisation, subject="WW ondanks kdn"
    )
    day = 150
    record_event(request=None, user=user, req=req, type=EventType.SUBMITTED, on=ago(day))
    for _ in range(steps):
        day -= 5
        record_event(
            request=None,
            user=user,
            req=req,
            type=EventType.INFORMATION_REQUESTED,
            on=ago(day),
            text="Graag de loonstroken",
        )
        day -= 2
        record_event(
            request=None, user=user, req=req, type=EventType.INFORMATION_PROVIDED, on=ago(day)
        )
    req.refresh_from_db()
    return req


def test_journey_timeline_query_count_does_not_grow(
    client, login, professional, case, uwv, assert_constant_queries
):
    others = [OrganisationFactory(name=f"Organisatie {n}") for n in range(3)]
    add_request(professional, case, uwv, steps=1)
    login(professional)
    url = reverse("journeys:timeline", args=[case.pk])

    def grow():
        for n, organisation in enumerate(others):
            add_request(professional, case, organisation, steps=n + 2)

    runs = assert_constant_queries(lambda: client.get(url), grow)
    assert runs.before.result.status_code == runs.after.result.status_code == 200
    assert len(runs.after.result.context["lanes"]) == 4


def test_request_page_query_count_does_not_grow(
    client, login, professional, case, uwv, assert_constant_queries
):
    req = add_request(professional, case, uwv, steps=1)
    login(professional)
    url = reverse("journeys:request_detail", args=[req.pk])

    def grow():
        on = ago(100)
        for _ in range(6):
            record_event(
                request=None,
                user=professional,
                req=req,
                type=EventType.INFORMATION_REQUESTED,
                on=on,
                text="Nog een bewijsstuk",
            )
            record_event(
                request=None,
                user=professional,
                req=req,
                type=EventType.INFORMATION_PROVIDED,
                on=on,
            )
        for organisation in (OrganisationFactory(), OrganisationFactory()):
            add_request(professional, case, organisation, steps=2)  # more lanes on the case

    runs = assert_constant_queries(lambda: client.get(url), grow)
    assert runs.before.result.status_code == runs.after.result.status_code == 200
    steps = [len(run.result.context["lane"].steps) for run in (runs.before, runs.after)]
    assert steps[1] == steps[0] + 12


def test_decide_page_query_count_does_not_grow(
    client, login, professional, make_user, case, uwv, assert_constant_queries
):
    req = add_request(professional, case, uwv, steps=1)
    decision_maker = make_user("decision_maker", organisation=uwv)
    login(decision_maker)
    url = reverse("journeys:decide", args=[req.pk])

    def grow():
        on = ago(100)
        for _ in range(5):
            record_event(
                request=None,
                user=professional,
                req=req,
                type=EventType.INFORMATION_REQUESTED,
                on=on,
                text="Nog een bewijsstuk",
            )
            record_event(
                request=None, user=professional, req=req, type=EventType.INFORMATION_PROVIDED, on=on
            )

    runs = assert_constant_queries(lambda: client.get(url), grow)
    assert runs.before.result.status_code == runs.after.result.status_code == 200
