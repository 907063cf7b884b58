"""The journeys' jobs that run by themselves: deadlines and escalation
(docs/scheduler.md). ``maatwerk.scheduler.jobs`` runs them, every few minutes:

1. marks the requests whose answer is late as overdue (``mark_overdue``): a request
   is overdue when it is ``waiting`` and today is on or after the next working day
   after its due date (``workflow.overdue_q``); the flag is cleared again for
   requests that no longer wait (``clear_overdue``);
2. sends one notice per overdue request, due date and proposed escalation level
   (``notify_overdue``): in the app to the case owner and to the decision makers of
   the organisation, by e-mail to the case owner and to the organisation's contact
   for the proposed level; never for a request of a closed case.

"Once" is kept in the database. A notice has a key (request, due date, proposed
level); its notices (``notices.Notice``, kind ``overdue``) are created in the same
transaction that sends the e-mails, while the request row is locked, and only when
no row with that key exists yet. A second run, a run on the next day, or a second
scheduler running at the same time finds the rows (or the lock) and sends nothing.
When sending fails, the transaction is rolled back and the next run tries again.

E-mails leave the application, so they carry no special-category data: only the
household's pseudonym, the request's reference, the organisation, the due date and a
link. Never what was asked, the perspective, or a name.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import date
from itertools import islice

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from maatwerk.accounts.roles import users_with_permission
from maatwerk.audit.models import Action, ProcessingActivity
from maatwerk.audit.services import log_access
from maatwerk.cases.models import Case
from maatwerk.notices.models import Kind, Notice
from maatwerk.notices.services import notify
from maatwerk.register.models import Contact, EscalationStep
from maatwerk.web.links import absolute

from .calendar import overdue_from
from .models import Request
from .workflow import BEYOND_ROUTE, overdue_q, proposed_level

logger = logging.getLogger(__name__)

WAITING = Request.State.WAITING
CLOSED = Case.Status.CLOSED
MAX_LEVEL = EscalationStep.Level.NATIONAL
KEY_PREFIX = "overdue"
# The work-side page of a request (``journeys:request_detail``), for the case's
# professionals; in the app, decision makers get their inbox's decide page instead.
REQUEST_PATH = "/journeys/requests/{pk}/"
SUBJECT = "journeys.request"  # what a request's notices are about (notices.policy)
SCHEDULER_USERNAME = "scheduler"
BATCH = 500


def _batched(items, size=BATCH):
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


# --- Keys --------------------------------------------------------------------------


def notice_key(request_id: int, due_on: date, level: int) -> str:
    """One notice per request, due date and proposed escalation level."""
    return f"{KEY_PREFIX}:{request_id}:{due_on.isoformat()}:{level}"


def parse_notice_key(key: str) -> tuple[int, date, int] | None:
    """(request id, due date, proposed level), or None for a key of another kind."""
    try:
        prefix, request_id, due_on, level = key.split(":")
        if prefix != KEY_PREFIX:
            return None
        return int(request_id), date.fromisoformat(due_on), int(level)
    except ValueError:
        return None


def request_url(request_id: int, *, whole_case: bool = True) -> str:
    """The path of a request's page: the work page for those who see the case, the
    decide page of the inbox (only what was shared) for a decision maker."""
    try:
        if whole_case:
            return reverse("journeys:request_detail", args=[request_id])
        return reverse("journeys:decide", args=[request_id])
    except NoReverseMatch:
        return REQUEST_PATH.format(pk=request_id)


# --- 1. Overdue ------------------------------------------------------------------------


def mark_overdue(*, today: date | None = None) -> int:
    """Mark the waiting requests whose answer is late as overdue (``workflow.overdue_q``:
    from the next working day after the due date); returns how many were newly marked.
    One UPDATE, so a request that changes meanwhile is judged on its row as it is.

    No join in it: with a join Django writes ``UPDATE … WHERE id IN (SELECT …)``, and a
    second scheduler waiting for the row lock would not re-check ``overdue = false``
    on the row the first one committed, and count it again (the closed cases are a
    subquery on ``case_id`` instead)."""
    today = today or timezone.localdate()
    closed = Case.objects.filter(status=CLOSED).values("pk")
    return (
        Request.objects.filter(overdue_q(today), overdue=False)
        .exclude(case_id__in=closed)
        .update(overdue=True)
    )


def clear_overdue() -> int:
    """Clear the flag of requests that no longer wait for an answer (refused,
    redirected, approved, …): only a waiting request can be overdue. A new
    submission or an escalation restarts the clock in services.record_event. A closed
    case's requests are not chased either (a request kept open when closing)."""
    closed = Case.objects.filter(status=CLOSED).values("pk")
    return (
        Request.objects.filter(overdue=True)
        .filter(~Q(state=WAITING) | Q(case_id__in=closed))
        .update(overdue=False)
    )


# --- 2. Notices ------------------------------------------------------------------------


def decision_makers(organisation_id: int):
    """The active users who may decide on the organisation's requests: the
    permission through a role (group) or given directly, or a superuser — the same
    users ``visible_requests`` lets see them."""
    return users_with_permission("journeys.decide_request").filter(organisation_id=organisation_id)


def _texts(req: Request, due_on: date, level: int, contact: Contact | None) -> dict:
    """The wording of one notice, in the installation's language. Only the
    pseudonym, the reference, the organisation, the date and a link."""
    with translation.override(settings.LANGUAGE_CODE):
        facts = {
            "reference": req.reference,
            "household": req.case.household.pseudonym,
            "organisation": req.organisation.name,
            "due": date_format(due_on, "DATE_FORMAT"),
            "since": date_format(overdue_from(due_on), "DATE_FORMAT"),
            "level": level,
            "label": "" if level == BEYOND_ROUTE else EscalationStep.Level(level).label,
            "link": absolute(request_url(req.pk)),
            "decide_link": absolute(request_url(req.pk, whole_case=False)),
        }
        subject = _("Maatwerk: request %(reference)s of %(household)s is overdue") % facts
        if level == BEYOND_ROUTE:
            proposal = _(
                "Proposed next step: the request is at the highest escalation level already; "
                "bring the case to the doorbraaktafel or to the coordinator."
            )
        else:
            proposal = (
                _("Proposed next step: escalation level %(level)s (%(label)s) at %(organisation)s.")
                % facts
            )
        message = (
            _(
                "Request %(reference)s of household %(household)s to %(organisation)s was "
                "due on %(due)s and is overdue since %(since)s."
            )
            % facts
            + " "
            + proposal
        )
        lines = [
            _(
                "Request %(reference)s of household %(household)s to %(organisation)s was "
                "due on %(due)s. No answer has been recorded, so it is overdue since "
                "%(since)s."
            )
            % facts,
            "",
        ]
        owner = [*lines, proposal]
        if level == BEYOND_ROUTE:
            contact = None  # beyond the route: no escalation contact to tell
        elif contact is None:
            owner.append(
                _("The Maatwerkregister has no contact for this level at %(organisation)s.") % facts
            )
        elif contact.email:
            owner.append(
                _("The contact for this level in the Maatwerkregister got this notice too.")
            )
        else:
            owner.append(
                _(
                    "The contact for this level in the Maatwerkregister has no e-mail address; "
                    "the register has their phone number."
                )
            )
        to_contact = [
            *lines,
            _(
                "You are the contact for escalation level %(level)s (%(label)s) of "
                "%(organisation)s in the Maatwerkregister. Please see that the request "
                "gets an answer."
            )
            % facts,
        ]
        footer = [
            "",
            _(
                "On purpose, this message names the household only by its pseudonym and "
                "contains no other details: you find them after logging in to Maatwerk."
            ),
        ]
        return {
            "subject": subject,
            "message": message[:500],
            "owner_body": "\n".join(
                [*owner, "", _("The request in Maatwerk: %(link)s") % facts, *footer]
            ),
            "contact_body": "\n".join(
                [*to_contact, "", _("The request in Maatwerk: %(decide_link)s") % facts, *footer]
            ),
        }


def _notify_one(request_id: int, key: str, mail, deciders: dict) -> dict | None:
    """Send the notice ``key`` for one request, once. Returns counts, or None when
    there was nothing (more) to send."""
    with transaction.atomic():
        # Lock the request: a second scheduler skips it (and finds the rows next
        # time); a journey event being recorded on it now makes this run skip it.
        req = (
            Request.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("case__household", "case__owner", "organisation")
            .filter(pk=request_id)
            .first()
        )
        if req is None or req.state != WAITING or not req.overdue or req.due_on is None:
            return None
        if req.case.status == CLOSED:
            return None  # a closed case's requests are not chased
        level = proposed_level(req.escalation_level)
        if notice_key(req.pk, req.due_on, level) != key:
            return None  # the request moved on since the list was made
        if Notice.objects.filter(subject=SUBJECT, object_id=req.pk, key=key).exists():
            return None  # sent before
        step = (
            EscalationStep.objects.filter(organisation_id=req.organisation_id, level=level)
            .select_related("contact")
            .first()
        )
        contact = step.contact if step and step.contact.active else None
        texts = _texts(req, req.due_on, level, contact)

        owner = req.case.owner
        if req.organisation_id not in deciders:
            deciders[req.organisation_id] = list(decision_makers(req.organisation_id))
        recipients = {owner.pk: owner}
        for user in deciders[req.organisation_id]:
            recipients.setdefault(user.pk, user)
        facts = {
            "household": req.case.household.pseudonym,
            "reference": req.reference,
            "organisation": req.organisation.name,
            "due": req.due_on,
            "since": overdue_from(req.due_on),
            "level": level,
        }
        common = {
            "kind": Kind.OVERDUE,
            "case": req.case,
            "subject": SUBJECT,
            "object_id": req.pk,
            "key": key,
            "facts": facts,
            "mailed_by_producer": True,  # the e-mails below
        }
        # The owner gets the work page, a decision maker the decide page of the inbox.
        notify(
            recipients=[owner],
            url_name="journeys:request_detail",
            url_args=[req.pk],
            record_inactive=True,  # the record that the notice went out
            **common,
        )
        notify(
            recipients=[user for pk, user in recipients.items() if pk != owner.pk],
            url_name="journeys:decide",
            url_args=[req.pk],
            **common,
        )

        messages = []
        if owner.is_active and owner.email:
            messages.append((owner.email, texts["owner_body"], False))
        contact_email = contact.email if contact is not None else ""
        if contact_email and contact_email.lower() != (owner.email or "").lower():
            messages.append((contact_email, texts["contact_body"], True))
        sent = refused = 0
        shared = False
        for address, body, outside in messages:
            email = EmailMessage(
                subject=texts["subject"],
                body=body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[address],
                connection=mail,
            )
            try:
                delivered = email.send()
            except smtplib.SMTPRecipientsRefused:
                # A wrong address is not solved by trying again every few minutes.
                logger.warning("Overdue notice %s: the mail server refused an address", key)
                refused += 1
                continue
            # Any other failure rolls the notice back; the next run sends it again.
            sent += delivered
            shared = shared or (outside and delivered > 0)

        if shared:
            log_access(
                action=Action.SHARE,
                processing_activity=ProcessingActivity.CASE_WORK,
                actor=None,
                actor_username=SCHEDULER_USERNAME,
                obj=req,
                household=req.case.household.pseudonym,
                detail=(
                    f"overdue notice {req.reference} (due {req.due_on.isoformat()}) by "
                    f"e-mail to the level {level} escalation contact of "
                    f"{req.organisation.name} (contact {contact.pk})"
                ),
            )
    return {"notices": 1, "notifications": len(recipients), "emails": sent, "refused": refused}


def notify_overdue() -> dict:
    """Send the notices that are due and not sent yet (see the module's docstring)."""
    counts = {"notices": 0, "notifications": 0, "emails": 0, "refused": 0}
    waiting = Request.objects.filter(state=WAITING, overdue=True, due_on__isnull=False).exclude(
        case__status=CLOSED
    )
    pending: dict[str, int] = {
        notice_key(pk, due_on, proposed_level(level)): pk
        for pk, due_on, level in waiting.order_by("pk").values_list(
            "pk", "due_on", "escalation_level"
        )
    }
    # Leave out the notices sent before (looked up through the indexed request column).
    for chunk in _batched(list(pending.values())):
        sent_before = Notice.objects.filter(
            subject=SUBJECT, object_id__in=chunk, kind=Kind.OVERDUE
        ).values_list("key", flat=True)
        for key in sent_before:
            pending.pop(key, None)
    if not pending:
        return counts
    deciders: dict[int, list] = {}
    with get_connection(fail_silently=False) as mail:
        for key, request_id in pending.items():
            result = _notify_one(request_id, key, mail, deciders)
            if result:
                logger.info("Overdue notice %s sent", key)
                for name, value in result.items():
                    counts[name] += value
    return counts
