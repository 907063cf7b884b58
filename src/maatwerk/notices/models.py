"""Notices: one row per recipient and event, created in the transaction of the event
(an outbox); the scheduler delivers them by e-mail or in a daily digest
(``notices.jobs``), exactly once. See docs/notices.md."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """Every kind of notice (issue 11). Who gets which: docs/notices.md."""

    # To the decision makers of the addressed organisation.
    NEW_REQUEST = "new_request", _("new request")
    INFORMATION_PROVIDED = "information_provided", _("information provided")
    ESCALATED = "escalated", _("request escalated")
    # To the case owner (and, by preference, the team).
    REFUSED = "refused", _("request refused")
    INFORMATION_REQUESTED = "information_requested", _("information requested")
    CONDITION_ADDED = "condition_added", _("condition added")
    REDIRECTED = "redirected", _("request redirected")
    APPROVED = "approved", _("request approved")
    SPEND_APPROVED = "spend_approved", _("spend approved")
    SPEND_REFUSED = "spend_refused", _("spend refused")
    MEETING_PLANNED = "meeting_planned", _("doorbraaktafel planned")
    LEARNING_POINT = "learning_point", _("learning point linked")
    PRECEDENT = "precedent", _("precedent linked")
    # To the coordinators.
    NATIONAL_LEVEL = "national_level", _("national escalation level reached")
    # The scheduler's overdue notice (journeys.jobs): case owner and decision makers.
    OVERDUE = "overdue", _("request overdue")


class Delivery(models.TextChoices):
    """How a user wants a kind of notice (``Preference``)."""

    OFF = "off", _("not at all")
    APP = "app", _("in the app only")
    EMAIL = "email", _("in the app and by e-mail")
    DIGEST = "digest", _("in the app and in a daily e-mail digest")


class MailState(models.TextChoices):
    """Where a notice is in its (e-mail) delivery."""

    NONE = "none", _("not e-mailed")
    PENDING = "pending", _("to be e-mailed")
    SENT = "sent", _("e-mailed")
    DROPPED = "dropped", _("not e-mailed: the access or the case is gone")


class Notice(models.Model):
    """One notice to one user about one object of one case.

    ``key`` (unique per recipient) makes "once" a database guarantee: the producer
    names the event (``refused:<event id>``), a second attempt finds the row. The
    message is built when shown, from ``facts``: only non-sensitive parts (the
    household's pseudonym, a reference, an organisation, dates); never what was asked,
    a reason text or a name."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notices",
    )
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    key = models.CharField(max_length=150)
    # What the notice is about, for the owning app's policy (notices.policy).
    subject = models.CharField(max_length=40)
    object_id = models.PositiveBigIntegerField()
    facts = models.JSONField(default=dict, blank=True)
    url_name = models.CharField(max_length=100)
    url_args = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    read_at = models.DateTimeField(null=True, blank=True)
    delivery = models.CharField(max_length=8, choices=Delivery.choices, default=Delivery.APP)
    mail_state = models.CharField(max_length=8, choices=MailState.choices, default=MailState.NONE)
    mailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notice_once"),
        ]
        indexes = [
            # The centre (newest first) and the header's unread count.
            models.Index(fields=["recipient", "-created_at", "-id"], name="notice_newest"),
            models.Index(
                fields=["recipient", "read_at"],
                name="notice_unread",
                condition=Q(read_at__isnull=True),
            ),
            # The delivery job: only the notices still to be e-mailed.
            models.Index(
                fields=["delivery", "recipient"],
                name="notice_to_mail",
                condition=Q(mail_state="pending"),
            ),
            models.Index(fields=["subject", "object_id"], name="notice_subject"),
        ]

    def __str__(self):
        return f"{self.recipient_id} {self.key}"


class Preference(models.Model):
    """How one user wants one kind of notice; without a row, the kind's default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preferences"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    delivery = models.CharField(_("delivery"), max_length=8, choices=Delivery.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notice_preference_once"),
        ]

    def __str__(self):
        return f"{self.user_id} {self.kind}: {self.delivery}"


class Profile(models.Model):
    """A user's settings that are not per kind: whether they also hear about the
    cases of their team(s) that someone else owns."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_profile"
    )
    team_cases = models.BooleanField(
        _("also for the cases of my team(s)"),
        default=False,
        help_text=_("Otherwise only for the cases you own."),
    )

    def __str__(self):
        return f"{self.user_id}: team={self.team_cases}"


class Digest(models.Model):
    """One daily digest e-mail sent to one user: unique per (recipient, day), created in
    the transaction that sends it, so a second run or scheduler sends no second one."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    notices = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["recipient", "day"], name="notice_digest_once"),
        ]

    def __str__(self):
        return f"{self.recipient_id} {self.day}"
