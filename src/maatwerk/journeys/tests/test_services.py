from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from maatwerk.audit.models import AccessLogEntry, Action
from maatwerk.cases.models import Case
from maatwerk.journeys.calendar import add_working_days
from maatwerk.journeys.models import JourneyEvent, Request
from maatwerk.journeys.selectors import visible_requests
from maatwerk.journeys.services import record_event, request_create
from maatwerk.testing.cases import make_case
from maatwerk.testing.factories import OrganisationFactory, TeamFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 16)  # a Monday


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(date(2026, 11, 26), tick=False):
        yield


@pytest.fixture
def setting(make_user):
    team = TeamFactory(organisation=OrganisationFactory(name="Gemeente Zaanstad"))
    professional = make_user("professional", teams=[team])
    uwv = OrganisationFactory(name="UWV", type="national_agency", response_target_days=10)
    case = make_case(team, professional, on=date(2026, 10, 1))
    return professional, uwv, case


def new_request(setting, **fields):
    professional, uwv, case = setting
    return request_create(
        request=None, user=professional, case=case, organisation=uwv, subject="WW ondanks", **fields
    )


def event(setting, req, type, on=TODAY, **fields):
    return record_event(request=None, user=setting[0], req=req, type=type, on=on, **fields)


def test_submit_sets_due_date_in_working_days_and_moves_the_case(setting):
    req = new_request(setting)
    assert req.reference == "R1" and req.state == "draft"
    event(setting, req, "submitted")
    req.refresh_from_db()
    assert req.state == "waiting"
    assert req.due_on == add_working_days(TODAY, 10) == date(2026, 11, 30)
    assert req.first_submitted_on == TODAY
    assert req.case.status == Case.Status.JOURNEY
    share = AccessLogEntry.objects.get(action=Action.SHARE)
    assert share.household == req.case.household.pseudonym and "UWV" in share.detail


def test_full_journey_and_states(setting):
    req = new_request(setting)
    steps = [
        ("submitted", {}, "waiting"),
        ("refused", {"reason": "not_allowed_by_law"}, "refused"),
        ("escalated", {"level": 2}, "waiting"),
        ("condition_added", {"text": "Beschermingsbewind", "household_agrees": False}, "waiting"),
        ("approved", {"text": "WW met ingang van 1 december"}, "approved"),
    ]
    for i, (type, fields, state) in enumerate(steps):
        event(setting, req, type, on=TODAY + timedelta(days=i), **fields)
        req.refresh_from_db()
        assert req.state == state, type
    assert req.escalation_level == 2
    assert req.events.count() == 5


@pytest.mark.parametrize(
    ("before", "type", "fields", "error_field"),
    [
        ([], "approved", {"text": "x"}, "type"),  # never submitted
        (["submitted", "withdrawn"], "approved", {"text": "x"}, "type"),
        (["submitted"], "refused", {}, "reason"),
        (["submitted"], "escalated", {"level": 7}, "level"),
        (["submitted"], "condition_added", {"text": " "}, "text"),
        (["submitted"], "approved", {"text": ""}, "text"),
    ],
)
def test_events_that_do_not_fit_are_refused(setting, before, type, fields, error_field):
    req = new_request(setting)
    for earlier in before:
        event(setting, req, earlier)
    count = JourneyEvent.objects.count()
    state = Request.objects.get(pk=req.pk).state
    with pytest.raises(ValidationError) as excinfo:
        event(setting, req, type, **fields)
    assert error_field in excinfo.value.message_dict
    assert JourneyEvent.objects.count() == count
    assert Request.objects.get(pk=req.pk).state == state


def test_second_submission_while_waiting_is_allowed(setting):
    req = new_request(setting)
    event(setting, req, "submitted")
    event(setting, req, "submitted", on=TODAY + timedelta(days=3))
    assert req.events.filter(type="submitted").count() == 2


@pytest.mark.parametrize(
    ("on", "message_part"),
    [(date(2026, 11, 27), "future"), (date(2026, 9, 30), "opened")],
)
def test_dates_in_the_future_or_before_the_case_are_refused(setting, on, message_part):
    req = new_request(setting)
    with pytest.raises(ValidationError) as excinfo:
        event(setting, req, "submitted", on=on)
    assert "on" in excinfo.value.message_dict


def test_date_before_the_previous_step_is_refused(setting):
    req = new_request(setting)
    event(setting, req, "submitted", on=TODAY)
    with pytest.raises(ValidationError):
        event(setting, req, "refused", on=TODAY - timedelta(days=1), reason="precedent")


def test_sharing_more_needs_legal_basis_and_agreement(setting):
    with pytest.raises(ValidationError) as excinfo:
        new_request(setting, extra_shared="Medische gegevens")
    assert set(excinfo.value.message_dict) == {"extra_legal_basis", "extra_household_agreed_on"}
    assert not Request.objects.exists()
    req = new_request(
        setting,
        extra_shared="Medische gegevens",
        extra_legal_basis="Toestemming betrokkene",
        extra_household_agreed_on=TODAY,
    )
    assert req.extra_shared


def test_events_are_append_only(setting):
    req = new_request(setting)
    first = event(setting, req, "submitted")
    first.text = "anders"
    with pytest.raises(ValueError):
        first.save()
    with pytest.raises(ValueError):
        first.delete()
    with pytest.raises(ValueError):
        JourneyEvent.objects.filter(pk=first.pk).update(text="anders")
    with pytest.raises(ValueError):
        JourneyEvent.objects.all().delete()


def test_request_visibility_policy(setting, make_user):
    professional, uwv, _case = setting
    req = new_request(setting)
    uwv_decider = make_user("decision_maker", organisation=uwv)
    svb_decider = make_user("decision_maker", organisation=OrganisationFactory(name="SVB"))
    outsider = make_user("professional", teams=[TeamFactory()])
    assert list(visible_requests(professional)) == [req]
    assert list(visible_requests(uwv_decider)) == []  # a draft is not shared yet
    event(setting, req, "submitted")
    assert list(visible_requests(uwv_decider)) == [req]
    assert list(visible_requests(svb_decider)) == []
    assert list(visible_requests(outsider)) == []


def test_escalation_contact_comes_from_the_route(setting):
    from maatwerk.testing.factories import ContactFactory, EscalationStepFactory

    _professional, uwv, _case = setting
    step = EscalationStepFactory(organisation=uwv, level=2)
    req = new_request(setting)
    event(setting, req, "submitted")
    escalated = event(setting, req, "escalated", level=2)
    assert escalated.escalated_to == step.contact
    stranger = ContactFactory()
    with pytest.raises(ValidationError) as excinfo:
        event(setting, req, "escalated", level=2, escalated_to=stranger)
    assert "escalated_to" in excinfo.value.message_dict


def test_household_answer_to_a_condition_after_a_refusal(setting):
    req = new_request(setting)
    event(setting, req, "submitted")
    condition = event(setting, req, "condition_added", text="Bewind", household_agrees=None)
    event(setting, req, "refused", reason="precedent")
    answer = event(
        setting, req, "condition_added", text="Bewind", household_agrees=False, corrects=condition
    )
    assert answer.corrects == condition and Request.objects.get(pk=req.pk).state == "refused"
    submitted = req.events.get(type="submitted")
    with pytest.raises(ValidationError) as excinfo:
        event(setting, req, "condition_added", text="x", corrects=submitted)
    assert "corrects" in excinfo.value.message_dict


def test_admin_edits_counter_arguments_and_it_is_logged(client, make_user, login):
    from django.urls import reverse

    from maatwerk.journeys.models import CounterArgument

    argument = CounterArgument.objects.filter(reason="precedent").first()
    login(make_user("admin"), verified=True)
    url = reverse("admin:journeys_counterargument_change", args=[argument.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"reason": "precedent", "text_nl": "Nieuwe tekst", "text_en": "New text", "order": 1,
         "active": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    argument.refresh_from_db()
    assert argument.text_nl == "Nieuwe tekst"
    assert AccessLogEntry.objects.filter(
        action=Action.UPDATE, object_type="journeys.counterargument"
    ).exists()
