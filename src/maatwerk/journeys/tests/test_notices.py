"""The journey's notices (docs/notices.md): each step reaches the person who must act,
once, in the app and by e-mail (by the scheduler), never after the access is gone and
never for a closed case."""

from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from maatwerk.cases.models import Case
from maatwerk.journeys.services import record_event, request_create
from maatwerk.notices.models import Kind, MailState, Notice, Profile
from maatwerk.notices.selectors import notices_for, rows
from maatwerk.notices.services import preferences_save
from maatwerk.scheduler.jobs import run_due_jobs
from maatwerk.testing.cases import make_case
from maatwerk.testing.factories import (
    ContactFactory,
    EscalationStepFactory,
    OrganisationFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db
SUBJECT = "WW ondanks ziekte"  # case words: never in a notice or an e-mail


@pytest.fixture
def world(make_user):
    team = TeamFactory(organisation=OrganisationFactory(name="Gemeente Zaanstad"))
    owner = make_user("professional", teams=[team], email="owner@zaanstad.example.org")
    colleague = make_user("professional", teams=[team], email="colleague@zaanstad.example.org")
    uwv = OrganisationFactory(name="UWV", response_target_days=10)
    national = OrganisationFactory(name="Landelijk Maatwerkloket", type="national_desk")
    for level in (1, 2, 3):
        EscalationStepFactory(organisation=uwv, level=level, contact__organisation=uwv)
    EscalationStepFactory(
        organisation=uwv, level=4, contact=ContactFactory(organisation=national, name="LML")
    )
    decider = make_user("decision_maker", organisation=uwv, email="beslisser@uwv.example.org")
    elsewhere = make_user("decision_maker", organisation=OrganisationFactory(name="SVB"))
    coordinator = make_user("coordinator", organisation=national, email="regie@lml.example")
    case = make_case(team, owner)
    req = request_create(request=None, user=owner, case=case, organisation=uwv, subject=SUBJECT)
    return SimpleNamespace(
        team=team,
        owner=owner,
        colleague=colleague,
        uwv=uwv,
        decider=decider,
        elsewhere=elsewhere,
        coordinator=coordinator,
        case=case,
        req=req,
    )


def step(world, type, user=None, **fields):
    return record_event(
        request=None, user=user or world.decider, req=world.req, type=type, **fields
    )


def submit(world):
    return step(world, "submitted", user=world.owner)


def notices(kind):
    return Notice.objects.filter(kind=kind)


def recipients(kind) -> set:
    return set(notices(kind).values_list("recipient__username", flat=True))


def e_mailed() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def assert_no_case_words():
    for message in mail.outbox:
        for text in (message.subject, message.body):
            assert SUBJECT not in text
    for notice in Notice.objects.all():
        assert SUBJECT not in str(notice.facts)


# --- To the decision makers ------------------------------------------------------------


def test_a_new_request_reaches_the_decision_makers_of_the_organisation_once(world):
    event = submit(world)
    assert recipients(Kind.NEW_REQUEST) == {world.decider.username}  # not the sender
    notice = notices(Kind.NEW_REQUEST).get()
    assert notice.key == f"new_request:{event.pk}"
    assert notice.url_name == "journeys:decide" and notice.mail_state == MailState.PENDING
    (row,) = rows([notice])
    assert world.case.household.pseudonym in row.message and "UWV" in row.message
    mail.outbox.clear()
    run_due_jobs()
    run_due_jobs()  # a second run sends nothing again
    assert e_mailed() == ["beslisser@uwv.example.org"]
    assert world.case.household.pseudonym in mail.outbox[0].body
    assert f"/journeys/inbox/{world.req.pk}/" in mail.outbox[0].body
    assert_no_case_words()
    # The decision maker sees it in the centre (the request is addressed to them).
    assert list(notices_for(world.decider)) == [notice]


def test_information_provided_reaches_the_decision_makers(world):
    submit(world)
    step(world, "information_requested", text="Loonstroken")
    step(world, "information_provided", user=world.owner)
    assert recipients(Kind.INFORMATION_PROVIDED) == {world.decider.username}


def test_an_escalation_reaches_the_decision_makers_and_at_level_4_the_coordinators(world):
    submit(world)
    step(world, "escalated", user=world.owner, level=2)
    assert recipients(Kind.ESCALATED) == {world.decider.username}
    assert not notices(Kind.NATIONAL_LEVEL).exists()
    step(world, "escalated", user=world.owner, level=4)
    assert recipients(Kind.ESCALATED) == {world.decider.username}  # two notices, one user
    assert notices(Kind.ESCALATED).count() == 2
    assert recipients(Kind.NATIONAL_LEVEL) == {world.coordinator.username}
    national = notices(Kind.NATIONAL_LEVEL).get()
    # The coordinator sees the case once it is escalated to the national level.
    assert list(notices_for(world.coordinator)) == [national]


# --- To the case owner (and, by preference, the team) ------------------------------------

OWNER_STEPS = [
    ("refused", Kind.REFUSED, {"reason": "no_legal_room"}),
    ("information_requested", Kind.INFORMATION_REQUESTED, {"text": "Loonstroken"}),
    ("condition_added", Kind.CONDITION_ADDED, {"text": "Eerst budgetcoaching"}),
    ("redirected", Kind.REDIRECTED, {"redirected_to": "Gemeente"}),
    ("approved", Kind.APPROVED, {"text": "Kwijtschelding"}),
]


@pytest.mark.parametrize(("type", "kind", "fields"), OWNER_STEPS)
def test_the_decision_reaches_the_case_owner_once(world, type, kind, fields):
    submit(world)
    run_due_jobs()  # the decision maker's new-request e-mail
    event = step(world, type, **fields)
    assert recipients(kind) == {world.owner.username}  # not the colleague: no preference
    notice = notices(kind).get()
    assert notice.key == f"{kind}:{event.pk}" and notice.url_name == "journeys:request_detail"
    mail.outbox.clear()
    run_due_jobs()
    run_due_jobs()
    assert e_mailed() == ["owner@zaanstad.example.org"]
    assert_no_case_words()


def test_the_team_hears_of_it_by_preference(world):
    Profile.objects.create(user=world.colleague, team_cases=True)
    submit(world)
    step(world, "refused", reason="no_legal_room")
    assert recipients(Kind.REFUSED) == {world.owner.username, world.colleague.username}


def test_whoever_records_the_step_is_not_told(world):
    submit(world)
    # The professional records the refusal on the organisation's behalf.
    step(world, "refused", user=world.owner, reason="no_legal_room", on_behalf_of="UWV")
    assert not notices(Kind.REFUSED).exists()


# --- Access and closed cases --------------------------------------------------------------


def test_no_notice_after_the_access_is_gone(world):
    submit(world)
    step(world, "refused", reason="no_legal_room")
    world.owner.teams.clear()  # moved to another team: no longer sees the case
    assert list(notices_for(world.owner)) == []
    mail.outbox.clear()
    counts = run_due_jobs()
    assert "owner@zaanstad.example.org" not in e_mailed()
    assert counts["notice_emails_dropped"] == 1
    assert notices(Kind.REFUSED).get().mail_state == MailState.DROPPED


def test_a_decision_maker_who_changed_organisation_loses_the_notice(world):
    submit(world)
    world.decider.organisation = world.elsewhere.organisation
    world.decider.save()
    assert list(notices_for(world.decider)) == []
    mail.outbox.clear()
    run_due_jobs()
    assert mail.outbox == []


def test_no_notices_for_a_closed_case(world):
    submit(world)
    step(world, "information_requested", text="Loonstroken")
    Case.objects.filter(pk=world.case.pk).update(status=Case.Status.CLOSED)
    mail.outbox.clear()
    run_due_jobs()  # the pending notices of a closed case are not e-mailed
    assert mail.outbox == []
    assert not Notice.objects.filter(mail_state=MailState.PENDING).exists()
    world.req.case.refresh_from_db()
    step(world, "information_provided", user=world.owner)
    assert not notices(Kind.INFORMATION_PROVIDED).exists()  # nor any new one


# --- Every kind: who, once, not after the access is gone, not for a closed case -----------


def _leave_team(world, user):
    user.teams.clear()  # moved to another team: no longer sees the case


def _leave_organisation(world, user):
    user.organisation = world.elsewhere.organisation
    user.save()


def _lose_role(world, user):
    user.groups.clear()  # no longer a coordinator


# kind: (steps before it, the step that makes it: type, by whom ("owner"/"decider"),
# fields; who gets it; how that person loses the access)
EVERY_KIND = {
    Kind.NEW_REQUEST: ([], ("submitted", "owner", {}), "decider", _leave_organisation),
    Kind.INFORMATION_PROVIDED: (
        [("submitted", "owner", {}), ("information_requested", "decider", {"text": "Loon"})],
        ("information_provided", "owner", {}),
        "decider",
        _leave_organisation,
    ),
    Kind.ESCALATED: (
        [("submitted", "owner", {})],
        ("escalated", "owner", {"level": 2}),
        "decider",
        _leave_organisation,
    ),
    Kind.NATIONAL_LEVEL: (
        [("submitted", "owner", {})],
        ("escalated", "owner", {"level": 4}),
        "coordinator",
        _lose_role,
    ),
    **{
        kind: ([("submitted", "owner", {})], (type, "decider", fields), "owner", _leave_team)
        for type, kind, fields in OWNER_STEPS
    },
}


def _do(world, type, by, fields):
    return step(world, type, user=getattr(world, by), **fields)


@pytest.mark.parametrize("kind", sorted(EVERY_KIND))
def test_every_kind_reaches_its_person_once_and_never_after_the_access_is_gone(world, kind):
    before, (type, by, fields), who, revoke = EVERY_KIND[kind]
    for earlier in before:
        _do(world, *earlier)
    run_due_jobs()
    _do(world, type, by, fields)
    person = getattr(world, who)
    made = notices(kind)
    assert set(made.values_list("recipient", flat=True)) == {person.pk}
    assert made.count() == 1  # exactly once
    assert [n.kind for n in notices_for(person) if n.kind == kind] == [kind]
    revoke(world, person)
    person = person.__class__.objects.get(pk=person.pk)  # as the next request loads them
    assert [n for n in notices_for(person) if n.kind == kind] == []
    mail.outbox.clear()
    run_due_jobs()
    assert person.email not in e_mailed()
    assert made.get().mail_state == MailState.DROPPED


@pytest.mark.parametrize("kind", sorted(EVERY_KIND))
def test_every_kind_stays_away_for_a_closed_case(world, kind):
    before, (type, by, fields), _who, _revoke = EVERY_KIND[kind]
    for earlier in before:
        _do(world, *earlier)
    Case.objects.filter(pk=world.case.pk).update(status=Case.Status.CLOSED)
    world.req.case.refresh_from_db()
    try:
        _do(world, type, by, fields)
    except ValidationError:
        # Sending and escalating are refused for a closed case altogether.
        assert type in ("submitted", "escalated")
    assert not notices(kind).exists()


# --- Preferences ---------------------------------------------------------------------------


def test_a_kind_switched_off_is_not_created_and_app_only_is_not_mailed(world):
    preferences_save(user=world.owner, choices={Kind.REFUSED: "off"}, team_cases=False)
    preferences_save(user=world.decider, choices={Kind.NEW_REQUEST: "digest"}, team_cases=False)
    submit(world)
    step(world, "information_requested", text="Loonstroken")
    step(world, "information_provided", user=world.owner)
    step(world, "refused", reason="no_legal_room")
    assert not notices(Kind.REFUSED).exists()
    assert notices(Kind.NEW_REQUEST).get().delivery == "digest"
    preferences_save(user=world.owner, choices={Kind.APPROVED: "app"}, team_cases=False)
    assert notices(Kind.INFORMATION_REQUESTED).get().delivery == "email"
