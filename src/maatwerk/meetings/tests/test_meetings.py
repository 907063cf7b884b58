"""Breakthrough tables: warnings about who is at the table, decisions as journey
events, append-only minutes kept with the case, and access per team."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from maatwerk.audit.models import AccessLogEntry
from maatwerk.cases.models import Case
from maatwerk.journeys.models import EventType, JourneyEvent, Request
from maatwerk.journeys.services import record_event, request_create
from maatwerk.meetings.models import Meeting, Minutes
from maatwerk.meetings.services import decision_record, meeting_create
from maatwerk.testing.cases import make_case
from maatwerk.testing.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

FAMILY = "only people who know the family speak about it"


def ago(days):
    return timezone.localdate() - timedelta(days=days)


@pytest.fixture
def uwv(db):
    return OrganisationFactory(name="UWV", type="national_agency")


@pytest.fixture
def case(teams, professional):
    return make_case(teams[0], professional, on=ago(100))


@pytest.fixture
def req(case, professional, uwv):
    req = request_create(
        request=None, user=professional, case=case, organisation=uwv, subject="WW ondanks kdn"
    )
    record_event(request=None, user=professional, req=req, type=EventType.SUBMITTED, on=ago(10))
    req.refresh_from_db()
    return req


def plan(user, team, cases, *, days_from_now=-1, attendees=()):
    return meeting_create(
        request=None,
        user=user,
        team=team,
        title="Tafel Oost",
        starts_at=timezone.now() + timedelta(days=days_from_now),
        location="Stadhuis",
        cases=cases,
        attendees=list(attendees),
    )


def detail_url(meeting):
    return reverse("meetings:meeting_detail", args=[meeting.pk])


def test_warnings_for_missing_organisations_disappear_when_they_join(
    client, login, professional, teams, case, req, uwv
):
    meeting = plan(
        professional,
        teams[0],
        [case],
        attendees=[{"name": "Piet Buurman", "knows_household": False}],
    )
    login(professional)
    client.cookies["django_language"] = "en"  # the assertions use the English wording
    page = client.get(detail_url(meeting)).content.decode()
    assert "No one at the table represents UWV" in page
    assert "primary life domain" in page
    assert f"Piet Buurman has no relation to the household: {FAMILY}" in page

    url = detail_url(meeting)
    response = client.post(
        url,
        {
            "action": "attendee",
            "attendee-name": "Anna van UWV",
            "attendee-organisation": uwv.pk,
            "attendee-knows_household": "on",
        },
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "No one at the table represents UWV" not in page
    assert "primary life domain" in page
    assert "Anna van UWV has no relation" not in page

    municipality = OrganisationFactory(name="Gemeente Schuldhulp")
    municipality.life_domains.add(case.primary_domain)
    client.post(
        url,
        {
            "action": "attendee",
            "attendee-name": "Sara Schuldhulp",
            "attendee-organisation": municipality.pk,
            "attendee-knows_household": "on",
        },
    )
    page = client.get(url).content.decode()
    assert "primary life domain" not in page
    assert f"Piet Buurman has no relation to the household: {FAMILY}" in page


def test_decision_at_the_table_becomes_a_journey_event(
    client, login, professional, teams, case, req
):
    meeting = plan(professional, teams[0], [case])
    login(professional)
    prefix = f"decide-{req.pk}"
    response = client.post(
        detail_url(meeting),
        {"action": "decide", "request": req.pk, f"{prefix}-type": "refused"},
    )
    assert response.status_code == 200
    form = response.context["entries"][0].requests[0].decision_form
    assert "reason" in form.errors
    assert not JourneyEvent.objects.filter(request=req, type="refused").exists()

    response = client.post(
        detail_url(meeting),
        {
            "action": "decide",
            "request": req.pk,
            f"{prefix}-type": "approved",
            f"{prefix}-text": "WW-uitkering zonder kostendelersnorm",
        },
    )
    assert response.status_code == 302
    event = JourneyEvent.objects.get(request=req, type=EventType.APPROVED)
    assert event.on_behalf_of == "doorbraaktafel Tafel Oost"
    assert event.on == timezone.localtime(meeting.starts_at).date()
    assert event.entered_by == professional
    assert Request.objects.get(pk=req.pk).state == Request.State.APPROVED


def test_a_future_meeting_cannot_decide(client, login, professional, teams, case, req):
    meeting = plan(professional, teams[0], [case], days_from_now=3)
    with pytest.raises(ValidationError):
        decision_record(
            request=None, user=professional, meeting=meeting, req=req, type="approved", text="Ja"
        )
    login(professional)
    prefix = f"decide-{req.pk}"
    response = client.post(
        detail_url(meeting),
        {
            "action": "decide",
            "request": req.pk,
            f"{prefix}-type": "approved",
            f"{prefix}-text": "Ja",
        },
    )
    form = response.context["entries"][0].requests[0].decision_form
    assert form.non_field_errors()
    assert not JourneyEvent.objects.filter(request=req, type="approved").exists()


def test_minutes_are_append_only_and_kept_with_the_case(client, login, professional, teams, case):
    meeting = plan(professional, teams[0], [case])
    login(professional)
    response = client.post(
        detail_url(meeting),
        {"action": "minutes", "case": case.pk, f"minutes-{case.pk}-text": "UWV gaat kijken"},
    )
    assert response.status_code == 302
    row = Minutes.objects.get()
    with pytest.raises(ValueError):
        row.save()
    with pytest.raises(ValueError):
        row.delete()
    with pytest.raises(ValueError):
        Minutes.objects.update(text="anders")
    with pytest.raises(ValueError):
        Minutes.objects.all().delete()
    page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert "UWV gaat kijken" in page and "Tafel Oost" in page


def test_other_teams_get_404(client, login, professional, outsider, make_user, teams, case):
    meeting = plan(professional, teams[0], [case])
    login(outsider)
    assert client.get(detail_url(meeting)).status_code == 404
    response = client.post(
        detail_url(meeting),
        {"action": "minutes", "case": case.pk, f"minutes-{case.pk}-text": "x"},
    )
    assert response.status_code == 404
    assert "Tafel Oost" not in client.get(reverse("meetings:meeting_list")).content.decode()
    client.logout()
    login(make_user("decision_maker", teams=[teams[0]]))
    assert client.get(detail_url(meeting)).status_code == 404
    assert not Minutes.objects.exists()


def test_case_out_of_sight_shows_only_its_pseudonym(client, login, professional, teams, case, req):
    meeting = plan(professional, teams[0], [case])
    Case.objects.filter(pk=case.pk).update(team=teams[1])
    login(professional)
    page = client.get(detail_url(meeting)).content.decode()
    assert case.household.pseudonym in page
    assert "WW ondanks kdn" not in page and "R1 → UWV" not in page


def test_meeting_page_logs_one_read_per_case(client, login, professional, teams, case, req):
    other = make_case(teams[0], professional)
    meeting = plan(professional, teams[0], [case, other])
    login(professional)
    before = AccessLogEntry.objects.filter(detail=f"meeting {meeting.pk}").count()
    client.get(detail_url(meeting))
    rows = AccessLogEntry.objects.filter(detail=f"meeting {meeting.pk}", action="read")
    assert rows.count() - before == 2
    assert set(rows.values_list("household", flat=True)) == {
        case.household.pseudonym,
        other.household.pseudonym,
    }


def test_plan_a_meeting_and_bad_input(client, login, professional, outsider, teams, case, uwv):
    foreign = make_case(teams[1], outsider)
    login(professional)
    url = reverse("meetings:meeting_create")
    assert case.household.pseudonym in client.get(url).content.decode()
    base = {
        "date": ago(-7).isoformat(),
        "time": "10:00",
        "location": "Stadhuis",
        "attendee-TOTAL_FORMS": "2",
        "attendee-INITIAL_FORMS": "0",
        "attendee-0-name": "Anna",
        "attendee-0-organisation": uwv.pk,
        "attendee-0-knows_household": "on",
        "attendee-1-name": "",
    }
    response = client.post(url, {**base, "title": "", "cases": [foreign.pk]})
    assert response.status_code == 200
    form = response.context["form"]
    assert "title" in form.errors and "cases" in form.errors
    assert not Meeting.objects.exists()

    response = client.post(url, {**base, "title": "Tafel", "cases": [case.pk]})
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response.url == detail_url(meeting)
    assert meeting.team == teams[0] and meeting.organiser == professional
    assert list(meeting.cases.all()) == [case]
    assert [a.name for a in meeting.attendees.all()] == ["Anna"]
    assert "Tafel" in client.get(reverse("meetings:meeting_list")).content.decode()


def test_service_refuses_cases_the_organiser_cannot_see(professional, outsider, teams):
    foreign = make_case(teams[1], outsider)
    with pytest.raises(ValidationError) as error:
        plan(professional, teams[0], [foreign])
    assert "cases" in error.value.message_dict
    assert not Meeting.objects.exists()


def test_a_coordinator_without_a_team_runs_the_table_for_an_escalated_case(
    client, login, make_user, professional, case, req, uwv
):
    """The regievoerder runs the doorbraaktafel (docs/domain.md): a coordinator of the
    national desk, in no team, plans one for a case escalated to the national team,
    records minutes and a decision; only the organiser sees the meeting, the case's
    team sees the minutes and the decision with the case."""
    Request.objects.filter(pk=req.pk).update(escalation_level=4)
    coordinator = make_user("coordinator")
    other = make_user("coordinator")
    login(coordinator)
    response = client.get(reverse("meetings:meeting_create") + f"?case={case.pk}")
    assert response.status_code == 200
    meeting = plan(coordinator, None, [case])
    assert meeting.team is None
    assert client.get(detail_url(meeting)).status_code == 200
    decision_record(
        request=None,
        user=coordinator,
        meeting=meeting,
        req=req,
        type=EventType.APPROVED,
        text="WW zonder kostendelersnorm voor zes maanden",
    )
    req.refresh_from_db()
    assert req.state == Request.State.APPROVED
    client.logout()
    login(other)
    assert client.get(detail_url(meeting)).status_code == 404
    client.logout()
    login(professional)
    assert client.get(detail_url(meeting)).status_code == 404
    # The decision is a journey event of the case's request, for the case's team.
    page = client.get(reverse("journeys:request_detail", args=[req.pk])).content.decode()
    assert "WW zonder kostendelersnorm" in page


def test_a_team_member_plans_only_for_their_own_team(professional, teams, case):
    with pytest.raises(ValidationError) as caught:
        plan(professional, teams[1], [case])
    assert "__all__" in caught.value.message_dict
    with pytest.raises(ValidationError):
        plan(professional, None, [case])


def test_a_case_is_put_on_the_agenda_after_planning(
    client, login, professional, teams, case, outsider
):
    meeting = plan(professional, teams[0], [case])
    second = make_case(teams[0], professional)
    foreign = make_case(teams[1], outsider)
    login(professional)
    url = detail_url(meeting)
    response = client.post(url, {"action": "agenda", "agenda-case": second.pk})
    assert response.status_code == 302
    assert list(meeting.agenda.order_by("order").values_list("case_id", flat=True)) == [
        case.pk,
        second.pk,
    ]
    client.cookies["django_language"] = "en"
    # Another team's case is not offered and refused when posted; a double too.
    page = client.post(url, {"action": "agenda", "agenda-case": foreign.pk})
    assert page.status_code == 200 and "Select a valid choice" in page.content.decode()
    assert meeting.agenda.count() == 2


def test_the_coordinator_records_the_tables_decision_on_the_page(
    client, login, make_user, case, req
):
    Request.objects.filter(pk=req.pk).update(escalation_level=4)
    coordinator = make_user("coordinator")
    meeting = plan(coordinator, None, [case])
    login(coordinator)
    page = client.get(detail_url(meeting)).content.decode()
    assert 'name="action" value="decide"' in page
    response = client.post(
        detail_url(meeting),
        {
            "action": "decide",
            "request": req.pk,
            f"decide-{req.pk}-type": "approved",
            f"decide-{req.pk}-text": "Uitzondering toegestaan aan tafel",
        },
    )
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.state == Request.State.APPROVED


def test_the_demo_has_a_table_run_by_the_coordinator(client, login):
    from maatwerk.accounts.models import User
    from maatwerk.demo.load import create_demo_data

    create_demo_data()
    create_demo_data()
    (meeting,) = Meeting.objects.all()
    assert meeting.organiser.username == "coordinator" and meeting.team is None
    assert meeting.starts_at > timezone.now()
    login(User.objects.get(username="coordinator"))
    page = client.get(detail_url(meeting))
    assert page.status_code == 200
    assert meeting.agenda.get().case.household.pseudonym in page.content.decode()


@pytest.mark.parametrize("value", ["²", "99999999999999999999", "١"])
def test_odd_numbers_in_the_meeting_pages_are_no_500(
    client, login, professional, teams, case, req, value
):
    login(professional)
    url = reverse("meetings:meeting_create")
    assert client.get(url, {"case": value}).status_code == 200
    response = client.post(
        url,
        {"title": "Tafel", "date": ago(-7).isoformat(), "time": "10:00", "cases": [value],
         "attendee-TOTAL_FORMS": "0", "attendee-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert response.status_code == 200 and "cases" in response.context["form"].errors
    meeting = plan(professional, teams[0], [case])
    for action in ("agenda", "decision", "minutes"):
        response = client.post(
            detail_url(meeting), {"action": action, "case": value, "request": value}
        )
        assert response.status_code < 500
    assert Meeting.objects.count() == 1 and not Minutes.objects.exists()


@pytest.mark.parametrize(
    ("days", "ok"), [(-5 * 366, False), (-5 * 365 + 2, True), (2 * 365 - 2, True), (3 * 365, False)]
)
def test_a_meeting_date_lies_within_five_years_back_and_two_ahead(
    client, login, professional, case, days, ok
):
    login(professional)
    response = client.post(
        reverse("meetings:meeting_create"),
        {"title": "Tafel", "date": ago(-days).isoformat(), "time": "10:00", "cases": [case.pk],
         "attendee-TOTAL_FORMS": "0", "attendee-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert (response.status_code == 302) is ok
    if not ok:
        assert "date" in response.context["form"].errors
    assert Meeting.objects.exists() is ok
