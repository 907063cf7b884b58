"""The professional's side of the journey: sending requests, logging what happened,
the journey timeline of a case and the work queue ("werkvoorraad").

Every page starts from the one access policy (cases.selectors); every page that shows
case data writes one access-log row; every write goes through journeys.services."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from maatwerk.audit.access import deny, permission_required
from maatwerk.audit.models import Action, ProcessingActivity
from maatwerk.audit.services import log_access
from maatwerk.cases.audience import plan_excerpt_for_organisation
from maatwerk.cases.selectors import case_for, hidden_case, may_work_on
from maatwerk.cases.services import case_frame
from maatwerk.core.numbers import parse_id
from maatwerk.web.forms import add_service_errors

from .. import services
from ..extensions import refusal_sections
from ..forms.work import (
    AGREES_VALUES,
    AttachmentForm,
    AttachmentShareForm,
    ConditionAnswerForm,
    ConfirmShareForm,
    EventForm,
    QueueFilterForm,
    RequestForm,
)
from ..letters import maatwerk_contact
from ..models import Attachment, EventType, JourneyEvent, Request
from ..selectors import (
    QUEUE_SECTION_SIZE,
    attachment_for,
    counter_arguments,
    due_basis,
    hidden_attachment,
    hidden_request,
    journey_lanes,
    may_forward,
    may_see_case_of,
    next_step,
    queue_actions,
    queue_sections,
    request_attachments,
    request_for,
    request_refused,
    share_digest,
    shared_pieces,
)
from ..workflow import CONDITION_ANSWER_STATES, is_overdue

S = Request.State


# Fields of a posted form that the share preview does not carry along again.
NOT_CARRIED = {"csrfmiddlewaretoken", "share_digest", "confirm_share"}


def _share_preview(request, *, case, req, action: str, confirm, voices):
    """The page that lists exactly what sending ``req`` shares with the organisation
    (a case with a safety concern), with the posted form carried along in hidden
    fields and the confirmation to tick."""
    carried = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in NOT_CARRIED
        for value in values
    ]
    return render(
        request,
        "journeys/share_preview.html",
        {
            "case": case,
            "req": req,
            "voices": voices,
            "pieces": shared_pieces(req),
            "digest": share_digest(req),
            "carried": carried,
            "action": action,
            "confirm": confirm,
        },
    )


def _confirmation(request, case) -> tuple[ConfirmShareForm | None, str]:
    """The share confirmation posted with a form (only asked for when the case has a
    safety concern) and the digest it confirms ('' when none was given)."""
    if not case.safety_concern:
        return None, ""
    confirm = ConfirmShareForm(request.POST if "share_digest" in request.POST else None)
    return confirm, confirm.cleaned_data["share_digest"] if confirm.is_valid() else ""


def _refused(confirm: ConfirmShareForm, error: ValidationError) -> None:
    """The service refused a confirmation (of content that changed since): on the box."""
    for problem in error.message_dict["share_confirmed"]:
        confirm.add_error("confirm_share", problem)


# --- New request ---------------------------------------------------------------------


@permission_required("journeys.add_request", hide=hidden_case("case_pk"))
def request_create(request, case_pk):
    case = case_for(request.user, case_pk, for_change=True)
    # At most what the whole household may hear (cases.audience): never a member's
    # plan or a goal for one member or for the professionals only.
    initial = {"plan_excerpt": plan_excerpt_for_organisation(case)}
    return _request_form_page(request, case, initial=initial)


def _forward_initial(old: Request, target) -> dict:
    """The new request pre-filled from the one it continues: the same question, rule,
    ground and what was shared (shared again only if it is sent)."""
    return {
        "organisation": target.pk if target is not None else None,
        "kind": old.kind,
        "subject": old.subject,
        "regulation": old.regulation_id,
        "rule_text": old.rule_text,
        "legal_ground": old.legal_ground_id,
        "share_perspective": old.share_perspective,
        "plan_excerpt": old.plan_excerpt,
        "extra_shared": old.extra_shared,
        "extra_legal_basis": old.extra_legal_basis,
        "extra_household_agreed_on": old.extra_household_agreed_on,
    }


@permission_required("journeys.add_request", hide=hidden_request("pk"))
def request_forward(request, pk):
    """Forward a redirected (or refused) request to the organisation the redirect named,
    in one step: the request form pre-filled from the old request."""
    old = request_for(request.user, pk)
    if not may_see_case_of(request.user, old):
        raise request_refused(old.pk, detail="forward: not the case team")
    case = case_for(request.user, old.case_id, for_change=True)
    if not may_forward(old):
        messages.error(
            request,
            _("Request %(reference)s cannot be forwarded while it is “%(state)s”.")
            % {"reference": old.reference, "state": old.get_state_display()},
        )
        return redirect("journeys:request_detail", pk=old.pk)
    because = (
        old.events.filter(type__in=[EventType.REDIRECTED, EventType.REFUSED])
        .select_related("redirected_to_organisation")
        .order_by("-on", "-id")
        .first()
    )
    target = because.redirected_to_organisation if because is not None else None
    if target is not None and not target.active:
        target = None
    return _request_form_page(
        request,
        case,
        initial=_forward_initial(old, target),
        forward_of=old,
        because=because,
    )


def _request_form_page(request, case, *, initial, forward_of=None, because=None):
    """The request form: a new request, or one that forwards ``forward_of``."""
    may_send = request.user.has_perm("journeys.add_journeyevent")
    if request.method == "POST":
        form = RequestForm(request.POST, may_send=may_send)
    else:
        form = RequestForm(may_send=may_send, initial=initial)
    confirm, confirmed = _confirmation(request, case)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def preview():
            unsaved = Request(
                case=case,
                organisation=data["organisation"],
                subject=data["subject"],
                **form.request_fields(),
            )
            voices = case_frame(request, case, detail="share preview (new request)")
            return _share_preview(
                request, case=case, req=unsaved, action=request.path, confirm=confirm, voices=voices
            )

        if confirm is not None and data.get("send_now") and not confirmed:
            # A safety concern: first the preview of exactly what will be shared.
            return preview()
        try:
            # One transaction: a request that should have been sent is never left
            # behind as a draft (and a forward never without its new request).
            with transaction.atomic():
                if forward_of is not None:
                    req = services.request_forward(
                        request=request,
                        user=request.user,
                        req=forward_of,
                        organisation=data["organisation"],
                        subject=data["subject"],
                        **form.request_fields(),
                    )
                else:
                    req = services.request_create(
                        request=request,
                        user=request.user,
                        case=case,
                        organisation=data["organisation"],
                        subject=data["subject"],
                        **form.request_fields(),
                    )
                if data.get("send_now"):
                    services.record_event(
                        request=request,
                        user=request.user,
                        req=req,
                        type=EventType.SUBMITTED,
                        on=timezone.localdate(),
                        share_confirmed=confirmed,
                    )
        except ValidationError as error:
            if confirm is not None and "share_confirmed" in getattr(error, "error_dict", {}):
                # What would be shared changed after the preview: show it again.
                _refused(confirm, error)
                return preview()
            add_service_errors(form, error)
        else:
            if data.get("send_now"):
                messages.success(
                    request,
                    _("Request %(reference)s has been sent to %(organisation)s.")
                    % {"reference": req.reference, "organisation": req.organisation.name},
                )
            else:
                messages.success(
                    request,
                    _("Request %(reference)s has been saved as a draft.")
                    % {"reference": req.reference},
                )
            return redirect("journeys:request_detail", pk=req.pk)
    detail = f"forward {forward_of.reference}" if forward_of is not None else "request form"
    voices = case_frame(request, case, detail=detail)
    return render(
        request,
        "journeys/request_form.html",
        {
            "case": case,
            "form": form,
            "voices": voices,
            "forward_of": forward_of,
            "because": because,
        },
    )


# --- One request, for the case team --------------------------------------------------


def _open_conditions(events) -> list[JourneyEvent]:
    """Conditions not superseded by a later entry that corrects them."""
    corrected = {event.corrects_id for event in events if event.corrects_id}
    return [
        event
        for event in events
        if event.type == EventType.CONDITION_ADDED and event.pk not in corrected
    ]


def _record_step(request, req, form, *, confirm=None, confirmed: str = "") -> bool:
    if not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        services.record_event(
            request=request,
            user=request.user,
            req=req,
            type=data["type"],
            on=data["on"],
            on_behalf_of=data["on_behalf_of"].strip(),
            share_confirmed=confirmed,
            **form.event_fields(),
        )
    except ValidationError as error:
        if confirm is not None and "share_confirmed" in getattr(error, "error_dict", {}):
            _refused(confirm, error)
        else:
            add_service_errors(form, error)
        return False
    return True


def _record_answer(request, req, condition, form) -> bool:
    if not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        services.record_event(
            request=request,
            user=request.user,
            req=req,
            type=EventType.CONDITION_ADDED,
            on=data["on"],
            text=condition.text,
            household_agrees=AGREES_VALUES[data["household_agrees"]],
            corrects=condition,
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    return True


def _add_attachment(request, req, form) -> bool:
    if not form.is_valid():
        return False
    try:
        services.attachment_add(
            request=request, user=request.user, req=req, **form.service_fields()
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    return True


def _share_attachment(request, attachment, form) -> bool:
    if not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        services.attachment_set_shared(
            request=request,
            user=request.user,
            attachment=attachment,
            share=data["share"],
            household_agreed=data["household_agreed"],
            confirmed=data.get("confirm_share", False),
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    return True


@permission_required("journeys.view_request", hide=hidden_attachment("pk"))
def attachment_download(request, pk):
    """One attachment, for the case team or (when shared) the organisation's decision
    maker; every download is logged (an export of case data)."""
    attachment, _whole_case = attachment_for(request.user, pk)
    req = attachment.request
    log_access(
        action=Action.EXPORT,
        processing_activity=ProcessingActivity.CASE_WORK,
        request=request,
        obj=attachment,
        household=req.case.household.pseudonym,
        detail=f"{req.reference}: attachment ({attachment.kind})",
    )
    handle = attachment.file.open("rb")
    extension = attachment.file.name.rsplit(".", 1)[-1].lower()
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{req.reference}-{attachment.kind}-{attachment.pk}.{extension}",
        content_type=ATTACHMENT_CONTENT_TYPES.get(attachment.content_type, "application/pdf"),
    )


ATTACHMENT_CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg"}


@permission_required("journeys.view_request", hide=hidden_request("pk"))
def request_detail(request, pk):
    req = request_for(request.user, pk)
    # Decision makers see only what was shared, on their own inbox pages.
    if not may_see_case_of(request.user, req):
        raise request_refused(req.pk, detail="not the case team (the inbox shows what was shared)")
    case = req.case
    steps = list(
        req.organisation.escalation_steps.select_related("contact__organisation").order_by("level")
    )
    # Logging steps is work on the case: not through an emergency access (read-only).
    may_log = request.user.has_perm("journeys.add_journeyevent") and may_work_on(request.user, case)
    initial = {}
    if request.GET.get("on_behalf") and may_log:
        # Recording the answer of an organisation that does not use Maatwerk.
        contact = maatwerk_contact(req.organisation)
        initial["on_behalf_of"] = (
            f"{contact.name}, {req.organisation.name}" if contact else req.organisation.name
        )[:200]
    event_form = EventForm(req=req, steps=steps, initial=initial)
    bound_answer = None  # (condition pk, bound form with errors)
    attach_form = AttachmentForm(safety_concern=case.safety_concern)
    bound_share = None  # (attachment pk, bound form with errors)
    if request.method == "POST":
        if not may_log:
            return deny(
                request,
                processing_activity=ProcessingActivity.CASE_WORK,
                detail="journeys.add_journeyevent",
            )
        action = request.POST.get("action")
        if action == "attach":
            attach_form = AttachmentForm(
                request.POST, request.FILES, safety_concern=case.safety_concern
            )
            if _add_attachment(request, req, attach_form):
                messages.success(request, _("The document has been attached."))
                return redirect("journeys:request_detail", pk=req.pk)
        elif action == "share_attachment":
            attachment_pk = parse_id(request.POST.get("attachment"))
            attachment = (
                Attachment.objects.filter(request=req, pk=attachment_pk).first()
                if attachment_pk is not None
                else None
            )
            if attachment is None:
                messages.error(request, _("This document is not attached to this request."))
                return redirect("journeys:request_detail", pk=req.pk)
            form = AttachmentShareForm(
                request.POST,
                prefix=f"attachment-{attachment.pk}",
                safety_concern=case.safety_concern,
            )
            if _share_attachment(request, attachment, form):
                messages.success(
                    request,
                    _("The document is now shared with %(organisation)s.")
                    % {"organisation": req.organisation.name}
                    if form.cleaned_data["share"]
                    else _("The document is no longer shared with the organisation."),
                )
                return redirect("journeys:request_detail", pk=req.pk)
            bound_share = (attachment.pk, form)
        elif action == "answer":
            condition_pk = parse_id(request.POST.get("condition"))
            condition = (
                JourneyEvent.objects.filter(
                    request=req,
                    type=EventType.CONDITION_ADDED,
                    corrections__isnull=True,
                    pk=condition_pk,
                ).first()
                if condition_pk is not None
                else None
            )
            if condition is None:
                messages.error(
                    request,
                    _("This condition was answered or changed in the meantime; see below."),
                )
                return redirect("journeys:request_detail", pk=req.pk)
            form = ConditionAnswerForm(request.POST, prefix=f"condition-{condition.pk}")
            if _record_answer(request, req, condition, form):
                messages.success(request, _("The household's answer has been recorded."))
                return redirect("journeys:request_detail", pk=req.pk)
            bound_answer = (condition.pk, form)
        else:
            event_form = EventForm(request.POST, req=req, steps=steps)
            confirm, confirmed = _confirmation(request, case)
            sending = (
                event_form.is_valid() and event_form.cleaned_data["type"] == EventType.SUBMITTED
            )
            if sending and confirm is not None and not confirmed:
                # A safety concern: first the preview of exactly what will be shared.
                voices = case_frame(request, case, detail=f"share preview {req.reference}")
                return _share_preview(
                    request, case=case, req=req, action=request.path, confirm=confirm, voices=voices
                )
            if _record_step(
                request, req, event_form, confirm=confirm if sending else None, confirmed=confirmed
            ):
                messages.success(request, _("The step has been added to the journey."))
                return redirect("journeys:request_detail", pk=req.pk)
            if sending and confirm is not None and confirm.errors:
                voices = case_frame(request, case, detail=f"share preview {req.reference}")
                return _share_preview(
                    request, case=case, req=req, action=request.path, confirm=confirm, voices=voices
                )
    with transaction.atomic():
        lanes, _origin = journey_lanes(case)
        lane = next(lane for lane in lanes if lane.request.pk == req.pk)
        events = [step.event for step in lane.steps]
        last = events[-1] if events else None
        refusal = None
        # A refusal or a redirect (the reasons share their codes): what to answer.
        if last is not None and last.type in (EventType.REFUSED, EventType.REDIRECTED):
            refusal = {
                "event": last,
                "arguments": counter_arguments(last.reason) if last.reason else [],
                # What the apps above know that helps (learning: similar precedents,
                # each a link), through journeys.extensions.
                "sections": refusal_sections(request.user, req, last),
            }
        forwarded_from = None
        if req.forwarded_from_id:
            forwarded_from = Request.objects.select_related("organisation").get(
                pk=req.forwarded_from_id
            )
        # Last: the access-log row holds the chain lock until the commit (ADR 0007).
        voices = case_frame(request, case, detail=f"request {req.reference}")
    attachments = []
    for attachment in request_attachments(req, whole_case=True):
        if bound_share and bound_share[0] == attachment.pk:
            form = bound_share[1]
        else:
            form = AttachmentShareForm(
                prefix=f"attachment-{attachment.pk}",
                safety_concern=case.safety_concern,
                initial={"share": "no" if attachment.shared_with_organisation else "yes"},
            )
        attachments.append({"attachment": attachment, "form": form})
    may_answer = may_log and req.state in CONDITION_ANSWER_STATES
    conditions = []
    for condition in _open_conditions(events):
        if bound_answer and bound_answer[0] == condition.pk:
            form = bound_answer[1]
        else:
            form = ConditionAnswerForm(prefix=f"condition-{condition.pk}")
        conditions.append({"event": condition, "form": form})
    return render(
        request,
        "journeys/request_detail.html",
        {
            "case": case,
            "req": req,
            "voices": voices,
            "lane": lane,
            "refusal": refusal,
            "conditions": conditions,
            "may_answer": may_answer,
            # A form with errors stays visible even when nothing fits the state any more.
            "event_form": event_form
            if may_log and (event_form.allowed or event_form.is_bound)
            else None,
            "steps": steps,
            "is_overdue": is_overdue(req, timezone.localdate()),
            "due_basis": due_basis(req, events, steps),
            "next_step": next_step(req, steps),
            "may_forward": may_log and may_forward(req),
            "forwarded_from": forwarded_from,
            "attachments": attachments,
            "attach_form": attach_form if may_log else None,
        },
    )


# --- Journey timeline of a case ------------------------------------------------------


@dataclass
class Marker:
    step: object
    left: str  # CSS percentage, always with a decimal point
    row: int  # label row, so that labels of steps close in time do not overlap
    end: bool  # in the right part of the axis: the label extends to the left


# The share of the axis one label may cover on the narrowest track (a 12rem label on
# a 46rem track, see maatwerk.css); on wider screens labels take less.
LABEL_SPAN = 27.0
LABEL_ROWS = 4


def _percent(day: int, total: int) -> str:
    return f"{day / total * 100:.2f}"


def _markers(steps, total: int) -> tuple[list[Marker], int]:
    """Place each step's label in the first row where it overlaps no other label."""
    rows: list[list[tuple[float, float]]] = []
    markers = []
    for index, step in enumerate(steps):
        left = step.day / total * 100
        end = left > 100 - LABEL_SPAN
        span = (left - LABEL_SPAN, left) if end else (left, left + LABEL_SPAN)
        row = next(
            (
                number
                for number, taken in enumerate(rows)
                if all(span[1] <= start or span[0] >= stop for start, stop in taken)
            ),
            None,
        )
        if row is None:
            if len(rows) < LABEL_ROWS:
                rows.append([])
                row = len(rows) - 1
            else:
                row = index % LABEL_ROWS
        rows[row].append(span)
        markers.append(Marker(step=step, left=_percent(step.day, total), row=row, end=end))
    return markers, len(rows)


def _timeline_axis(lanes, origin: date | None, today: date):
    if origin is None:
        return None, []
    last_day = max([(today - origin).days, *(step.day for lane in lanes for step in lane.steps)])
    total = max(last_day, 1)
    ticks = []
    for fraction in (0, 1, 2, 3, 4):
        day = round(total * fraction / 4)
        if not ticks or ticks[-1]["day"] != day:
            ticks.append(
                {"day": day, "on": origin + timedelta(days=day), "left": _percent(day, total)}
            )
    return total, ticks


@permission_required("journeys.view_request", hide=hidden_case("case_pk"))
def timeline(request, case_pk):
    today = timezone.localdate()
    with transaction.atomic():
        case = case_for(request.user, case_pk)
        lanes, origin = journey_lanes(case, today=today)
        # Last: the access-log row holds the chain lock until the commit (ADR 0007).
        voices = case_frame(request, case, detail="journey timeline")
    total, ticks = _timeline_axis(lanes, origin, today)
    rows = []
    for lane in lanes:
        lane.markers, lane.label_rows = _markers(lane.steps, total)
        lane.wait_bar = None
        if lane.waiting_days is not None and lane.steps:
            start = lane.steps[-1].day
            lane.wait_bar = {
                "left": _percent(start, total),
                "width": _percent((today - origin).days - start, total),
            }
        rows.extend((lane, step) for step in lane.steps)
    return render(
        request,
        "journeys/timeline.html",
        {
            "case": case,
            "voices": voices,
            "lanes": lanes,
            "origin": origin,
            "total_days": total,
            "ticks": ticks,
            "rows": rows,
            "today": today,
        },
    )


# --- Work queue ----------------------------------------------------------------------


@permission_required("journeys.add_journeyevent")
def queue(request):
    form = QueueFilterForm(request.GET)
    scope = (form.cleaned_data.get("scope") if form.is_valid() else "") or "mine"
    today = timezone.localdate()
    with transaction.atomic():
        sections, totals = queue_sections(request.user, scope=scope, today=today)
        actions, action_totals = queue_actions(request.user, scope=scope, today=today)
        totals.update(action_totals)
        log_access(
            action=Action.SEARCH,
            processing_activity=ProcessingActivity.CASE_WORK,
            request=request,
            object_type=Request._meta.label_lower,
            detail=f"work queue; scope={scope}; actions shown={len(actions)}",
        )
    return render(
        request,
        "journeys/queue.html",
        {
            "form": form,
            "scope": scope,
            "sections": sections,
            "actions": actions,
            "totals": totals,
            "section_size": QUEUE_SECTION_SIZE,
            "follow_up_days": settings.REFUSAL_FOLLOW_UP_DAYS,
            "today": today,
        },
    )
