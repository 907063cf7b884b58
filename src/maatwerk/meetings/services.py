"""Every write of breakthrough tables (keyword-only, atomic, validating, logged in the
same transaction). Decisions taken at the table go through
``maatwerk.journeys.services.record_event``: they are journey events like any other."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maatwerk.audit import events
from maatwerk.audit.models import Action
from maatwerk.cases.selectors import workable_cases
from maatwerk.journeys.models import EventType, JourneyEvent, Request
from maatwerk.journeys.services import record_event
from maatwerk.journeys.workflow import OPEN_STATES
from maatwerk.notices.models import Kind
from maatwerk.notices.policy import CASE
from maatwerk.notices.services import notify, owner_and_team

from .models import AgendaItem, Attendee, Decision, Meeting, Minutes

DECISION_TYPES = (EventType.APPROVED, EventType.REFUSED, EventType.CONDITION_ADDED)


def _announce(*, user, meeting: Meeting, case) -> None:
    """The case owner (and, by preference, the team) hear that the case is on the
    agenda of a doorbraaktafel: a notice about the case (shown while they may see the
    case), in this transaction; the scheduler delivers it (docs/notices.md). The
    pseudonym and the meeting's date only, not its title."""
    notify(
        kind=Kind.MEETING_PLANNED,
        recipients=owner_and_team(case),
        case=case,
        subject=CASE,
        object_id=case.pk,
        key=f"{Kind.MEETING_PLANNED}:{meeting.pk}:{case.pk}",
        facts={
            "household": case.household.pseudonym,
            "date": timezone.localdate(meeting.starts_at),
        },
        url_name="cases:case_detail",
        url_args=[case.pk],
        actor=user,
    )


def meeting_create(
    *, request, user, team, title, starts_at, location="", cases=(), attendees=()
) -> Meeting:
    """``attendees``: dicts with name, organisation, knows_household, and user (an
    attendee with an account; name and organisation then default to the user's). Only
    cases the organiser may see can be put on the agenda."""
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("Give the meeting a title.")
    # A team's member plans it for the team; someone without a team (a coordinator of
    # the national desk, for escalated cases) plans it for themselves.
    if team is None:
        if user.teams.filter(active=True).exists():
            errors["__all__"] = _("Plan the breakthrough table for your team.")
    elif not user.teams.filter(pk=team.pk, active=True).exists():
        errors["__all__"] = _("You can only plan a breakthrough table for your own team.")
    case_ids = [case.pk for case in cases]
    if not case_ids:
        errors["cases"] = _("Put at least one case on the agenda.")
    elif workable_cases(user).filter(pk__in=case_ids).count() != len(set(case_ids)):
        errors["cases"] = _("Only cases you may see can be put on the agenda.")
    attendees = [_attendee_fields(a) for a in attendees]
    users = [a["user"].pk for a in attendees if a["user"] is not None]
    for attendee in attendees:
        if not attendee["name"]:
            errors["attendees"] = _("Every attendee needs a name.")
    if len(users) != len(set(users)):
        errors["attendees"] = _("Each user can be invited only once.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        meeting = Meeting.objects.create(
            title=title.strip(), starts_at=starts_at, location=location, organiser=user, team=team
        )
        AgendaItem.objects.bulk_create(
            [AgendaItem(meeting=meeting, case=case, order=i) for i, case in enumerate(cases)]
        )
        for case in cases:
            _announce(user=user, meeting=meeting, case=case)
        Attendee.objects.bulk_create([Attendee(meeting=meeting, **a) for a in attendees])
        events.case_work(
            request, user=user, action=Action.CREATE, obj=meeting, detail=f"{len(case_ids)} cases"
        )
    return meeting


def agenda_add(*, request, user, meeting, case) -> AgendaItem:
    """Put one more case on the agenda: one the user may see, not on it yet."""
    if case is None or not workable_cases(user).filter(pk=case.pk).exists():
        raise ValidationError({"case": _("Only cases you may see can be put on the agenda.")})
    with transaction.atomic():
        if AgendaItem.objects.filter(meeting=meeting, case=case).exists():
            raise ValidationError({"case": _("This case is already on the agenda.")})
        order = AgendaItem.objects.filter(meeting=meeting).count()
        item = AgendaItem.objects.create(meeting=meeting, case=case, order=order)
        _announce(user=user, meeting=meeting, case=case)
        events.case_work(
            request,
            user=user,
            action=Action.UPDATE,
            obj=meeting,
            household=case.household.pseudonym,
            detail=f"agenda: case {case.pk}",
        )
    return item


def _attendee_fields(attendee: dict) -> dict:
    """An attendee's fields: a user's name and organisation are the account's unless
    given."""
    invitee = attendee.get("user")
    name = (attendee.get("name") or "").strip()
    organisation = attendee.get("organisation")
    if invitee is not None:
        name = name or invitee.display_name
        organisation = organisation or invitee.organisation
    return {
        "name": name,
        "organisation": organisation,
        "user": invitee,
        "knows_household": bool(attendee.get("knows_household")),
    }


def attendee_add(
    *,
    request,
    user,
    meeting,
    name="",
    organisation=None,
    knows_household=False,
    invitee=None,
):
    """One more attendee: a named outsider (name and organisation, no account), or a
    user (``invitee``), who is invited in the app and by e-mail (jobs.py)."""
    fields = _attendee_fields(
        {
            "name": name,
            "organisation": organisation,
            "knows_household": knows_household,
            "user": invitee,
        }
    )
    if invitee is not None and not invitee.is_active:
        raise ValidationError({"invitee": _("This account is not active.")})
    if not fields["name"]:
        raise ValidationError({"name": _("Give the attendee's name.")})
    with transaction.atomic():
        Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
        if invitee is not None and meeting.attendees.filter(user=invitee).exists():
            raise ValidationError({"invitee": _("This user is already invited.")})
        attendee = Attendee.objects.create(meeting=meeting, **fields)
        events.case_work(
            request, user=user, action=Action.UPDATE, obj=meeting, detail=f"attendee {attendee.pk}"
        )
    return attendee


def _check_case(user, meeting, case) -> None:
    on_agenda = AgendaItem.objects.filter(meeting=meeting, case=case).exists()
    if not on_agenda or not workable_cases(user).filter(pk=case.pk).exists():
        raise ValidationError(_("This case is not on the agenda of this meeting."))


def minutes_add(*, request, user, meeting, case, text) -> Minutes:
    _check_case(user, meeting, case)
    if not (text or "").strip():
        raise ValidationError({"text": _("Write down what was said or agreed.")})
    with transaction.atomic():
        row = Minutes.objects.create(
            meeting=meeting, case=case, text=text.strip(), recorded_by=user
        )
        events.case_work(
            request,
            user=user,
            action=Action.CREATE,
            obj=row,
            household=case.household.pseudonym,
            detail=f"meeting {meeting.pk}",
        )
    return row


def decision_record(
    *, request, user, meeting, req: Request, type: str, text="", reason=""
) -> JourneyEvent:
    """A decision taken at the table, recorded as a journey event dated on the day of
    the meeting, and linked to the meeting (``Decision``). A meeting that has not taken
    place yet cannot have decided anything. Recorded later, it may be dated before
    steps logged meanwhile: the journey places it on the meeting's day."""
    if type not in DECISION_TYPES:
        raise ValidationError({"type": _("Choose approve, refuse or add a condition.")})
    _check_case(user, meeting, req.case)
    if req.state not in OPEN_STATES:
        raise ValidationError({"type": _("This request is not open.")})
    on = timezone.localtime(meeting.starts_at).date()
    if on > timezone.localdate() or meeting.starts_at > timezone.now():
        raise ValidationError(
            _("The meeting has not taken place yet: decisions are recorded after it.")
        )
    fields = {"text": text}
    if type == EventType.REFUSED:
        fields["reason"] = reason
    with transaction.atomic():
        event = record_event(
            request=request,
            user=user,
            req=req,
            type=type,
            on=on,
            on_behalf_of=f"doorbraaktafel {meeting.title}"[:200],
            taken_earlier=True,
            **fields,
        )
        Decision.objects.create(meeting=meeting, event=event)
    return event
