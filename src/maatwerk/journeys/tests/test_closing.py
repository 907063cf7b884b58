"""Closing ends the journey: every open request is withdrawn or kept open with a reason,
a closed case sends nothing new, the scheduler chases none of its requests, and
reopening is possible, dated and logged."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from maatwerk.audit.models import AccessLogEntry
from maatwerk.cases.extensions import closing_forms
from maatwerk.cases.models import Case, CaseEvent
from maatwerk.cases.services import case_set_status
from maatwerk.journeys.jobs import mark_overdue
from maatwerk.journeys.models import EventType, Request
from maatwerk.journeys.services import record_event, request_create
from maatwerk.notices.models import Notice
from maatwerk.scheduler.jobs import run_due_jobs
from maatwerk.testing.cases import make_case
from maatwerk.testing.factories import (
    ContactFactory,
    EscalationStepFactory,
    OrganisationFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
SUBMITTED = date(2027, 3, 11)
LATE = date(2027, 3, 30)  # overdue since Friday 26 March
CLOSED_ON = date(2027, 3, 12)


@pytest.fixture
def clock():
    with time_machine.travel(datetime(2027, 3, 11, 9, tzinfo=AMSTERDAM), tick=False) as t:
        yield lambda day: t.move_to(datetime(day.year, day.month, day.day, 9, tzinfo=AMSTERDAM))


@pytest.fixture
def world(make_user, clock):
    team = TeamFactory()
    owner = make_user("professional", teams=[team], email="owner@example.org")
    uwv = OrganisationFactory(name="UWV", response_target_days=10)
    contact = ContactFactory(organisation=uwv, email="maatwerk@uwv.example.org")
    EscalationStepFactory(organisation=uwv, level=1, contact=contact)
    make_user("decision_maker", organisation=uwv, email="beslisser@uwv.example.org")
    case = make_case(team, owner)
    sent = request_create(request=None, user=owner, case=case, organisation=uwv, subject="WW")
    record_event(request=None, user=owner, req=sent, type="submitted", on=SUBMITTED)
    draft = request_create(request=None, user=owner, case=case, organisation=uwv, subject="Zorg")
    case.refresh_from_db()
    clock(date(2027, 3, 16))  # closing (12 March) and reopening (15 March) lie behind
    return {"owner": owner, "case": case, "sent": sent, "draft": draft, "uwv": uwv}


def close(world, decisions: dict, on=CLOSED_ON):
    case = Case.objects.get(pk=world["case"].pk)
    data = {}
    for req, (choice, reason) in decisions.items():
        data[f"closing-request_{req.pk}"] = choice
        data[f"closing-reason_{req.pk}"] = reason
    return case_set_status(
        request=None,
        user=world["owner"],
        case=case,
        status="closed",
        outcome="solved",
        on=on,
        loaded_version=case.version,
        closing=closing_forms(case, data),
    )


def state(req) -> str:
    return Request.objects.get(pk=req.pk).state


def test_closing_with_open_requests_needs_an_answer_for_each(world):
    case = world["case"]
    with pytest.raises(ValidationError):
        case_set_status(
            request=None,
            user=world["owner"],
            case=case,
            status="closed",
            outcome="solved",
            on=CLOSED_ON,
            loaded_version=case.version,
        )
    with pytest.raises(ValidationError):  # the draft is not answered
        close(world, {world["sent"]: ("withdraw", "")})
    with pytest.raises(ValidationError):  # keeping open needs a reason
        close(world, {world["sent"]: ("keep_open", ""), world["draft"]: ("withdraw", "")})
    with pytest.raises(ValidationError):  # a draft cannot be kept open
        close(world, {world["sent"]: ("withdraw", ""), world["draft"]: ("keep_open", "Later")})
    assert Case.objects.get(pk=case.pk).status != "closed"
    assert state(world["sent"]) == "waiting" and state(world["draft"]) == "draft"


def test_closing_withdraws_or_keeps_open_as_asked(world):
    close(
        world,
        {world["sent"]: ("keep_open", "UWV beslist nog"), world["draft"]: ("withdraw", "")},
    )
    case = Case.objects.get(pk=world["case"].pk)
    assert (case.status, case.closed_on) == ("closed", CLOSED_ON)
    assert state(world["draft"]) == "withdrawn" and state(world["sent"]) == "waiting"
    kept = world["sent"].events.get(type=EventType.KEPT_OPEN)
    assert (kept.text, kept.on) == ("UWV beslist nog", CLOSED_ON)
    assert case.events.filter(kind=CaseEvent.Kind.CLOSED, happened_on=CLOSED_ON).exists()


def test_a_closed_case_sends_no_new_request(world):
    close(world, {world["sent"]: ("keep_open", "Wacht"), world["draft"]: ("withdraw", "")})
    case = Case.objects.get(pk=world["case"].pk)
    with pytest.raises(ValidationError):
        request_create(
            request=None, user=world["owner"], case=case, organisation=world["uwv"], subject="X"
        )
    with pytest.raises(ValidationError) as refused:
        record_event(
            request=None, user=world["owner"], req=world["sent"], type="escalated", level=1
        )
    assert "type" in refused.value.error_dict
    # The organisation's answer to a kept-open request can still be recorded.
    record_event(
        request=None, user=world["owner"], req=world["sent"], type="approved", text="Akkoord"
    )
    assert state(world["sent"]) == "approved"


def test_the_scheduler_never_chases_a_request_of_a_closed_case(world, clock):
    close(world, {world["sent"]: ("keep_open", "Wacht"), world["draft"]: ("withdraw", "")})
    clock(LATE)
    counts = run_due_jobs()
    assert counts["marked_overdue"] == 0 and counts["notices"] == 0
    assert not Request.objects.get(pk=world["sent"].pk).overdue
    # The requests' earlier notices (sent, to the decision makers) stay; nothing chases.
    assert mail.outbox == [] and not Notice.objects.filter(kind="overdue").exists()


def test_a_request_flagged_before_closing_loses_the_flag_and_gets_no_notice(world, clock):
    clock(LATE)
    assert mark_overdue() == 1  # flagged, no notice sent yet
    close(
        world,
        {world["sent"]: ("keep_open", "Wacht"), world["draft"]: ("withdraw", "")},
        on=LATE,
    )
    counts = run_due_jobs()
    assert counts["no_longer_overdue"] == 1 and counts["notices"] == 0
    assert mail.outbox == []


def test_reopening_is_dated_and_logged_and_the_chasing_resumes(world, clock):
    close(world, {world["sent"]: ("keep_open", "Wacht"), world["draft"]: ("withdraw", "")})
    case = Case.objects.get(pk=world["case"].pk)
    with pytest.raises(ValidationError) as early:
        case_set_status(
            request=None,
            user=world["owner"],
            case=case,
            status="journey",
            on=SUBMITTED,  # before the closing
            loaded_version=case.version,
        )
    assert "on" in early.value.error_dict
    reopened = case_set_status(
        request=None,
        user=world["owner"],
        case=case,
        status="journey",
        on=date(2027, 3, 15),
        loaded_version=case.version,
    )
    assert (reopened.status, reopened.closed_on, reopened.outcome) == ("journey", None, "")
    event = reopened.events.get(kind=CaseEvent.Kind.REOPENED)
    assert event.happened_on == date(2027, 3, 15)
    log = AccessLogEntry.objects.filter(object_id=str(case.pk), detail__contains="reopened")
    assert log.count() == 1
    clock(LATE)
    assert run_due_jobs()["notices"] == 1  # the kept-open request is chased again


def test_the_status_page_asks_for_each_open_request(client, login, world):
    login(world["owner"])
    case = world["case"]
    url = reverse("cases:case_status", args=[case.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert f"closing-request_{world['sent'].pk}" in page.content.decode()
    base = {"status": "closed", "outcome": "solved", "on": "2027-03-12", "loaded_version": 1}
    missing = client.post(url, base)
    assert missing.status_code == 200
    form = missing.context["closing"][0]["form"]
    assert form.errors[f"request_{world['sent'].pk}"]
    assert Case.objects.get(pk=case.pk).status != "closed"
    done = client.post(
        url,
        {
            **base,
            "loaded_version": Case.objects.get(pk=case.pk).version,
            f"closing-request_{world['sent'].pk}": "withdraw",
            f"closing-request_{world['draft'].pk}": "withdraw",
        },
    )
    assert done.status_code == 302
    assert state(world["sent"]) == state(world["draft"]) == "withdrawn"
    reopen = client.get(url)
    assert reopen.status_code == 200 and reopen.context["closing"] == []
