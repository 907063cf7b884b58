"""Every write of requests and journey events (keyword-only, atomic, validating,
logged in the same transaction)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from maatwerk.audit.models import Action, ProcessingActivity
from maatwerk.audit.services import log_access
from maatwerk.cases import search
from maatwerk.cases.attention import refresh_attention
from maatwerk.cases.documents import document_errors, stored_document
from maatwerk.cases.models import Case, CaseEvent
from maatwerk.core.dates import date_problem
from maatwerk.core.uploads import (
    DOCUMENT_EXTENSIONS,
    DOCUMENT_MAX_BYTES,
    detect_type,
    document_problem,
)

from .letters import Letter, letter_for, letter_pdf
from .models import (
    Attachment,
    EventType,
    JourneyEvent,
    RedirectReason,
    Request,
    attachment_files,
)
from .notices import announce
from .selectors import response_target, share_digest, shared_pieces
from .workflow import (
    CONDITION_ANSWER_STATES,
    FORWARDABLE_STATES,
    NOT_FOR_CLOSED_CASES,
    TRANSITIONS,
    step_changes,
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


def _validate(req: Request, event_type: str, on, fields: dict, *, taken_earlier=False) -> None:
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
    elif not taken_earlier:
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
    if event_type == EventType.REDIRECTED:
        target = fields.get("redirected_to_organisation")
        if target is None and not fields.get("redirected_to", "").strip():
            errors["redirected_to"] = _("Say to which organisation or desk it was redirected.")
        elif target is not None and target.pk == req.organisation_id:
            errors["redirected_to_organisation"] = _(
                "Redirect to another organisation than the one the request is addressed to."
            )
        if fields.get("reason") and fields["reason"] not in RedirectReason.values:
            errors["reason"] = _("Choose a reason for a redirect from the list.")
    if errors:
        raise ValidationError(errors)


def require_share_confirmed(req: Request, share_confirmed: str) -> None:
    """With a safety concern, something new goes to the organisation only after the
    professional confirmed exactly what (``share_digest`` of the pieces shown)."""
    if share_confirmed != share_digest(req):
        raise ValidationError(
            {
                "share_confirmed": _(
                    "There is a safety concern: check what will be shared with the "
                    "organisation and confirm it first."
                )
                if not share_confirmed
                else _(
                    "What will be shared changed after you checked it. Check it again and confirm."
                )
            }
        )


def record_event(
    *,
    request,
    user,
    req: Request,
    type: str,
    on=None,
    on_behalf_of: str = "",
    share_confirmed: str = "",
    taken_earlier: bool = False,
    **fields,
) -> JourneyEvent:
    """Append one journey event and bring the request's state along.

    ``fields``: reason, text, level, escalated_to, redirected_to, household_agrees,
    corrects. Raises ValidationError (field by field) when the event does not fit.

    Sending (``submitted``) shares the request with the organisation. When the case has
    a safety concern, that needs the professional's confirmation of exactly what is
    shared: ``share_confirmed`` is the ``share_digest`` of the preview they saw.

    ``taken_earlier``: the step was taken on ``on`` and is recorded only now (a
    decision of a breakthrough table, dated on the day of the meeting), so it may be
    dated before steps logged meanwhile. It is still checked against the request's
    state now, and the journey places it by its date (events are ordered by ``on``,
    then by the order they were recorded in).
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
        if type == EventType.REDIRECTED and fields.get("redirected_to_organisation") is not None:
            # A target from the register is named by its register name.
            fields["redirected_to"] = fields["redirected_to_organisation"].name
        _validate(req, type, on, fields, taken_earlier=taken_earlier)
        confirmed = False
        if type == EventType.SUBMITTED and req.case.safety_concern:
            require_share_confirmed(req, share_confirmed)
            confirmed = True
        event = JourneyEvent.objects.create(
            request=req, type=type, on=on, entered_by=user, on_behalf_of=on_behalf_of, **fields
        )
        changes = step_changes(
            type,
            on,
            first_submitted_on=req.first_submitted_on,
            escalation_level=req.escalation_level,
            level=fields.get("level"),
            target_days=lambda level: response_target(req.organisation, level),
        )
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
        # Who must hear of it: notices in this same transaction (an outbox).
        announce(user=user, req=req, event=event, due_on=changes.get("due_on"))
        refresh_attention([req.case_id])
    return event


def request_forward(
    *, request, user, req: Request, organisation, subject: str, on=None, **fields
) -> Request:
    """Forward a redirected (or refused) request to the organisation the redirect
    pointed to, in one step: a new draft request of the same case to ``organisation``
    (``fields`` as for ``request_create``, pre-filled by the caller from ``req``), linked
    to the old one by ``forwarded_from``, and a ``forwarded`` step on the old request
    naming the new one. Sending the new request is ``record_event(type="submitted")``,
    in the caller's transaction."""
    with transaction.atomic():
        old = Request.objects.select_for_update().select_related("case").get(pk=req.pk)
        if old.state not in FORWARDABLE_STATES:
            raise ValidationError(
                {
                    "organisation": _(
                        "Only a redirected or refused request can be forwarded; this one is "
                        "“%(state)s”."
                    )
                    % {"state": old.get_state_display()}
                }
            )
        if organisation is not None and organisation.pk == old.organisation_id:
            raise ValidationError(
                {
                    "organisation": _(
                        "Forward the request to another organisation than %(organisation)s."
                    )
                    % {"organisation": old.organisation.name}
                }
            )
        new = request_create(
            request=request,
            user=user,
            case=old.case,
            organisation=organisation,
            subject=subject,
            forwarded_from=old,
            **fields,
        )
        record_event(
            request=request,
            user=user,
            req=old,
            type=EventType.FORWARDED,
            on=on,
            redirected_to_organisation=organisation,
            redirected_to=organisation.name,
            forwarded_to=new,
        )
    return new


# --- Attachments ---------------------------------------------------------------------

# One check for every attached document (core.uploads): requests and plans alike.
ATTACHMENT_MAX_BYTES = DOCUMENT_MAX_BYTES
ATTACHMENT_EXTENSIONS = DOCUMENT_EXTENSIONS
attachment_problem = document_problem


def _sharing_problems(req: Request, *, household_agreed: bool, confirmed: bool) -> dict:
    errors = {}
    if not household_agreed:
        errors["household_agreed"] = _(
            "A document goes to the organisation only when the household agreed to that."
        )
    if req.case.safety_concern and not confirmed:
        errors["confirm_share"] = _(
            "There is a safety concern: check that this document may go to the organisation "
            "and confirm it."
        )
    return errors


def attachment_add(
    *,
    request,
    user,
    req: Request,
    upload,
    kind: str,
    description: str = "",
    share: bool = False,
    household_agreed: bool = False,
    confirmed: bool = False,
) -> Attachment:
    """Attach a document to a request, stored under a random name (the file's own name
    may name someone). With ``share`` the organisation's decision makers see it too:
    that needs the household's agreement, and for a case with a safety concern the
    professional's confirmation. Nothing is stored when anything is wrong."""
    errors = document_errors(upload, kind)
    if share:
        errors.update(
            _sharing_problems(req, household_agreed=household_agreed, confirmed=confirmed)
        )
    if errors:
        raise ValidationError(errors)
    kind_of_content = detect_type(upload)
    today = timezone.localdate()
    with stored_document(attachment_files, upload) as stored, transaction.atomic():
        attachment = Attachment.objects.create(
            request=req,
            kind=kind,
            description=description,
            file=stored,
            content_type=kind_of_content,
            size=upload.size,
            shared_with_organisation=share,
            shared_on=today if share else None,
            uploaded_by=user,
        )
        household = req.case.household.pseudonym
        log_access(
            action=Action.CREATE,
            processing_activity=ProcessingActivity.CASE_WORK,
            request=request,
            actor=user,
            obj=attachment,
            household=household,
            detail=f"{req.reference}: attachment ({kind})",
        )
        if share:
            _log_attachment_share(request, user, req, attachment)
    return attachment


def _log_attachment_share(request, user, req: Request, attachment: Attachment) -> None:
    log_access(
        action=Action.SHARE,
        processing_activity=ProcessingActivity.CASE_WORK,
        request=request,
        actor=user,
        obj=req,
        household=req.case.household.pseudonym,
        detail=(
            f"with {req.organisation.name}: attachment {attachment.pk} ({attachment.kind}) "
            "with the household's agreement"
            + ("; confirmed (safety concern)" if req.case.safety_concern else "")
        ),
    )


def attachment_set_shared(
    *,
    request,
    user,
    attachment: Attachment,
    share: bool,
    household_agreed: bool = False,
    confirmed: bool = False,
) -> Attachment:
    """Share a request's attachment with the organisation, or stop sharing it (what it
    has downloaded by then stays in its hands; the log shows it)."""
    with transaction.atomic():
        attachment = (
            Attachment.objects.select_for_update()
            .select_related("request__case__household", "request__organisation")
            .get(pk=attachment.pk)
        )
        req = attachment.request
        if share == attachment.shared_with_organisation:
            return attachment
        if share:
            errors = _sharing_problems(req, household_agreed=household_agreed, confirmed=confirmed)
            if errors:
                raise ValidationError(errors)
        attachment.shared_with_organisation = share
        attachment.shared_on = timezone.localdate() if share else None
        attachment.save(update_fields=["shared_with_organisation", "shared_on"])
        if share:
            _log_attachment_share(request, user, req, attachment)
        else:
            log_access(
                action=Action.UPDATE,
                processing_activity=ProcessingActivity.CASE_WORK,
                request=request,
                actor=user,
                obj=attachment,
                household=req.case.household.pseudonym,
                detail=f"{req.reference}: attachment no longer shared with the organisation",
            )
    return attachment


# --- The letter to an organisation that does not use Maatwerk ------------------------


def letter_send(*, request, user, req: Request, base_url: str, share_confirmed: str = "") -> Letter:
    """E-mail the request's letter (a PDF) to the organisation's maatwerk contact from
    the register (or its central address), where sending is configured
    (``settings.SEND_LETTERS``). A request not sent yet is sent with it (the
    ``submitted`` step, in the same transaction). The e-mail's own text carries only
    the pseudonym, the reference, the due date and the sender; what the household
    agreed to share is in the attached letter. Logged as a ``share`` naming the
    address's owner and every piece. When the mail server fails, nothing is recorded."""
    if not settings.SEND_LETTERS:
        raise ValidationError(
            {
                "send": _(
                    "Sending e-mail from Maatwerk is not set up here: download the letter "
                    "and send it yourself."
                )
            }
        )
    with transaction.atomic():
        req = (
            Request.objects.select_for_update()
            .select_related("case__household", "case__team", "organisation")
            .get(pk=req.pk)
        )
        if req.state not in (S.DRAFT, S.WAITING, S.INFORMATION_REQUESTED):
            raise ValidationError(
                {
                    "send": _("The letter cannot be sent while the request is “%(state)s”.")
                    % {"state": req.get_state_display()}
                }
            )
        if req.case.safety_concern:
            require_share_confirmed(req, share_confirmed)
        if req.state == S.DRAFT:
            record_event(
                request=request,
                user=user,
                req=req,
                type=EventType.SUBMITTED,
                share_confirmed=share_confirmed,
            )
            req.refresh_from_db()
        letter = letter_for(req, user)
        if not letter.address:
            raise ValidationError(
                {
                    "send": _(
                        "The register has no e-mail address for %(organisation)s or its "
                        "maatwerk contact: download the letter and send it yourself."
                    )
                    % {"organisation": req.organisation.name}
                }
            )
        content = letter_pdf(letter, base_url=base_url)
        with translation.override(settings.LANGUAGE_CODE):
            facts = {
                "quote": letter.quote,
                "organisation": req.organisation.name,
                "due": date_format(letter.due_on, "DATE_FORMAT"),
                "sender": letter.sender,
                "team": letter.sender_team,
            }
            subject = _("Request for maatwerk, reference %(quote)s") % facts
            body = "\n\n".join(
                [
                    _(
                        "Attached is a request for maatwerk to %(organisation)s, reference "
                        "%(quote)s. We ask you to answer by %(due)s and to quote the "
                        "reference in your answer."
                    )
                    % facts,
                    _(
                        "On purpose, this e-mail itself contains no details of the household: "
                        "they are in the attached letter."
                    ),
                    _("Kind regards,\n%(sender)s, %(team)s") % facts,
                ]
            )
        email = EmailMessage(
            subject=subject,
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[letter.address],
            reply_to=[user.email] if user.email else None,
        )
        email.attach(f"verzoek-{letter.quote.replace('/', '-')}.pdf", content, "application/pdf")
        email.send()  # a failure rolls everything back
        whom = (
            f"maatwerk contact {letter.contact.pk}"
            if letter.contact is not None and letter.contact.email == letter.address
            else "central address"
        )
        shared = ", ".join(piece.ref for piece in letter.pieces)
        confirmed = "; confirmed after preview" if req.case.safety_concern else ""
        log_access(
            action=Action.SHARE,
            processing_activity=ProcessingActivity.CASE_WORK,
            request=request,
            actor=user,
            obj=req,
            household=req.case.household.pseudonym,
            detail=(
                f"letter by e-mail to {req.organisation.name} ({whom}), due "
                f"{letter.due_on.isoformat()}: {shared}{confirmed}"
            ),
        )
    return letter
