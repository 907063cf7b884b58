"""The letter to an organisation that does not use Maatwerk: the page that shows it,
its PDF and plain text, and sending it by e-mail from the app.

Only the case team (who may work on the case) gets here. What the letter holds is what
the household agreed to share (``selectors.shared_pieces``); with a safety concern,
downloading or sending it needs the professional's confirmation of exactly that
(``share_digest``), as sending the request does."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from maatwerk.audit.access import permission_required
from maatwerk.audit.models import Action, ProcessingActivity
from maatwerk.audit.services import log_access
from maatwerk.cases.selectors import case_for
from maatwerk.cases.services import case_frame

from .. import services
from ..forms.work import ConfirmShareForm
from ..jobs import decision_makers
from ..letters import letter_for, letter_pdf, letter_text
from ..models import Request
from ..selectors import hidden_request, may_see_case_of, request_for, request_refused, share_digest

S = Request.State
SENDABLE = (S.DRAFT, S.WAITING, S.INFORMATION_REQUESTED)


def _letter_request(request, pk):
    req = request_for(request.user, pk)
    if not may_see_case_of(request.user, req):
        raise request_refused(req.pk, detail="letter: not the case team")
    case = case_for(request.user, req.case_id, for_change=True)
    return req, case


def _confirmed(request, case) -> tuple[ConfirmShareForm | None, str]:
    if not case.safety_concern:
        return None, ""
    confirm = ConfirmShareForm(request.POST if "share_digest" in request.POST else None)
    return confirm, confirm.cleaned_data["share_digest"] if confirm.is_valid() else ""


@permission_required("journeys.add_journeyevent", hide=hidden_request("pk"))
def letter(request, pk):
    req, case = _letter_request(request, pk)
    confirm, confirmed = _confirmed(request, case)
    send_error = ""
    if request.method == "POST":
        try:
            services.letter_send(
                request=request,
                user=request.user,
                req=req,
                base_url=request.build_absolute_uri("/"),
                share_confirmed=confirmed,
            )
        except ValidationError as error:
            problems = error.message_dict
            if confirm is not None and "share_confirmed" in problems:
                for problem in problems["share_confirmed"]:
                    confirm.add_error("confirm_share", problem)
            send_error = " ".join(problems.get("send", []))
        else:
            messages.success(
                request,
                _("The letter has been sent to %(organisation)s by e-mail.")
                % {"organisation": req.organisation.name},
            )
            return redirect("journeys:request_detail", pk=req.pk)
    with transaction.atomic():
        voices = case_frame(request, case, detail=f"letter {req.reference}")
        details = letter_for(req, request.user)
        text = letter_text(details)
    on_platform = decision_makers(req.organisation_id).exists()
    return render(
        request,
        "journeys/letter.html",
        {
            "case": case,
            "req": req,
            "voices": voices,
            "letter": details,
            "text": text,
            "confirm": confirm or None,
            "digest": share_digest(req) if case.safety_concern else "",
            "may_send": settings.SEND_LETTERS and bool(details.address) and req.state in SENDABLE,
            "send_configured": settings.SEND_LETTERS,
            "send_error": send_error,
            "on_platform": on_platform,
        },
    )


def _download(request, pk, *, fmt: str):
    req, case = _letter_request(request, pk)
    if case.safety_concern:
        _form, confirmed = _confirmed(request, case)
        if request.method != "POST" or confirmed != share_digest(req):
            messages.error(
                request,
                _(
                    "There is a safety concern: check what the letter shares and confirm it "
                    "before you download it."
                ),
            )
            return redirect("journeys:letter", pk=req.pk)
    details = letter_for(req, request.user)
    with transaction.atomic():
        log_access(
            action=Action.EXPORT,
            processing_activity=ProcessingActivity.CASE_WORK,
            request=request,
            obj=req,
            household=case.household.pseudonym,
            detail=(
                f"letter ({fmt}) to {req.organisation.name}: "
                + ", ".join(piece.ref for piece in details.pieces)
            ),
        )
    name = f"verzoek-{details.quote.replace('/', '-')}"
    if fmt == "pdf":
        response = HttpResponse(
            letter_pdf(details, base_url=request.build_absolute_uri("/")),
            content_type="application/pdf",
        )
    else:
        response = HttpResponse(letter_text(details), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@permission_required("journeys.add_journeyevent", hide=hidden_request("pk"))
def letter_pdf_view(request, pk):
    return _download(request, pk, fmt="pdf")


@permission_required("journeys.add_journeyevent", hide=hidden_request("pk"))
def letter_text_view(request, pk):
    return _download(request, pk, fmt="txt")
