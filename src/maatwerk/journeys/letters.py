"""The letter (or e-mail) to an organisation that does not use Maatwerk: the request in
Dutch, with exactly what the household agreed to share (``selectors.shared_pieces``,
which follows ``cases.audience``), the due date and the reference to quote.

``letter_for`` gathers the facts; ``letter_text`` renders the plain text and
``letter_pdf`` the PDF (WeasyPrint, imported when it runs, as for the printable plan:
it needs Pango from the operating system; see docs/setup.md). Both render in the
installation's language (Dutch), whatever the professional's interface language.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from maatwerk.register.models import Contact, EscalationStep, Organisation

from .calendar import add_working_days
from .models import Request
from .selectors import SharedPiece, response_target, shared_pieces


@dataclass
class Letter:
    request: Request
    organisation: Organisation
    contact: Contact | None  # the organisation's maatwerk contact in the register
    address: str  # where the e-mail goes: the contact's address, else the central one
    pseudonym: str
    quote: str  # the reference to quote in the answer
    pieces: list[SharedPiece]
    due_on: date
    due_days: int
    written_on: date
    sender: str
    sender_team: str
    sender_email: str


def maatwerk_contact(organisation: Organisation) -> Contact | None:
    """The organisation's maatwerk contact from the register: the contact of level 1
    of its escalation route, otherwise its first active contact with an e-mail address."""
    step = (
        EscalationStep.objects.filter(organisation=organisation, level=1, contact__active=True)
        .select_related("contact")
        .first()
    )
    if step is not None:
        return step.contact
    return (
        Contact.objects.filter(organisation=organisation, active=True)
        .exclude(email="")
        .order_by("id")
        .first()
    )


def quote_reference(req: Request) -> str:
    """What the organisation quotes in its answer: the household's pseudonym and the
    request's reference (no name, no case number of another organisation)."""
    return f"{req.case.household.pseudonym}/{req.reference}"


def letter_for(req: Request, user) -> Letter:
    """The facts of the letter for ``req`` (a request the caller got from
    ``request_for`` and whose case the user sees). For a request not sent yet the due
    date is the one it gets when sent today."""
    today = timezone.localdate()
    contact = maatwerk_contact(req.organisation)
    if req.due_on is not None:
        due_on = req.due_on
        due_days = req.due_days or req.organisation.response_target_days
    else:
        due_days = response_target(req.organisation, req.escalation_level)
        due_on = add_working_days(today, due_days)
    with translation.override(settings.LANGUAGE_CODE):
        pieces = shared_pieces(req)
    team = req.case.team
    return Letter(
        request=req,
        organisation=req.organisation,
        contact=contact,
        address=(contact.email if contact is not None and contact.email else "")
        or req.organisation.email,
        pseudonym=req.case.household.pseudonym,
        quote=quote_reference(req),
        pieces=pieces,
        due_on=due_on,
        due_days=due_days,
        written_on=today,
        sender=user.display_name,
        sender_team=team.name if team is not None else "",
        sender_email=user.email,
    )


def letter_text(letter: Letter) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string("journeys/letter.txt", {"letter": letter})


def letter_pdf(letter: Letter, *, base_url: str) -> bytes:
    from weasyprint import HTML

    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string("journeys/letter_print.html", {"letter": letter})
    return HTML(string=html, base_url=base_url).write_pdf()
