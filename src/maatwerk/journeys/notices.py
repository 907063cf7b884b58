"""Who hears of a journey event (issue 11; docs/notices.md), in the event's own
transaction (``services.record_event`` calls ``announce``): the notices are rows of
``maatwerk.notices``, delivered by e-mail or digest by the scheduler, never here.

- a new request (``submitted``), information provided, an escalation: the decision
  makers of the addressed organisation (for an escalation also those of the
  organisation of the level's contact, when that is another one);
- refused, information requested, condition added, redirected, approved: the case
  owner and, by their preference, the members of the case's team;
- an escalation to the national level (4): the coordinators too.

Whoever recorded the event is not told of it. Only the pseudonym, the reference, the
organisation and dates go into a notice.
"""

from __future__ import annotations

from maatwerk.accounts.roles import users_with_permission
from maatwerk.notices.models import Kind
from maatwerk.notices.services import notify, owner_and_team
from maatwerk.register.models import EscalationStep

from .jobs import SUBJECT, decision_makers
from .models import EventType, JourneyEvent, Request

COORDINATOR_PERMISSION = "cases.view_escalated_case"

TO_DECISION_MAKERS = {
    EventType.SUBMITTED: Kind.NEW_REQUEST,
    EventType.INFORMATION_PROVIDED: Kind.INFORMATION_PROVIDED,
    EventType.ESCALATED: Kind.ESCALATED,
}
TO_CASE_OWNER = {
    EventType.REFUSED: Kind.REFUSED,
    EventType.INFORMATION_REQUESTED: Kind.INFORMATION_REQUESTED,
    EventType.CONDITION_ADDED: Kind.CONDITION_ADDED,
    EventType.REDIRECTED: Kind.REDIRECTED,
    EventType.APPROVED: Kind.APPROVED,
}


def coordinators():
    """The active users who see the cases escalated to the national level."""
    return users_with_permission(COORDINATOR_PERMISSION)


def announce(*, user, req: Request, event: JourneyEvent, due_on=None) -> int:
    """Create the notices of ``event`` (``req`` as it was before the event, with its
    case and organisation; ``due_on`` the new due date when the event set one).
    Returns how many notices were created."""
    facts = {
        "household": req.case.household.pseudonym,
        "reference": req.reference,
        "organisation": req.organisation.name,
        "date": event.on,
    }
    common = {"case": req.case, "subject": SUBJECT, "object_id": req.pk, "actor": user}
    created = 0
    if kind := TO_DECISION_MAKERS.get(event.type):
        kind_facts = dict(facts)
        if event.type == EventType.SUBMITTED and due_on:
            kind_facts["due"] = due_on
        if event.type == EventType.ESCALATED:
            kind_facts["level"] = event.level
        recipients = list(decision_makers(req.organisation_id))
        level_org = event.escalated_to.organisation_id if event.escalated_to_id else None
        if event.type == EventType.ESCALATED and level_org and level_org != req.organisation_id:
            # The level's contact works elsewhere (a national team): its decision
            # makers hear of it too (they see it as far as their policy allows).
            recipients += list(decision_makers(level_org))
        created += len(
            notify(
                kind=kind,
                recipients=recipients,
                key=f"{kind}:{event.pk}",
                facts=kind_facts,
                url_name="journeys:decide",
                url_args=[req.pk],
                **common,
            )
        )
    if kind := TO_CASE_OWNER.get(event.type):
        created += len(
            notify(
                kind=kind,
                recipients=owner_and_team(req.case),
                key=f"{kind}:{event.pk}",
                facts=facts,
                url_name="journeys:request_detail",
                url_args=[req.pk],
                **common,
            )
        )
    if event.type == EventType.ESCALATED and event.level == EscalationStep.Level.NATIONAL:
        created += len(
            notify(
                kind=Kind.NATIONAL_LEVEL,
                recipients=coordinators(),
                key=f"{Kind.NATIONAL_LEVEL}:{event.pk}",
                facts=facts,
                url_name="journeys:request_detail",
                url_args=[req.pk],
                **common,
            )
        )
    return created
