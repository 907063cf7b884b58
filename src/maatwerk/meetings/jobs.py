"""The breakthrough table's scheduled job: invite the attendees who have an account.

An attendee with a Maatwerk account sees the meeting in the app at once (its page and
"Your invitations" in the meeting list). On the scheduler's next run after they were
added, they also get an e-mail with a calendar invitation (an iCalendar ``.ics``,
``ics_invitation``), once per start time of the meeting, and only for a meeting that
has not started yet (docs/meetings.md).

"Once" is kept in the database: the ``Invitation`` row (attendee, start time, unique)
is created in the transaction that sends the e-mail, with the attendee's row locked
(a second scheduler skips it and finds the row next time). When sending fails, the
transaction is rolled back and the next run tries again; an address the mail server
refuses is not tried again.

The e-mail leaves the application, so it carries no case words: the households'
pseudonyms, the date and time, the location and a link. Not the meeting's title (it
is free text), not what is on the agenda, not the other attendees.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import UTC, date, datetime, timedelta
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from maatwerk.audit.models import Action, ProcessingActivity
from maatwerk.audit.services import log_access
from maatwerk.cases.models import Household
from maatwerk.web.links import absolute

from .models import Attendee, Invitation, Meeting

logger = logging.getLogger(__name__)

SCHEDULER_USERNAME = "scheduler"
# A meeting has a start time only; the calendar entry blocks this long.
DURATION = timedelta(hours=1)
ICS_FILENAME = "doorbraaktafel.ics"


# --- iCalendar (RFC 5545) ----------------------------------------------------------------


def ics_text(value: str) -> str:
    """A TEXT value: backslash, semicolon, comma and newlines escaped."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def ics_param(value: str) -> str:
    """A parameter value (CN=…): quoted, without the characters a quoted value cannot
    hold."""
    return '"' + value.replace('"', "'").replace("\r", " ").replace("\n", " ") + '"'


def ics_fold(line: str) -> str:
    """Fold a content line into lines of at most 75 octets, never inside a UTF-8
    character (RFC 5545, 3.1)."""
    parts, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        limit = 75 if not parts else 74  # a continuation line starts with a space
        if size + width > limit:
            parts.append(current)
            current, size = "", 0
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def ics_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def ics_invitation(
    *,
    uid: str,
    sequence: int,
    starts_at: datetime,
    summary: str,
    location: str,
    description: str,
    url: str,
    organiser_email: str,
    attendee_name: str,
    attendee_email: str,
    stamp: datetime,
) -> str:
    """A calendar invitation (METHOD:REQUEST) with one event, as iCalendar text: CRLF
    line ends, folded lines, escaped values, times in UTC."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Maatwerk//Doorbraaktafel//NL",
        "CALSCALE:GREGORIAN",
        "METHOD:REQUEST",
        "BEGIN:VEVENT",
        f"UID:{ics_text(uid)}",
        f"SEQUENCE:{sequence}",
        f"DTSTAMP:{ics_time(stamp)}",
        f"DTSTART:{ics_time(starts_at)}",
        f"DTEND:{ics_time(starts_at + DURATION)}",
        f"SUMMARY:{ics_text(summary)}",
        f"LOCATION:{ics_text(location)}",
        f"DESCRIPTION:{ics_text(description)}",
        f"URL:{url}",
        f"ORGANIZER;CN={ics_param('Maatwerk')}:mailto:{organiser_email}",
        (
            f"ATTENDEE;CN={ics_param(attendee_name)};ROLE=REQ-PARTICIPANT;"
            f"PARTSTAT=NEEDS-ACTION;RSVP=FALSE:mailto:{attendee_email}"
        ),
        "STATUS:CONFIRMED",
        "TRANSP:OPAQUE",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(ics_fold(line) + "\r\n" for line in lines)


def meeting_uid(meeting: Meeting) -> str:
    """Stable per meeting, so a calendar replaces the entry when the time changes."""
    host = urlsplit(settings.SITE_URL).hostname or "maatwerk.invalid"
    return f"meeting-{meeting.pk}@{host}"


# --- The e-mail ---------------------------------------------------------------------------


def _pseudonyms(meeting: Meeting) -> list[str]:
    return list(
        Household.objects.filter(case__agenda_items__meeting=meeting)
        .order_by("case__agenda_items__order", "case__agenda_items__id")
        .values_list("pseudonym", flat=True)
    )


def invitation_email(attendee: Attendee, *, sequence: int, connection=None) -> EmailMessage:
    """The invitation of one attendee with an account: pseudonyms, date and time,
    location and a link, in the installation's language; the .ics attached."""
    meeting = attendee.meeting
    with translation.override(settings.LANGUAGE_CODE):
        facts = {
            "households": ", ".join(_pseudonyms(meeting)) or "–",
            "when": date_format(timezone.localtime(meeting.starts_at), "j F Y H:i"),
            "location": meeting.location or _("not given yet"),
            "link": absolute(reverse("meetings:meeting_detail", args=[meeting.pk])),
        }
        subject = _("Maatwerk: invitation to a breakthrough table on %(when)s") % facts
        summary = _("Breakthrough table (%(households)s)") % facts
        body = "\n".join(
            [
                _(
                    "You are invited to a breakthrough table about household %(households)s "
                    "on %(when)s."
                )
                % facts,
                _("Location: %(location)s") % facts,
                "",
                _("The meeting in Maatwerk: %(link)s") % facts,
                "",
                _(
                    "On purpose, this message names the household only by its pseudonym and "
                    "contains no other details: you find them after logging in to Maatwerk."
                ),
            ]
        )
        description = _("The meeting in Maatwerk: %(link)s") % facts
    from_address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL
    email = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[attendee.user.email],
        connection=connection,
    )
    email.attach(
        ICS_FILENAME,
        ics_invitation(
            uid=meeting_uid(meeting),
            sequence=sequence,
            starts_at=meeting.starts_at,
            summary=summary,
            location=meeting.location,
            description=description,
            url=facts["link"],
            organiser_email=from_address,
            attendee_name=attendee.user.display_name,
            attendee_email=attendee.user.email,
            stamp=timezone.now(),
        ),
        "text/calendar; method=REQUEST",
    )
    return email


# --- The job --------------------------------------------------------------------------------


def _pending():
    """Attendees with an account, of meetings still to come, not invited for the
    meeting's current start time."""
    sent = Invitation.objects.filter(
        attendee=OuterRef("pk"), starts_at=OuterRef("meeting__starts_at")
    )
    return Attendee.objects.filter(
        user__isnull=False,
        user__is_active=True,
        meeting__starts_at__gt=timezone.now(),
    ).filter(~Exists(sent))


def _invite_one(attendee_id: int, mail) -> dict | None:
    with transaction.atomic():
        attendee = (
            Attendee.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("meeting", "user")
            .filter(pk=attendee_id)
            .first()
        )
        if attendee is None or attendee.user is None or not attendee.user.is_active:
            return None
        meeting = attendee.meeting
        if meeting.starts_at <= timezone.now():
            return None
        if Invitation.objects.filter(attendee=attendee, starts_at=meeting.starts_at).exists():
            return None  # sent before
        sequence = Invitation.objects.filter(attendee=attendee).count()
        Invitation.objects.create(attendee=attendee, starts_at=meeting.starts_at)
        if not attendee.user.email:
            return {"invitations": 1, "invitation_emails": 0, "invitations_refused": 0}
        try:
            delivered = invitation_email(attendee, sequence=sequence, connection=mail).send()
        except smtplib.SMTPRecipientsRefused:
            # A wrong address is not solved by trying again every few minutes.
            logger.warning("Invitation of attendee %s: the mail server refused it", attendee.pk)
            return {"invitations": 1, "invitation_emails": 0, "invitations_refused": 1}
        # Any other failure rolls the invitation back; the next run sends it again.
        log_access(
            action=Action.SHARE,
            processing_activity=ProcessingActivity.CASE_WORK,
            actor=None,
            actor_username=SCHEDULER_USERNAME,
            obj=meeting,
            detail=(
                f"invitation e-mail (pseudonyms, date, location, link) to user "
                f"{attendee.user_id}, attendee {attendee.pk}"
            ),
        )
    return {"invitations": 1, "invitation_emails": delivered, "invitations_refused": 0}


def send_invitations(*, today: date | None = None) -> dict:
    """Send the invitations that are due and not sent yet (see the module's docstring)."""
    counts = {"invitations": 0, "invitation_emails": 0, "invitations_refused": 0}
    pending = list(_pending().order_by("pk").values_list("pk", flat=True))
    if not pending:
        return counts
    with get_connection(fail_silently=False) as mail:
        for attendee_id in pending:
            result = _invite_one(attendee_id, mail)
            if result:
                for name, value in result.items():
                    counts[name] += value
    return counts
