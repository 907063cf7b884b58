"""Reads of breakthrough tables.

A meeting is visible, to users holding ``meetings.view_meeting``, to the members of
its team and its organiser, to the users invited to it (attendees with an account),
and to everyone who may see a case on its agenda (``visible_cases``): the case owner
and team see every meeting about their cases, also one a coordinator runs. Everyone
else gets a 404. Changing the meeting itself (attendees, agenda) is for its team and
organiser (``managed_meetings``); minutes and decisions per case for who may work on
that case. The case data shown about an agenda item never exceeds
what the viewer may see of that case: that is decided by the one access policy,
``maatwerk.cases.selectors.visible_cases``; for a case outside it only the pseudonym
is shown, and no warnings, requests or minutes.
"""

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from maatwerk.accounts.roles import users_with_permission
from maatwerk.audit.access import NO_SUCH_OBJECT, NOT_VISIBLE, Refused
from maatwerk.audit.labels import ids_as_ints
from maatwerk.cases.models import Case
from maatwerk.cases.selectors import visible_cases, workable_cases
from maatwerk.journeys.models import JourneyEvent, Request
from maatwerk.journeys.selectors import visible_requests
from maatwerk.journeys.workflow import OPEN_STATES
from maatwerk.register.models import Organisation

from .models import AgendaItem, Attendee, Decision, Meeting, Minutes


def _may_view(user) -> bool:
    return user.is_authenticated and user.is_active and user.has_perm("meetings.view_meeting")


def managed_meetings(user) -> QuerySet[Meeting]:
    """The meetings the user plans with: their team's, or the ones they organise."""
    if not _may_view(user):
        return Meeting.objects.none()
    mine = Meeting.objects.filter(Q(team__members=user) | Q(organiser=user)).values("pk")
    return Meeting.objects.filter(pk__in=mine)


def visible_meetings(user) -> QuerySet[Meeting]:
    if not _may_view(user):
        return Meeting.objects.none()
    about_my_cases = AgendaItem.objects.filter(case__in=visible_cases(user)).values("meeting_id")
    invited = Attendee.objects.filter(user=user).values("meeting_id")
    planned = Meeting.objects.filter(Q(team__members=user) | Q(organiser=user)).values("pk")
    return Meeting.objects.filter(Q(pk__in=planned) | Q(pk__in=invited) | Q(pk__in=about_my_cases))


def invited_meetings(user) -> QuerySet[Meeting]:
    """The meetings the user is invited to (an attendee with their account)."""
    return visible_meetings(user).filter(
        pk__in=Attendee.objects.filter(user=user).values("meeting_id")
    )


def meeting_refused(pk, *, detail: str = NOT_VISIBLE) -> Refused:
    """The refusal of meeting ``pk`` (a 404, logged). A meeting is not one household's:
    the row names the meeting, not the households on its agenda."""
    return Refused(
        object_type=Meeting._meta.label_lower,
        object_id=pk,
        detail=detail if Meeting.objects.filter(pk=pk).exists() else NO_SUCH_OBJECT,
    )


def hidden_meeting(kwarg: str):
    """For ``permission_required(..., hide=hidden_meeting("pk"))``."""
    return lambda kwargs: meeting_refused(kwargs[kwarg])


def meeting_for(user, pk) -> Meeting:
    meeting = (
        visible_meetings(user).select_related("organiser", "team__organisation").filter(pk=pk)
    ).first()
    if meeting is None:
        raise meeting_refused(pk)
    return meeting


def may_manage(user, meeting: Meeting) -> bool:
    return managed_meetings(user).filter(pk=meeting.pk).exists()


def open_requests(case_ids) -> QuerySet[Request]:
    """The open requests of these cases. Not scoped here: ``case_ids`` are the agenda
    cases the viewer may see (``agenda_for`` takes them from ``visible_cases``)."""
    return (
        Request.objects.filter(case_id__in=case_ids, state__in=OPEN_STATES)
        .select_related("organisation")
        .order_by("case_id", "id")
    )


@dataclass
class AgendaEntry:
    case: Case
    visible: bool
    workable: bool = False  # the viewer may write minutes and decisions for it
    requests: list[Request] = field(default_factory=list)
    minutes: list[Minutes] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    decisions: list[JourneyEvent] = field(default_factory=list)
    # For a case the viewer may not see: its open requests they may see anyway (a
    # decision maker: those to their own organisation, to open in their inbox).
    shared_requests: list[Request] = field(default_factory=list)


def agenda_for(meeting: Meeting, user) -> list[AgendaEntry]:
    """The agenda with, per case the viewer may see, its open requests, minutes and
    warnings; a fixed number of queries whatever the length of the agenda."""
    cases = list(
        Case.objects.filter(agenda_items__meeting=meeting)
        .select_related("household", "primary_domain")
        .order_by("agenda_items__order", "agenda_items__id")
    )
    visible_ids = set(
        visible_cases(user).filter(pk__in=[c.pk for c in cases]).values_list("pk", flat=True)
    )
    workable_ids = set(workable_cases(user).filter(pk__in=visible_ids).values_list("pk", flat=True))
    entries = {
        c.pk: AgendaEntry(case=c, visible=c.pk in visible_ids, workable=c.pk in workable_ids)
        for c in cases
    }
    for req in open_requests(visible_ids):
        entries[req.case_id].requests.append(req)
    for row in (
        Minutes.objects.filter(meeting=meeting, case_id__in=visible_ids)
        .select_related("recorded_by")
        .order_by("created_at", "id")
    ):
        entries[row.case_id].minutes.append(row)
    for decision in (
        Decision.objects.filter(meeting=meeting, event__request__case_id__in=visible_ids)
        .select_related("event__request__organisation", "event__entered_by")
        .order_by("event__on", "event_id")
    ):
        entries[decision.event.request.case_id].decisions.append(decision.event)
    hidden_ids = [c.pk for c in cases if c.pk not in visible_ids]
    if hidden_ids:
        for req in (
            visible_requests(user)
            .filter(case_id__in=hidden_ids, state__in=OPEN_STATES)
            .select_related("organisation")
            .order_by("case_id", "id")
        ):
            entries[req.case_id].shared_requests.append(req)
    for case_id, messages in case_warnings(meeting, visible_ids).items():
        entries[case_id].warnings = messages
    return list(entries.values())


def case_warnings(meeting: Meeting, case_ids) -> dict[int, list[str]]:
    """Per agenda case: who is missing at the table. The organisations deciding on its
    open requests must be represented, and so must an organisation covering its
    primary life domain. Not scoped here: ``case_ids`` come from ``agenda_for``, which
    takes them from ``visible_cases``; the warnings name organisations, not case data."""
    case_ids = set(case_ids)
    present = set(
        meeting.attendees.exclude(organisation=None).values_list("organisation_id", flat=True)
    )
    covered_domains = set(
        Organisation.life_domains.through.objects.filter(organisation_id__in=present).values_list(
            "lifedomain_id", flat=True
        )
    )
    warnings: dict[int, list[str]] = {case_id: [] for case_id in case_ids}
    deciding = (
        Request.objects.filter(case_id__in=case_ids, state__in=OPEN_STATES)
        .exclude(organisation_id__in=present)
        .values_list("case_id", "organisation__name")
        .distinct()
        .order_by("case_id", "organisation__name")
    )
    for case_id, name in deciding:
        warnings[case_id].append(
            _(
                "No one at the table represents %(organisation)s, which has to decide "
                "on an open request."
            )
            % {"organisation": name}
        )
    for case in Case.objects.filter(pk__in=case_ids).select_related("primary_domain"):
        if case.primary_domain_id not in covered_domains:
            warnings[case.pk].append(
                _(
                    "No one at the table represents an organisation for the primary life "
                    "domain (%(domain)s)."
                )
                % {"domain": case.primary_domain}
            )
    return warnings


def attendee_warnings(meeting: Meeting) -> list[str]:
    """Attendees who do not know the household. Those who come to decide are not
    flagged: an attendee from an organisation that has to decide on an open request of
    a case on the agenda, or a user who decides for their organisation (a
    maatwerkfunctionaris). Not scoped here: ``meeting`` comes from ``meeting_for`` (the
    policy); the warnings name attendees, not case data."""
    deciding = Request.objects.filter(
        case__agenda_items__meeting=meeting, state__in=OPEN_STATES
    ).values("organisation_id")
    deciders = users_with_permission("journeys.decide_request").values("pk")
    flagged = (
        Attendee.objects.filter(meeting=meeting, knows_household=False)
        .exclude(organisation_id__in=deciding)
        .exclude(user_id__in=deciders)
    )
    return [
        _(
            "%(name)s has no relation to the household: only people who know the family "
            "speak about it."
        )
        % {"name": attendee.name}
        for attendee in flagged
    ]


def meetings_for_case(case: Case) -> QuerySet[Meeting]:
    """Every meeting with this case on its agenda (on the case page, to whoever sees
    the case: ``visible_meetings`` lets them open each). Not scoped here: it starts
    from a case the caller got from ``visible_cases``."""
    return (
        Meeting.objects.filter(agenda__case=case)
        .select_related("organiser")
        .order_by("-starts_at", "-id")
    )


def minutes_for_case(case: Case) -> QuerySet[Minutes]:
    """The minutes kept with a case (shown on the case page, to whoever sees the case).
    Not scoped here: it starts from a case the caller got from ``visible_cases``."""
    return Minutes.objects.filter(case=case).select_related("meeting", "recorded_by")


# --- Names for the access log's page (audit.labels) ----------------------------------
# Unscoped on purpose: they name the objects of log rows for the privacy officer.


def log_labels_meeting(ids: list[str]) -> dict[str, str]:
    rows = Meeting.objects.filter(pk__in=ids_as_ints(ids)).values_list("pk", "title", "starts_at")
    return {
        str(pk): _("breakthrough table “%(title)s” of %(date)s")
        % {"title": title, "date": date_format(localtime(starts_at), "j F Y")}
        for pk, title, starts_at in rows
    }
