"""The doorbraaktafel's page needs a fixed number of queries, however many cases are on
its agenda (each with requests and minutes) and however many people are at the table
(issue 17); its one access-log row per case is appended in one statement."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from maatwerk.audit.models import AccessLogEntry
from maatwerk.journeys.models import EventType
from maatwerk.journeys.services import record_event, request_create
from maatwerk.meetings.services import agenda_add, attendee_add, meeting_create, minutes_add
from maatwerk.testing.cases import make_case
from maatwerk.testing.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def new_case(user, team):
    return make_case(team, user, on=timezone.localdate() - timedelta(days=90))


def add_case(user, team, meeting, organisation, case=None):
    """A case with a submitted request and minutes, put on the agenda (``case``: one
    that is on it already)."""
    on_agenda = case is not None
    case = case or new_case(user, team)
    req = request_create(
        request=None, user=user, case=case, organisation=organisation, subject="WW ondanks kdn"
    )
    on = timezone.localdate() - timedelta(days=30)
    record_event(request=None, user=user, req=req, type=EventType.SUBMITTED, on=on)
    if not on_agenda:
        agenda_add(request=None, user=user, meeting=meeting, case=case)
    minutes_add(request=None, user=user, meeting=meeting, case=case, text="UWV kijkt ernaar")
    return case


def test_meeting_page_query_count_does_not_grow(
    client, login, professional, outsider, teams, assert_constant_queries
):
    uwv = OrganisationFactory(name="UWV", type="national_agency")
    first = new_case(professional, teams[0])
    meeting = meeting_create(
        request=None,
        user=professional,
        team=teams[0],
        title="Tafel Oost",
        starts_at=timezone.now() - timedelta(days=1),
        location="Stadhuis",
        cases=[first],
        attendees=[],
    )
    add_case(professional, teams[0], meeting, uwv, case=first)
    attendee_add(request=None, user=professional, meeting=meeting, name="Anna", organisation=uwv)
    login(professional)
    url = reverse("meetings:meeting_detail", args=[meeting.pk])

    def grow():
        for n in range(4):
            add_case(professional, teams[0], meeting, OrganisationFactory(name=f"Dienst {n}"))
            attendee_add(
                request=None,
                user=professional,
                meeting=meeting,
                name=f"Deelnemer {n}",
                organisation=uwv,
            )

    runs = assert_constant_queries(lambda: client.get(url), grow)
    assert runs.before.result.status_code == runs.after.result.status_code == 200
    assert len(runs.after.result.context["entries"]) == 5
    # One read row per case on the agenda, as before: 1 + 5.
    reads = AccessLogEntry.objects.filter(detail=f"meeting {meeting.pk}", action="read")
    assert reads.count() == 6
