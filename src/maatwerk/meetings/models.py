"""The doorbraaktafel (breakthrough table): a short meeting about one or more cases.

Principles (docs/domain.md): keep it simple; the organisation whose domain has priority
must be at the table; only people who know the household speak about it. Decisions
taken at the table are journey events (journeys.services.record_event); the minutes
are kept with the case, append-only.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from maatwerk.cases.models import Case
from maatwerk.core.models import AppendOnlyModel
from maatwerk.journeys.models import JourneyEvent


class Meeting(models.Model):
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organiser"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The organiser's team: its members see the meeting (selectors.visible_meetings).
    # Empty for an organiser without a team — a coordinator of the national desk who
    # runs the table for escalated cases: then only the organiser sees the meeting
    # (what is decided and minuted there shows with each case, for its team).
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    cases = models.ManyToManyField(Case, through="AgendaItem", related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("breakthrough table")
        verbose_name_plural = _("breakthrough tables")
        ordering = ["starts_at", "id"]

    def __str__(self):
        return self.title


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="agenda_items")
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "case"], name="agenda_case_once")]

    def __str__(self):
        return f"{self.meeting_id}: {self.case_id}"


class Attendee(models.Model):
    """Someone at the table: a Maatwerk user (``user``, invited in the app and by
    e-mail with a calendar invitation, see jobs.py) or a named outsider without an
    account (a name and an organisation)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    name = models.CharField(_("name"), max_length=200)
    organisation = models.ForeignKey(
        "register.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_attendances",
    )
    knows_household = models.BooleanField(_("has a relation to the household"), default=False)

    class Meta:
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")
        ordering = ["meeting", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="attendee_user_once")
        ]

    def __str__(self):
        return self.name


class Invitation(models.Model):
    """The calendar invitation e-mailed to an attendee who is a user, once per start
    time of the meeting (a meeting moved to another time would invite again). The row
    is created by the scheduler (jobs.send_invitations) in the transaction that sends
    the e-mail, with the attendee's row locked: the unique key makes "once" a database
    guarantee."""

    attendee = models.ForeignKey(Attendee, on_delete=models.CASCADE, related_name="invitations")
    starts_at = models.DateTimeField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["attendee", "sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["attendee", "starts_at"], name="invitation_once")
        ]

    def __str__(self):
        return f"{self.attendee_id} @ {self.starts_at.isoformat()}"


class Decision(models.Model):
    """A decision taken at the table: the journey event it was recorded as
    (services.decision_record), linked to the meeting so its page can list it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    event = models.OneToOneField(
        JourneyEvent, on_delete=models.PROTECT, related_name="meeting_decision"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("decision of the table")
        verbose_name_plural = _("decisions of the table")
        ordering = ["meeting", "id"]

    def __str__(self):
        return f"{self.meeting_id}: {self.event_id}"


class Minutes(AppendOnlyModel):
    """What was said about one case at one meeting; a correction is a new entry."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="minutes")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="meeting_minutes")
    text = models.TextField(_("minutes"), max_length=5000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")
        ordering = ["case", "created_at", "id"]

    def __str__(self):
        return f"{self.meeting_id}/{self.case_id}: {self.text[:40]}"
