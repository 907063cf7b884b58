"""Breakthrough tables: warnings about who is at the table, decisions as journey
events, append-only minutes kept with the case, and access per team."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from maatwerk.audit.models import AccessLogEntry
from maatwerk.cases.models import Case
from maatwerk.journeys.models import EventType, JourneyEvent, RefusalReason, Request
from maatwerk.journeys.services import record_event, request_create
from maatwerk.meetings.models import Meeting, Minutes
from maatwerk.meetings.services import decision_record, meeting_create
from maatwerk.testing.cases import make_case
from maatwerk.testing.factories import OrganisationFactory
from maatwerk.testing.queries import measure_queries, numbered

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
    login(make_user("budget_holder", teams=[teams[0]]))
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
    client, login, make_user, professional, outsider, case, req, uwv
):
    """The regievoerder runs the doorbraaktafel (docs/domain.md): a coordinator of the
    national desk, in no team, plans one for a case escalated to the national team,
    records minutes and a decision; the case's team sees the meeting (it is about
    their case) and the decision with the case; a professional of another team does
    not."""
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
    login(outsider)
    assert client.get(detail_url(meeting)).status_code == 404
    client.logout()
    # Another coordinator sees the escalated case, and so the table about it.
    login(other)
    assert client.get(detail_url(meeting)).status_code == 200
    client.logout()
    login(professional)
    assert client.get(detail_url(meeting)).status_code == 200
    assert meeting.title in client.get(reverse("meetings:meeting_list")).content.decode()
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


def test_the_decision_has_no_default(client, login, professional, teams, case, req):
    meeting = plan(professional, teams[0], [case])
    login(professional)
    page = client.get(detail_url(meeting))
    form = page.context["entries"][0].requests[0].decision_form
    assert form["type"].value() in (None, "")
    assert '<option value="" selected>' in str(form["type"])
    response = client.post(
        detail_url(meeting),
        {"action": "decide", "request": req.pk, f"decide-{req.pk}-text": "Iets"},
    )
    assert response.status_code == 200
    errors = response.context["entries"][0].requests[0].decision_form.errors
    assert errors["type"] == ["Kies het besluit van de tafel."]
    assert not JourneyEvent.objects.filter(request=req).exclude(type="submitted").exists()


def test_the_meeting_page_lists_the_decisions_taken(client, login, professional, teams, case, req):
    meeting = plan(professional, teams[0], [case])
    decision_record(
        request=None,
        user=professional,
        meeting=meeting,
        req=req,
        type=EventType.CONDITION_ADDED,
        text="Alleen met budgetcoaching",
    )
    decision_record(
        request=None,
        user=professional,
        meeting=meeting,
        req=req,
        type=EventType.APPROVED,
        text="WW zonder kostendelersnorm",
    )
    login(professional)
    page = client.get(detail_url(meeting))
    decisions = page.context["entries"][0].decisions
    assert [e.type for e in decisions] == [EventType.CONDITION_ADDED, EventType.APPROVED]
    html = page.content.decode()
    assert "Alleen met budgetcoaching" in html and "WW zonder kostendelersnorm" in html
    # Another meeting about the same case lists none of them.
    other = plan(professional, teams[0], [case])
    assert client.get(detail_url(other)).context["entries"][0].decisions == []


def test_a_decision_recorded_later_is_placed_by_the_meeting_day(
    client, login, professional, teams, case, req
):
    """Meeting three days ago; meanwhile the organisation asked for information (on the
    meeting day, logged first) and got it yesterday. The table's decision, recorded
    today, is dated on the meeting day and sits between those steps: by date, and on
    one date in the order recorded."""
    meeting = plan(professional, teams[0], [case], days_from_now=-3)
    meeting_day = timezone.localtime(meeting.starts_at).date()
    record_event(
        request=None,
        user=professional,
        req=req,
        type=EventType.INFORMATION_REQUESTED,
        on=meeting_day,
        text="Loonstroken",
    )
    record_event(
        request=None, user=professional, req=req, type=EventType.INFORMATION_PROVIDED, on=ago(1)
    )
    event = decision_record(
        request=None, user=professional, meeting=meeting, req=req, type="approved", text="Ja"
    )
    assert event.on == meeting_day
    order = [EventType.SUBMITTED, "information_requested", "approved", "information_provided"]
    assert list(req.events.values_list("type", flat=True)) == order
    assert Request.objects.get(pk=req.pk).state == Request.State.APPROVED
    login(professional)
    lanes = client.get(reverse("journeys:timeline", args=[case.pk])).context["lanes"]
    assert [step.event.type for step in lanes[0].steps] == order
    assert all(step.waited >= 0 for step in lanes[0].steps)
    # An ordinary step may still not be dated before the previous one.
    req.refresh_from_db()
    with pytest.raises(ValidationError):
        record_event(
            request=None, user=professional, req=req, type="condition_added", on=ago(2), text="x"
        )


def test_a_decision_maker_at_the_table_is_not_flagged(
    client, login, professional, teams, case, req, uwv, make_user
):
    decider = make_user("decision_maker", organisation=OrganisationFactory(name="SVB"))
    meeting = plan(
        professional,
        teams[0],
        [case],
        attendees=[
            {"name": "Anna van UWV", "organisation": uwv},  # UWV decides on the request
            {"user": decider},
            {"name": "Piet Buurman"},
        ],
    )
    login(professional)
    client.cookies["django_language"] = "en"
    warnings = client.get(detail_url(meeting)).context["attendee_warnings"]
    assert warnings == [f"Piet Buurman has no relation to the household: {FAMILY}."]


def test_the_case_team_sees_every_meeting_about_the_case(
    client, login, make_user, professional, colleague, outsider, teams, case, req
):
    Request.objects.filter(pk=req.pk).update(escalation_level=4)
    coordinator = make_user("coordinator")
    table = plan(coordinator, None, [case], days_from_now=5)
    own = plan(professional, teams[0], [case], days_from_now=-2)
    login(colleague)
    page = client.get(reverse("cases:case_detail", args=[case.pk]))
    assert [m.pk for m in page.context["meetings"]] == [table.pk, own.pk]
    assert detail_url(table) in page.content.decode()
    listing = client.get(reverse("meetings:meeting_list")).context
    assert [m.pk for m in listing["upcoming"]] == [table.pk]
    assert [m.pk for m in listing["past"]] == [own.pk]
    # The colleague may write minutes for their case at the coordinator's table, but
    # not change its attendees or agenda.
    response = client.get(detail_url(table))
    assert response.context["entries"][0].workable and not response.context["may_manage"]
    response = client.post(detail_url(table), {"action": "attendee", "attendee-name": "X"})
    assert response.status_code == 404
    assert not table.attendees.exists()
    client.logout()
    login(outsider)
    assert client.get(detail_url(table)).status_code == 404


def test_the_meeting_list_does_not_grow_with_the_meetings(
    client, login, professional, teams, case, assert_constant_queries
):
    login(professional)
    plan(professional, teams[0], [case])
    plan(professional, teams[0], [case], days_from_now=3)

    def grow():
        for days in (-5, -4, 6, 7):
            plan(
                professional,
                teams[0],
                [case, make_case(teams[0], professional)],
                days_from_now=days,
            )

    assert_constant_queries(lambda: client.get(reverse("meetings:meeting_list")), grow)
    assert_constant_queries(lambda: client.get(reverse("cases:case_detail", args=[case.pk])), grow)


def test_the_meeting_page_does_not_grow_with_its_agenda(
    client, login, professional, teams, case, req, uwv
):
    """Only the access log grows: one read row per agenda case, by design."""
    meeting = plan(professional, teams[0], [case], attendees=[{"name": "Piet"}])
    decision_record(
        request=None, user=professional, meeting=meeting, req=req, type="approved", text="Ja"
    )
    login(professional)

    def grow():
        for _ in range(3):
            other = make_case(teams[0], professional, on=ago(100))
            extra = request_create(
                request=None, user=professional, case=other, organisation=uwv, subject="x"
            )
            record_event(request=None, user=professional, req=extra, type="submitted", on=ago(5))
            meeting.agenda.create(case=other, order=meeting.agenda.count())
            extra.refresh_from_db()
            decision_record(
                request=None, user=professional, meeting=meeting, req=extra, type="refused",
                reason=RefusalReason.values[0], text="Nee",
            )  # fmt: skip
            meeting.attendees.create(name="Nog iemand")

    def page_queries():
        queries = measure_queries(lambda: client.get(detail_url(meeting)))
        logged = queries.matching('INSERT INTO "audit_accesslogentry"')
        rest = [
            sql
            for sql in queries.statements
            if not any(log in sql for log in ("audit_accesslogentry", "SAVEPOINT", "advisory"))
        ]
        return queries, logged, rest

    _queries, logged_before, before = page_queries()
    grow()
    queries, logged_after, after = page_queries()
    assert len(after) == len(before), numbered(after)
    # One append for every agenda case: a multi-row INSERT (audit.services.log_access_many).
    assert (len(logged_before), len(logged_after)) == (1, 1)
    assert len(queries.result.context["entries"]) == 4


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
