"""Refused attempts on a breakthrough table are logged; a tampered form naming a case or
a request the user may not see is logged with that household's pseudonym."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from maatwerk.journeys.models import EventType
from maatwerk.journeys.services import record_event, request_create
from maatwerk.meetings.services import meeting_create
from maatwerk.testing.cases import make_cases
from maatwerk.testing.factories import OrganisationFactory
from maatwerk.testing.refusals import assert_refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(teams, professional):
    return make_cases(teams[0], professional, 1)[0]


@pytest.fixture
def meeting(professional, teams, case):
    return meeting_create(
        request=None,
        user=professional,
        team=teams[0],
        title="Tafel Oost",
        starts_at=timezone.now() - timedelta(days=1),
        location="Stadhuis",
        cases=[case],
        attendees=[],
    )


def test_another_team_is_refused_the_meeting_and_logged(client, login, outsider, meeting, case):
    login(outsider)
    url = reverse("meetings:meeting_detail", args=[meeting.pk])
    row = assert_refused(client, url, household="")
    assert (row.object_type, row.object_id) == ("meetings.meeting", str(meeting.pk))
    row = assert_refused(
        client,
        url,
        household="",
        method="post",
        data={"action": "minutes", "case": case.pk, f"minutes-{case.pk}-text": "x"},
    )
    assert row.object_type == "meetings.meeting"
    missing = reverse("meetings:meeting_detail", args=[999_999])
    assert "no such object" in assert_refused(client, missing, household="").detail


def test_minutes_for_a_case_out_of_sight_are_refused_and_logged(
    client, login, professional, make_user, teams, meeting
):
    (other,) = make_cases(teams[1], make_user("professional", teams=[teams[1]]), 1, start=1)
    uwv = OrganisationFactory(name="UWV", type="national_agency")
    owner = other.owner
    req = request_create(request=None, user=owner, case=other, organisation=uwv, subject="WW")
    record_event(
        request=None, user=owner, req=req, type=EventType.SUBMITTED, on=timezone.localdate()
    )
    login(professional)
    url = reverse("meetings:meeting_detail", args=[meeting.pk])
    row = assert_refused(
        client,
        url,
        household=other.household.pseudonym,
        method="post",
        data={"action": "minutes", "case": other.pk, f"minutes-{other.pk}-text": "x"},
    )
    assert (row.object_type, row.object_id) == ("cases.case", str(other.pk))
    row = assert_refused(
        client,
        url,
        household=other.household.pseudonym,
        method="post",
        data={"action": "decide", "request": req.pk},
    )
    assert (row.object_type, row.object_id) == ("journeys.request", str(req.pk))
