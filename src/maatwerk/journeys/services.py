"""Every write of requests and journey events (keyword-only, atomic, validating,
logged in the same transaction)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maatwerk.audit.models import Action, ProcessingActivity
from maatwerk.audit.services import log_access
from maatwerk.cases import search
from maatwerk.cases.models import Case, CaseEvent
from maatwerk.core.dates import date_problem

from .calendar import add_working_days
from .models import EventType, JourneyEvent, Notification, Request
from .selectors import share_digest, shared_pieces
from .workflow import (
    CONDITION_ANSWER_STATES,
    NOT_FOR_CLOSED_CASES,
    RESTARTS_CLOCK,
    TRANSITIONS,
)

S = Request.State


def _next_reference(case: Case) -> str:
    return f"R{Request.objects.filter(case=case).count() + 1}"


def request_create(*, request, user, case: Case, organisation, subject: str, **fields) -> Request:
    """A draft request to an organisation; ``record_event(type="submitted")`` sends it.
    A closed case asks nothing new."""
    errors = {}
    if case.status == Case.Status.CLOSED:
        raise ValidationError(_("This case is closed: it cannot send new requests."))
    if fields.get("extra_shared", "").strip():
        if not fields.get("extra_legal_basis", "").strip():
            errors["extra_legal_basis"] = _(
                "Sharing more than the perspective and the plan excerpt needs a legal basis."
            )
        agreed_on = fields.get("extra_household_agreed_on")
        if not agreed_on:
            errors["extra_household_agreed_on"] = _(
                "Sharing more needs the date the household agreed to it."
            )
        elif problem := date_problem(agreed_on):
            errors["extra_household_agreed_on"] = problem
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # Lock the case so two requests created at once get different references.
        Case.objects.select_for_update().filter(pk=case.pk).first()
        created = Request.objects.create(
            case=case,
            reference=_next_reference(case),
            organisation=organisation,
            subject=subject,
            created_by=user,
            **fields,
        )
        search.refresh([case.pk])
        log_access(
            action=Action.CREATE,
            processing_activity=ProcessingActivity.CASE_WORK,
            request=request,
            actor=user,
            obj=created,
            household=case.household.pseudonym,
        )
    return created


def _validate(req: Request, event_type: str, on, fields: dict) -> None:
    errors = {}
    allowed, _target = TRANSITIONS[event_type]
    corrects = fields.get("corrects")
    if corrects is not None:
        if corrects.request_id != req.pk or corrects.type != event_type:
            errors["corrects"] = _("A correction must refer to a step of the same kind.")
        allowed = CONDITION_ANSWER_STATES
    if event_type in NOT_FOR_CLOSED_CASES and req.case.status == Case.Status.CLOSED:
        errors["type"] = _(
            "The case is closed: “%(event)s” is not possible any more. Reopen the case first."
        ) % {"event": EventType(event_type).label}
    elif req.state not in allowed:
        errors["type"] = _("“%(event)s” is not possible while the request is “%(state)s”.") % {
            "event": EventType(event_type).label,
            "state": req.get_state_display(),
        }
    if problem := date_problem(on, opened_on=req.case.opened_on):
        errors["on"] = problem
    else:
        last = req.events.order_by("-on").values_list("on", flat=True).first()
        if last and on < last:
            errors["on"] = _("The date cannot be before the previous step of this request.")
    if event_type == EventType.REFUSED and not fields.get("reason"):
        errors["reason"] = _("Choose the reason for the refusal.")
    if event_type == EventType.CONDITION_ADDED and not fields.get("text", "").strip():
        errors["text"] = _("Describe the condition.")
    if event_type == EventType.ESCALATED:
        level = fields.get("level")
        if level not in (1, 2, 3, 4):
            errors["level"] = _("Choose an escalation level from 1 to 4.")
        else:
            route = req.organisation.escalation_steps.filter(level=level).first()
            contact = fields.get("escalated_to")
            if contact is not None and (route is None or route.contact_id != contact.pk):
                errors["escalated_to"] = _(
                    "Escalate to the contact of this level in the organisation's route."
                )
    if event_type == EventType.KEPT_OPEN and not fields.get("text", "").strip():
        errors["text"] = _("Say why this request stays open.")
    if event_type == EventType.SOLVED and not fields.get("intervention"):
        errors["intervention"] = _("Say which intervention solved the request.")
    if event_type == EventType.APPROVED and not fields.get("text", "").strip():
        errors["text"] = _("Say what exactly was approved.")
    if event_type == EventType.INFORMATION_REQUESTED and not fields.get("text", "").strip():
        errors["text"] = _("Say which information is asked for.")
    if event_type == EventType.REDIRECTED and not fields.get("redirected_to", "").strip():
        errors["redirected_to"] = _("Say to which organisation or desk it was redirected.")
    if errors:
        raise ValidationError(errors)


def record_event(
    *,
    request,
    user,
    req: Request,
    type: str,
    on=None,
    on_behalf_of: str = "",
    share_confirmed: str = "",
    **fields,
) -> JourneyEvent:
    """Append one journey event and bring the request's state along.

    ``fields``: reason, text, level, escalated_to, redirected_to, household_agrees,
    corrects. Raises ValidationError (field by field) when the event does not fit.

    Sending (``submitted``) shares the request with the organisation. When the case has
    a safety concern, that needs the professional's confirmation of exactly what is
    shared: ``share_confirmed`` is the ``share_digest`` of the preview they saw.
    """
    on = on or timezone.localdate()
    with transaction.atomic():
        req = (
            Request.objects.select_for_update()
            .select_related("case__household", "organisation")
            .get(pk=req.pk)
        )
        if type == EventType.ESCALATED and fields.get("escalated_to") is None:
            route = req.organisation.escalation_steps.filter(level=fields.get("level")).first()
            fields["escalated_to"] = route.contact if route else None
        _validate(req, type, on, fields)
        confirmed = False
        if type == EventType.SUBMITTED and req.case.safety_concern:
            if share_confirmed != share_digest(req):
                raise ValidationError(
                    {
                        "share_confirmed": _(
                            "There is a safety concern: check what will be shared with the "
                            "organisation and confirm it first."
                        )
                        if not share_confirmed
                        else _(
                            "What will be shared changed after you checked it. Check it again "
                            "and confirm."
                        )
                    }
                )
            confirmed = True
        event = JourneyEvent.objects.create(
            request=req, type=type, on=on, entered_by=user, on_behalf_of=on_behalf_of, **fields
        )
        _allowed, target = TRANSITIONS[type]
        changes = {}
        if target:
            changes["state"] = target
            if target != S.WAITING:
                changes["overdue"] = False  # only a request waiting for an answer is late
        if type in RESTARTS_CLOCK:
            changes["due_on"] = add_working_days(on, req.organisation.response_target_days)
            changes["overdue"] = False
        if type == EventType.SUBMITTED and req.first_submitted_on is None:
            changes["first_submitted_on"] = on
        if type == EventType.ESCALATED:
            changes["escalation_level"] = fields["level"]
        if changes:
            Request.objects.filter(pk=req.pk).update(**changes)
        if type == EventType.SUBMITTED and req.case.status in (
            Case.Status.INTAKE,
            Case.Status.PLAN,
        ):
            Case.objects.filter(pk=req.case_id).update(status=Case.Status.JOURNEY)
            CaseEvent.objects.create(
                case=req.case,
                kind=CaseEvent.Kind.STATUS,
                happened_on=on,
                actor=user,
                summary=str(Case.Status.JOURNEY.label),
            )
        log_access(
            action=Action.UPDATE,
            processing_activity=ProcessingActivity.CASE_WORK,
            request=request,
            actor=user,
            obj=event,
            household=req.case.household.pseudonym,
            on_behalf_of=on_behalf_of,
            detail=f"{req.reference}: {type}",
        )
        if type == EventType.SUBMITTED:
            shared = ", ".join(piece.ref for piece in shared_pieces(req))
            note = "; confirmed after preview" if confirmed else ""
            log_access(
                action=Action.SHARE,
                processing_activity=ProcessingActivity.CASE_WORK,
                request=request,
                actor=user,
                obj=req,
                household=req.case.household.pseudonym,
                detail=f"with {req.organisation.name}: {shared}{note}",
            )
    return event


def notifications_mark_all_read(*, user) -> int:
    """Mark all of the user's unread notifications as read; returns how many. The
    user's own state, not case data: not logged."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
