"""Breakthrough tables (doorbraaktafels): list, plan, and the meeting page.

Access: a meeting is visible to its team (selectors.visible_meetings); every other
user gets a 404 on every meeting URL. Case data on a meeting page is limited by the
one access policy (cases.selectors.visible_cases) per agenda case.

Access log: the meeting page writes one ``read`` row per agenda case shown (its
household pseudonym, ``detail="meeting <id>"``), also for a case of which only the
pseudonym is shown. The list shows no case data and logs nothing; the planning form
lists the user's visible cases and logs one ``search`` row, like the case list.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from maatwerk.audit import events
from maatwerk.audit.access import permission_required
from maatwerk.audit.models import Action, ProcessingActivity
from maatwerk.audit.services import log_access
from maatwerk.cases.models import Case
from maatwerk.cases.selectors import case_refused
from maatwerk.core.numbers import parse_id
from maatwerk.journeys.selectors import request_refused
from maatwerk.web.forms import add_service_errors

from . import services
from .forms import (
    AgendaForm,
    AttendeeForm,
    AttendeeFormSet,
    DecisionForm,
    MeetingForm,
    MinutesForm,
)
from .selectors import (
    agenda_for,
    attendee_warnings,
    hidden_meeting,
    invited_meetings,
    may_manage,
    meeting_for,
    meeting_refused,
    visible_meetings,
)

# The list shows this many earlier meetings, the most recent first.
EARLIER_SHOWN = 50


@permission_required("meetings.view_meeting")
def meeting_list(request):
    """Every meeting the user may see: of their team, organised by them, about one of
    their cases, or one they are invited to (those also in a list of their own)."""
    now = timezone.now()
    meetings = visible_meetings(request.user).select_related("organiser")
    upcoming = list(meetings.filter(starts_at__gte=now).order_by("starts_at", "id"))
    past = list(meetings.filter(starts_at__lt=now).order_by("-starts_at", "-id")[:EARLIER_SHOWN])
    invited = set(
        invited_meetings(request.user).filter(starts_at__gte=now).values_list("pk", flat=True)
    )
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "upcoming": upcoming,
            "past": past,
            "invitations": [meeting for meeting in upcoming if meeting.pk in invited],
            "earlier_shown": EARLIER_SHOWN,
        },
    )


@permission_required("meetings.add_meeting")
def meeting_create(request):
    # The organiser's (first) team; none for a coordinator without a team.
    team = request.user.teams.filter(active=True).order_by("pk").first()
    data = request.POST if request.method == "POST" else None
    case_pk = parse_id(request.GET.get("case"))
    initial = {"cases": [case_pk]} if case_pk is not None else {}
    form = MeetingForm(data, user=request.user, initial=initial)
    attendees = AttendeeFormSet(data, prefix="attendee")
    if request.method == "POST" and form.is_valid() and attendees.is_valid():
        try:
            meeting = services.meeting_create(
                request=request,
                user=request.user,
                team=team,
                title=form.cleaned_data["title"],
                starts_at=form.starts_at(),
                location=form.cleaned_data["location"],
                cases=list(form.cleaned_data["cases"]),
                attendees=[
                    {**row, "user": row.get("invitee")} for row in attendees.cleaned_data if row
                ],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The breakthrough table has been planned."))
            return redirect("meetings:meeting_detail", pk=meeting.pk)
    log_access(
        action=Action.SEARCH,
        processing_activity=ProcessingActivity.CASE_WORK,
        request=request,
        object_type=Case._meta.label_lower,
        detail="meeting form",
    )
    return render(request, "meetings/meeting_form.html", {"form": form, "attendees": attendees})


def _post(request, meeting, entries):
    """Handle one of the meeting page's forms; returns the bound form with errors, or
    None after a successful save (the caller redirects)."""
    if not request.user.has_perm("meetings.change_meeting"):
        raise meeting_refused(meeting.pk, detail="meetings.change_meeting")
    action = request.POST.get("action")
    if action in ("attendee", "agenda") and not may_manage(request.user, meeting):
        # Attendees and agenda are the planning team's (or organiser's).
        raise meeting_refused(meeting.pk, detail=f"{action} of a meeting of another team")
    if action == "attendee":
        form = AttendeeForm(request.POST, prefix="attendee")
        if form.is_valid():
            try:
                services.attendee_add(
                    request=request, user=request.user, meeting=meeting, **form.cleaned_data
                )
                return None
            except ValidationError as error:
                add_service_errors(form, error)
        return ("attendee", None, form)
    if action == "agenda":
        form = AgendaForm(request.POST, prefix="agenda", user=request.user, meeting=meeting)
        if form.is_valid():
            try:
                services.agenda_add(
                    request=request, user=request.user, meeting=meeting, **form.cleaned_data
                )
                return None
            except ValidationError as error:
                add_service_errors(form, error)
        return ("agenda", None, form)
    visible = {entry.case.pk: entry for entry in entries if entry.visible}
    if action == "minutes":
        case_pk = _int(request.POST.get("case"))
        entry = visible.get(case_pk)
        if entry is None:
            if case_pk is None:
                raise Http404
            raise case_refused(case_pk, detail=f"minutes at meeting {meeting.pk}")
        form = MinutesForm(request.POST, prefix=f"minutes-{entry.case.pk}")
        if form.is_valid():
            try:
                services.minutes_add(
                    request=request,
                    user=request.user,
                    meeting=meeting,
                    case=entry.case,
                    text=form.cleaned_data["text"],
                )
                return None
            except ValidationError as error:
                add_service_errors(form, error)
        return ("minutes", entry.case.pk, form)
    if action == "decide":
        pk = _int(request.POST.get("request"))
        req = next((r for e in visible.values() for r in e.requests if r.pk == pk), None)
        if req is None:
            if pk is None:
                raise Http404
            raise request_refused(pk, detail=f"decision at meeting {meeting.pk}")
        form = DecisionForm(request.POST, prefix=f"decide-{req.pk}")
        if form.is_valid():
            try:
                services.decision_record(
                    request=request,
                    user=request.user,
                    meeting=meeting,
                    req=req,
                    **form.cleaned_data,
                )
                return None
            except ValidationError as error:
                add_service_errors(form, error)
        return ("decide", req.pk, form)
    raise Http404


def _int(value):
    return parse_id(value)


@permission_required("meetings.view_meeting", hide=hidden_meeting("pk"))
def meeting_detail(request, pk):
    meeting = meeting_for(request.user, pk)
    entries = agenda_for(meeting, request.user)
    failed = None
    if request.method == "POST":
        failed = _post(request, meeting, entries)
        if failed is None:
            messages.success(request, _("Saved."))
            return redirect("meetings:meeting_detail", pk=meeting.pk)
        entries = agenda_for(meeting, request.user)

    def bound(kind, key, form_class, prefix):
        if failed and failed[0] == kind and failed[1] == key:
            return failed[2]
        return form_class(prefix=prefix)

    for entry in entries:
        entry.minutes_form = bound(
            "minutes", entry.case.pk, MinutesForm, f"minutes-{entry.case.pk}"
        )
        for req in entry.requests:
            req.decision_form = bound("decide", req.pk, DecisionForm, f"decide-{req.pk}")
    attendee_form = bound("attendee", None, AttendeeForm, "attendee")
    attendees = list(meeting.attendees.select_related("organisation"))
    agenda_form = failed[2] if failed and failed[0] == "agenda" else None
    if agenda_form is None:
        agenda_form = AgendaForm(prefix="agenda", user=request.user, meeting=meeting)
    # One row per case on the agenda, appended in one statement.
    events.case_reads(request, [entry.case for entry in entries], detail=f"meeting {meeting.pk}")
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "entries": entries,
            "attendees": attendees,
            "invited": any(a.user_id == request.user.pk for a in attendees),
            "attendee_warnings": attendee_warnings(meeting),
            "attendee_form": attendee_form,
            "in_future": meeting.starts_at > timezone.now(),
            "may_change": request.user.has_perm("meetings.change_meeting"),
            # Attendees and agenda: the planning team and the organiser.
            "may_manage": request.user.has_perm("meetings.change_meeting")
            and may_manage(request.user, meeting),
            # The table's decisions are recorded by whoever may log journey steps, or
            # by the organiser (a coordinator, whose access to the case is read-only).
            "may_decide": request.user.has_perm("meetings.change_meeting")
            and (
                request.user.has_perm("journeys.add_journeyevent")
                or meeting.organiser_id == request.user.pk
            ),
            "agenda_form": agenda_form,
        },
    )
