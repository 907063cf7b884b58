"""Requests to organisations and the journey of each request.

A request's history is its journey events, appended and never changed (a correction is
a new event that refers to the one it corrects). The request row itself only caches
what the events imply (state, due date, escalation level) so lists and the scheduler
can filter in SQL; services.record_event keeps the two in step.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from maatwerk.cases import models as cases_models
from maatwerk.cases.models import Case
from maatwerk.core.models import AppendOnlyModel
from maatwerk.core.storage import PrivateStorage
from maatwerk.register.models import Contact, LegalGround, Organisation, Regulation


class RefusalReason(models.TextChoices):
    WRONG_DESK = "wrong_desk", _("wrong desk")
    NOT_ALLOWED_BY_LAW = "not_allowed_by_law", _("not allowed by law")
    NOT_IN_THIS_CASE = "not_in_this_case", _("possible, but not in this case")
    PRECEDENT = "precedent", _("it would set a precedent")
    MORE_INFORMATION = "more_information", _("let us first find out more")
    NOT_OUR_RESPONSIBILITY = "not_our_responsibility", _("not our responsibility")
    WHO_PAYS = "who_pays", _("who pays?")
    DISTRUST = "distrust", _("distrust of the household")
    OTHER = "other", _("other")


class RedirectReason(models.TextChoices):
    """Why a decision maker sends a request elsewhere. The codes are those of
    ``RefusalReason`` (a subset), so the counter-arguments of a reason serve both."""

    WRONG_DESK = "wrong_desk", _("wrong desk")
    NOT_OUR_RESPONSIBILITY = "not_our_responsibility", _("not our responsibility")
    WHO_PAYS = "who_pays", _("who pays?")
    OTHER = "other", _("other")


class EventType(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    REDIRECTED = "redirected", _("redirected")
    INFORMATION_REQUESTED = "information_requested", _("information requested")
    INFORMATION_PROVIDED = "information_provided", _("information provided")
    REFUSED = "refused", _("refused")
    CONDITION_ADDED = "condition_added", _("condition added")
    ESCALATED = "escalated", _("escalated")
    APPROVED = "approved", _("approved")
    WITHDRAWN = "withdrawn", _("withdrawn")
    SOLVED = "solved", _("solved by an intervention")
    FORWARDED = "forwarded", _("forwarded to another organisation")
    KEPT_OPEN = "kept_open", _("kept open when the case was closed")


class Intervention(models.TextChoices):
    """What was done besides asking (the exchange format's ``interventions``)."""

    INFORMATION_REQUEST = "information_request", _("information asked from a ministry or agency")
    MEDIATION = "mediation", _("mediation")
    REGISTER_CONTACT = "register_contact", _("contact through the register")
    ESCALATION_TEAM = "escalation_team", _("national escalation team")
    BRIDGING_PROCEDURE = "bridging_procedure", _("bridging procedure")
    BUDGET_PAYMENT = "budget_payment", _("payment from the maatwerk budget")


class CaseIntervention(models.Model):
    """An intervention used for a case as a whole, beside its requests: mediation, a
    contact found through the register, the national escalation team … (the exchange
    format's ``interventions``: docs/exchange.md). An intervention recorded on a
    request's ``solved`` event (``JourneyEvent.intervention``) counts for its case too;
    the report counts a case once per intervention, whichever way it was recorded."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="interventions")
    intervention = models.CharField(_("intervention"), max_length=32, choices=Intervention.choices)
    recorded_on = models.DateField(_("recorded on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")
        ordering = ["case", "intervention"]
        constraints = [
            models.UniqueConstraint(fields=["case", "intervention"], name="case_intervention_once")
        ]

    def __str__(self):
        return self.get_intervention_display()


# Events that only other services record (a spend from the budget, forwarding, closing
# the case), never the step form of a request.
SYSTEM_EVENTS = {EventType.SOLVED, EventType.FORWARDED, EventType.KEPT_OPEN}


class Request(models.Model):
    class Kind(models.TextChoices):
        EXCEPTION = "exception", _("exception")
        QUESTION = "question", _("question (information request)")

    class State(models.TextChoices):
        DRAFT = "draft", _("not sent yet")
        WAITING = "waiting", _("waiting for an answer")
        INFORMATION_REQUESTED = "information_requested", _("information requested")
        REFUSED = "refused", _("refused")
        REDIRECTED = "redirected", _("redirected")
        APPROVED = "approved", _("approved")
        WITHDRAWN = "withdrawn", _("withdrawn")
        SOLVED = "solved", _("solved another way")
        FORWARDED = "forwarded", _("forwarded to another organisation")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="requests")
    reference = models.CharField(_("reference"), max_length=64)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="requests",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.EXCEPTION)
    subject = models.TextField(_("what is asked"), max_length=2000)
    regulation = models.ForeignKey(
        Regulation,
        verbose_name=_("rule"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    rule_text = models.CharField(_("rule (in words)"), max_length=500, blank=True)
    legal_ground = models.ForeignKey(
        LegalGround,
        verbose_name=_("exception ground"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # What is shared with the organisation: the perspective and a plan excerpt by
    # default; anything more only by explicit choice, with its legal basis and the
    # household's agreement.
    share_perspective = models.BooleanField(_("share the household's perspective"), default=True)
    plan_excerpt = models.TextField(_("plan excerpt shared"), blank=True, max_length=5000)
    extra_shared = models.TextField(_("more shared"), blank=True, max_length=5000)
    extra_legal_basis = models.CharField(
        _("legal basis for sharing more"), max_length=300, blank=True
    )
    extra_household_agreed_on = models.DateField(
        _("household agreed to sharing more on"), null=True, blank=True
    )
    state = models.CharField(
        _("state"), max_length=32, choices=State.choices, default=State.DRAFT, db_index=True
    )
    first_submitted_on = models.DateField(_("first submitted on"), null=True, blank=True)
    due_on = models.DateField(_("answer due on"), null=True, blank=True, db_index=True)
    overdue = models.BooleanField(_("overdue"), default=False, db_index=True)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    # The response target (working days) the current due date was computed with: the
    # organisation's, or after an escalation that of the level escalated to.
    due_days = models.PositiveSmallIntegerField(_("response target used"), null=True, blank=True)
    forwarded_from = models.ForeignKey(
        "self",
        verbose_name=_("forwarded from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="forwards",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        ordering = ["case", "id"]
        permissions = [("decide_request", _("Can decide on requests to one's own organisation"))]
        constraints = [
            models.UniqueConstraint(fields=["case", "reference"], name="request_unique_reference")
        ]

    def __str__(self):
        return f"{self.reference} → {self.organisation}"

    @property
    def is_open(self) -> bool:
        return self.state not in (
            self.State.APPROVED,
            self.State.WITHDRAWN,
            self.State.SOLVED,
            self.State.FORWARDED,
            self.State.DRAFT,
        )


class JourneyEvent(AppendOnlyModel):
    request = models.ForeignKey(Request, on_delete=models.PROTECT, related_name="events")
    type = models.CharField(_("event"), max_length=32, choices=EventType.choices)
    on = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=32, choices=RefusalReason.choices, blank=True)
    text = models.TextField(_("text"), blank=True, max_length=5000)
    level = models.PositiveSmallIntegerField(_("escalation level"), null=True, blank=True)
    escalated_to = models.ForeignKey(
        Contact,
        verbose_name=_("escalated to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    redirected_to = models.CharField(_("redirected to"), max_length=300, blank=True)
    # A redirect's (and a forward's) target when it is in the register; then
    # ``redirected_to`` is its name, otherwise the free text of a target outside it.
    redirected_to_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("redirected to (register)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # On the forwarded request's ``forwarded`` event: the new request it continues in.
    forwarded_to = models.ForeignKey(
        Request,
        verbose_name=_("forwarded as"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    intervention = models.CharField(
        _("intervention"), max_length=32, choices=Intervention.choices, blank=True
    )
    household_agrees = models.BooleanField(_("household agrees"), null=True, blank=True)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    on_behalf_of = models.CharField(
        _("on behalf of"),
        max_length=200,
        blank=True,
        help_text=_("For example an answer received by phone from the organisation."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("journey event")
        verbose_name_plural = _("journey events")
        ordering = ["request", "on", "id"]

    def __str__(self):
        return f"{self.request_id} {self.type} {self.on}"


class CounterArgument(models.Model):
    """An editable reference list: arguments to offer against a refusal reason."""

    reason = models.CharField(_("refusal reason"), max_length=32, choices=RefusalReason.choices)
    text_nl = models.TextField(_("text (Dutch)"))
    text_en = models.TextField(_("text (English)"))
    legal_grounds = models.ManyToManyField(
        LegalGround, verbose_name=_("relevant exception grounds"), blank=True, related_name="+"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("counter-argument")
        verbose_name_plural = _("counter-arguments")
        ordering = ["reason", "order", "id"]

    def __str__(self):
        return f"{self.get_reason_display()}: {self.text_nl[:60]}"


# --- Attachments ---------------------------------------------------------------------


# Under MEDIA_ROOT/attachments, random names, no URL: served only by journeys:attachment.
attachment_files = PrivateStorage("attachments", "journeys:attachment")


def attachment_storage():
    return attachment_files


# The kinds of document are the cases app's (a plan has documents too).
AttachmentKind = cases_models.AttachmentKind


class Attachment(models.Model):
    """A document that belongs to a request: a decision letter, a bank statement. Only
    the case team sees it, and the organisation's decision makers only when it is
    marked as shared with the organisation (with the household's agreement)."""

    request = models.ForeignKey(Request, on_delete=models.PROTECT, related_name="attachments")
    kind = models.CharField(_("kind of document"), max_length=32, choices=AttachmentKind.choices)
    description = models.CharField(_("description"), max_length=200, blank=True)
    file = models.FileField(
        _("file"), storage=attachment_storage, upload_to="%Y/%m/", max_length=300
    )
    content_type = models.CharField(_("file type"), max_length=16)  # pdf, png, jpeg
    size = models.PositiveIntegerField(_("size (bytes)"))
    shared_with_organisation = models.BooleanField(_("shared with the organisation"), default=False)
    shared_on = models.DateField(_("shared on"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["request", "id"]

    def __str__(self):
        return f"{self.request_id} {self.kind}"
