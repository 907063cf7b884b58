"""Break-the-glass (noodtoegang): a case outside the access policy, only with a typed
reason, read-only, for a limited time, logged, e-mailed once to the privacy officers by
the scheduler and listed on their start page until reviewed (issue 10)."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from maatwerk.audit.models import AccessLogEntry, Action, ProcessingActivity, Result
from maatwerk.budgets.models import Spend
from maatwerk.cases.models import (
    Case,
    EmergencyAccess,
    EmergencyAccessNotice,
    EmergencyAccessReview,
    Perspective,
)
from maatwerk.cases.selectors import visible_cases, workable_cases
from maatwerk.cases.services import (
    EmergencyRefused,
    emergency_access_open,
    emergency_access_review,
)
from maatwerk.core.errors import NotAllowed
from maatwerk.journeys.models import JourneyEvent
from maatwerk.journeys.services import record_event, request_create
from maatwerk.meetings.services import meeting_create
from maatwerk.scheduler.jobs import run_due_jobs
from maatwerk.testing.cases import make_cases
from maatwerk.testing.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

PAGE = reverse("cases:emergency_access")
HOME = reverse("web:home")
REASON = "De casusregisseur is ziek en de huisbaas zet het gezin vandaag op straat."


@pytest.fixture
def case(professional, teams):
    (case,) = make_cases(teams[0], professional, 1)
    return case


@pytest.fixture
def coordinator(make_user):
    return make_user("coordinator")


@pytest.fixture
def privacy_officer(make_user):
    return make_user("privacy_officer", email="fg@gemeente.example.org")


@pytest.fixture
def worker(make_user, teams):
    """A professional of another team who is also a coordinator: may change cases in
    general and may break the glass — so read-only must come from the access itself."""
    return make_user("professional", "coordinator", teams=[teams[1]])


def open_glass(user, case, reason=REASON):
    return emergency_access_open(
        request=None, user=user, query=case.household.pseudonym, reason=reason
    )


def page_text(response) -> str:
    """The page without what differs per request: the CSRF token and its own path
    (in the language switch)."""
    content = response.content.decode().replace(response.wsgi_request.path, "PATH")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", content)


# --- The 404 says nothing; the page of its own -----------------------------------------


def test_the_404_of_a_case_gives_no_hint(client, login, coordinator, case):
    login(coordinator)
    existing = client.get(reverse("cases:case_detail", args=[case.pk]))
    missing = client.get(reverse("cases:case_detail", args=[case.pk + 1000]))
    assert existing.status_code == missing.status_code == 404
    assert page_text(existing) == page_text(missing)
    assert PAGE in existing.content.decode()  # the navigation, the same on every page


@pytest.mark.parametrize("role", ["professional", "decision_maker", "budget_holder", "analyst"])
def test_only_coordinators_and_admins_may_break_the_glass(client, login, make_user, case, role):
    user = make_user(role)
    login(user)
    assert client.get(PAGE).status_code == 403
    assert (
        client.post(PAGE, {"case": case.household.pseudonym, "reason": REASON}).status_code == 403
    )
    assert AccessLogEntry.objects.filter(actor=user, action=Action.PERMISSION_DENIED).count() == 2
    with pytest.raises(NotAllowed):
        open_glass(user, case)
    assert not EmergencyAccess.objects.exists()


def test_the_page_is_in_the_navigation_of_coordinators_and_admins(client, login, make_user):
    for role in ("coordinator", "admin"):
        login(make_user(role), verified=True)
        assert 'href="/cases/emergency/"' in client.get(HOME).content.decode()


# --- The reason: required, long enough, Dutch field errors, nothing stored ------------


@pytest.mark.parametrize(
    ("reason", "error"),
    [
        ("", "Zeg waarom u deze casus nu nodig hebt."),
        ("   ", "Zeg waarom u deze casus nu nodig hebt."),
        ("Even kijken", "Leg de noodsituatie uit in minstens 20 tekens; de functionaris"),
    ],
)
def test_a_reason_is_required(client, login, coordinator, case, reason, error):
    login(coordinator)
    response = client.post(PAGE, {"case": case.household.pseudonym, "reason": reason})
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not EmergencyAccess.objects.exists()
    assert not AccessLogEntry.objects.filter(action=Action.EMERGENCY_ACCESS).exists()
    assert client.get(reverse("cases:case_detail", args=[case.pk])).status_code == 404


def test_the_case_field_is_required(client, login, coordinator):
    login(coordinator)
    response = client.post(PAGE, {"case": "", "reason": REASON})
    assert (
        "Geef het kenmerk van de casus of het pseudoniem van het huishouden."
        in response.content.decode()
    )
    assert not EmergencyAccess.objects.exists()


# --- No existence oracle, but every attempt logged -------------------------------------


def test_unknown_and_ambiguous_references_get_the_same_answer_and_are_logged(
    client, login, coordinator, professional, teams
):
    first, second = make_cases(teams[0], professional, 2)
    # The same reference at two sources: it does not name one case.
    Case.objects.filter(pk=second.pk).update(reference=first.reference, source="Elders")
    login(coordinator)
    answers = {}
    for query in ("MW-1999-99999", first.reference):
        response = client.post(PAGE, {"case": query, "reason": REASON})
        assert response.status_code == 200
        errors = response.context["form"].errors["case"]
        answers[query] = [error.replace(query, "…") for error in errors]
    assert answers["MW-1999-99999"] == answers[first.reference]
    assert "Er kan geen casus worden geopend voor" in answers[first.reference][0]
    assert not EmergencyAccess.objects.exists()
    refused = AccessLogEntry.objects.filter(
        actor=coordinator, action=Action.EMERGENCY_ACCESS, result=Result.DENIED
    )
    assert refused.count() == 2
    assert {row.detail for row in refused} == {
        "refused: no single case for 'MW-1999-99999'",
        f"refused: no single case for {first.reference!r}",
    }
    assert all(row.household == "" for row in refused)  # nothing about a real case


def test_the_service_refuses_without_a_case_for_the_query(coordinator):
    with pytest.raises(EmergencyRefused):
        emergency_access_open(request=None, user=coordinator, query="HH-0000", reason=REASON)
    assert AccessLogEntry.objects.filter(result=Result.DENIED).count() == 1


# --- Breaking the glass ------------------------------------------------------------


def test_breaking_the_glass_opens_the_case_for_a_limited_time(client, login, coordinator, case):
    login(coordinator)
    start = timezone.now()
    response = client.post(PAGE, {"case": case.household.pseudonym.lower(), "reason": REASON})
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:case_detail", args=[case.pk])
    access = EmergencyAccess.objects.get()
    assert (access.user, access.case, access.reason) == (coordinator, case, REASON)
    assert timedelta(minutes=59) < access.expires_at - start <= timedelta(minutes=60, seconds=5)
    opened = AccessLogEntry.objects.get(action=Action.EMERGENCY_ACCESS)
    assert (opened.actor, opened.result, opened.household, opened.object_id) == (
        coordinator,
        Result.SUCCESS,
        case.household.pseudonym,
        str(case.pk),
    )
    assert opened.processing_activity == ProcessingActivity.CASE_WORK
    assert opened.detail.startswith(f"emergency access {access.pk} until ")

    page = client.get(reverse("cases:case_detail", args=[case.pk]))
    assert page.status_code == 200
    assert 'data-testid="emergency-banner"' in page.content.decode()
    read = AccessLogEntry.objects.filter(actor=coordinator, action=Action.READ).latest("id")
    assert read.detail == f"emergency access {access.pk}"
    assert list(visible_cases(coordinator)) == [case]
    assert list(workable_cases(coordinator)) == []
    listed = client.get(reverse("cases:case_list")).context["page"].object_list
    assert [c.pk for c in listed] == [case.pk]

    with time_machine.travel(access.expires_at + timedelta(seconds=1), tick=False):
        login(coordinator)  # a new session: the idle timeout ended the old one
        assert client.get(reverse("cases:case_detail", args=[case.pk])).status_code == 404
        assert list(visible_cases(coordinator)) == []
        assert client.get(reverse("cases:case_list")).context["page"].paginator.count == 0


def test_the_duration_is_configurable(coordinator, case, settings):
    settings.BREAK_GLASS_MINUTES = 5
    _case, access = open_glass(coordinator, case)
    assert access.expires_at - access.started_at == timedelta(minutes=5)


def test_a_running_access_is_not_opened_twice(client, login, coordinator, case):
    _case, access = open_glass(coordinator, case)
    login(coordinator)
    response = client.post(PAGE, {"case": case.reference, "reason": REASON + " Nogmaals."})
    assert response.status_code == 302
    assert list(EmergencyAccess.objects.all()) == [access]
    running = client.get(PAGE).context["running"]
    assert running == [access]


def test_a_case_in_the_policy_needs_no_emergency_access(client, login, coordinator, case):
    req = request_create(
        request=None, user=case.owner, case=case, organisation=OrganisationFactory(), subject="x"
    )
    record_event(request=None, user=case.owner, req=req, type="submitted")
    record_event(request=None, user=case.owner, req=req, type="escalated", level=4)
    login(coordinator)
    response = client.post(PAGE, {"case": case.household.pseudonym, "reason": REASON})
    assert response.status_code == 302
    assert not EmergencyAccess.objects.exists()
    assert not AccessLogEntry.objects.filter(action=Action.EMERGENCY_ACCESS).exists()


def test_the_access_ends_with_the_permission(coordinator, case):
    open_glass(coordinator, case)
    assert list(visible_cases(coordinator)) == [case]
    coordinator.groups.clear()
    coordinator = type(coordinator).objects.get(pk=coordinator.pk)  # fresh permission cache
    assert list(visible_cases(coordinator)) == []


# --- Read-only -----------------------------------------------------------------------


def test_an_emergency_access_is_read_only_everywhere(client, login, worker, case, teams):
    req = request_create(
        request=None, user=case.owner, case=case, organisation=OrganisationFactory(), subject="x"
    )
    record_event(request=None, user=case.owner, req=req, type="submitted")
    open_glass(worker, case)
    login(worker)
    assert client.get(reverse("cases:case_detail", args=[case.pk])).status_code == 200
    content = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    for change_url in (
        reverse("cases:perspective_add", args=[case.pk]),
        reverse("cases:case_status", args=[case.pk]),
        reverse("cases:plan_create", args=[case.pk]),
        reverse("journeys:request_create", args=[case.pk]),
        reverse("budgets:spend_create", args=[case.pk]),
    ):
        assert change_url not in content, change_url  # no link to it
        assert client.get(change_url).status_code == 404, change_url
        assert client.post(change_url, {"text": "x"}).status_code == 404, change_url
    # The request's page can be read, but no step can be logged on it.
    request_page = reverse("journeys:request_detail", args=[req.pk])
    assert client.get(request_page).status_code == 200
    assert client.get(request_page).context["event_form"] is None
    response = client.post(request_page, {"type": "withdrawn", "on": timezone.localdate()})
    assert response.status_code == 403
    assert not JourneyEvent.objects.filter(type="withdrawn").exists()
    # Nor can the case be put on a breakthrough table's agenda.
    with pytest.raises(ValidationError) as refused:
        meeting_create(
            request=None,
            user=worker,
            title="Doorbraaktafel",
            starts_at=timezone.now(),
            location="",
            team=teams[1],
            cases=[case],
            attendees=[],
        )
    assert "cases" in refused.value.error_dict
    assert Perspective.objects.filter(case=case).count() == 1
    assert not Spend.objects.exists()


# --- The privacy officer: one e-mail by the scheduler, the start page, the review ------


def test_the_privacy_officers_are_emailed_exactly_once_by_the_scheduler(
    make_user, coordinator, privacy_officer, case
):
    other_officer = make_user("privacy_officer", email="fg2@gemeente.example.org")
    make_user("privacy_officer")  # without an e-mail address: nothing to send to
    _case, access = open_glass(coordinator, case)
    assert mail.outbox == []  # not at the page: the scheduler sends it
    counts = run_due_jobs()
    assert counts["emergency_access_notices"] == 2
    assert sorted(address for message in mail.outbox for address in message.to) == [
        "fg2@gemeente.example.org",
        "fg@gemeente.example.org",
    ]
    message = mail.outbox[0]
    assert coordinator.display_name in message.subject
    for secret in (case.household.pseudonym, case.reference, REASON, case.needed):
        assert secret not in message.subject + message.body
    assert "/" in message.body  # the link to the start page
    run_due_jobs()
    run_due_jobs()
    assert len(mail.outbox) == 2
    assert set(EmergencyAccessNotice.objects.values_list("access", "recipient")) == {
        (access.pk, privacy_officer.pk),
        (access.pk, other_officer.pk),
    }


def test_a_reviewed_access_is_not_announced(coordinator, privacy_officer, case):
    _case, access = open_glass(coordinator, case)
    EmergencyAccessReview.objects.create(
        access=access, reviewed_by=privacy_officer, reviewed_at=timezone.now(), note="Terecht."
    )
    assert run_due_jobs()["emergency_access_notices"] == 0
    assert mail.outbox == []


def test_the_start_page_lists_it_until_it_is_reviewed(
    client, login, coordinator, privacy_officer, case
):
    _case, access = open_glass(coordinator, case)
    login(privacy_officer, verified=True)
    home = client.get(HOME).content.decode()
    assert "Noodtoegang te beoordelen" in home
    assert f'data-testid="emergency-access-{access.pk}"' in home
    assert REASON in home and case.household.pseudonym in home
    listed = AccessLogEntry.objects.filter(
        actor=privacy_officer, processing_activity=ProcessingActivity.AUDIT_SUPERVISION
    ).latest("id")
    assert (listed.action, listed.detail) == (Action.READ, f"to review: {access.pk}")

    review = reverse("cases:emergency_review", args=[access.pk])
    refused = client.post(review, {"note": ""})
    assert refused.status_code == 200
    assert "Schrijf op wat u hebt gevonden." in refused.content.decode()
    assert not EmergencyAccessReview.objects.exists()
    assert f'data-testid="emergency-access-{access.pk}"' in client.get(HOME).content.decode()

    done = client.post(review, {"note": "Terecht: de regisseur was ziek."})
    assert done.status_code == 302
    row = EmergencyAccessReview.objects.get()
    assert (row.access, row.reviewed_by, row.note) == (
        access,
        privacy_officer,
        "Terecht: de regisseur was ziek.",
    )
    logged = AccessLogEntry.objects.filter(actor=privacy_officer, action=Action.CREATE).get()
    assert logged.detail == f"review of emergency access {access.pk}"
    assert logged.household == case.household.pseudonym
    home = client.get(HOME).content.decode()
    assert f'data-testid="emergency-access-{access.pk}"' not in home
    assert 'data-testid="nothing-to-review"' in home
    again = client.post(review, {"note": "Nog een keer."}, follow=True)
    assert "al beoordeeld" in again.content.decode()
    assert EmergencyAccessReview.objects.count() == 1


def test_only_a_verified_privacy_officer_reviews(client, login, coordinator, privacy_officer, case):
    _case, access = open_glass(coordinator, case)
    review = reverse("cases:emergency_review", args=[access.pk])
    login(coordinator)
    assert "Noodtoegang te beoordelen" not in client.get(HOME).content.decode()
    assert client.post(review, {"note": "Zelf goedgekeurd."}).status_code == 403
    client.logout()
    login(privacy_officer)  # password only, second factor not given
    assert client.post(review, {"note": "Terecht."}).status_code in (302, 403)
    assert not EmergencyAccessReview.objects.exists()


def test_nobody_reviews_their_own_emergency_access(client, login, make_user, case):
    # An admin who also holds the privacy officer's role (roles.md: possible, logged).
    both = make_user("admin", "privacy_officer", email="beheer@gemeente.example.org")
    _case, access = open_glass(both, case)
    assert run_due_jobs()["emergency_access_notices"] == 0  # not told of their own
    login(both, verified=True)
    home = client.get(HOME).content.decode()
    assert f'data-testid="emergency-access-{access.pk}"' not in home
    review = reverse("cases:emergency_review", args=[access.pk])
    response = client.post(review, {"note": "Terecht, door mijzelf."}, follow=True)
    assert "U kunt deze noodtoegang niet beoordelen." in response.content.decode()
    assert not EmergencyAccessReview.objects.exists()
    with pytest.raises(NotAllowed):
        emergency_access_review(request=None, user=both, access=access, note="Terecht.")
