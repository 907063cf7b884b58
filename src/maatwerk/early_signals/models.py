"""Early signals (vroegsignalering): creditors, signals, household bundles, the trays and
their versioned rules, outreach and its outcome. See docs/early-signals.md.

The person and address details of a signal are special-category personal data (a
payment arrear): encrypted at rest like ``cases.HouseholdIdentity`` (ADR 0005). What
bundling and deduplication look up are the match keys: HMACs of the normalised address
and person (``matching``, ADR 0010), never the address itself.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from maatwerk.cases.fields import EncryptedDateField, EncryptedTextField
from maatwerk.core.models import AppendOnlyModel


class CreditorType(models.TextChoices):
    HOUSING = "housing", _("landlord or housing association")
    ENERGY = "energy", _("energy company")
    DRINKING_WATER = "drinking_water", _("drinking-water company")
    HEALTH_INSURER = "health_insurer", _("health insurer")
    OTHER = "other", _("other organisation")


class Creditor(models.Model):
    """An organisation of the register that sends signals to the municipality."""

    organisation = models.OneToOneField(
        "register.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="creditor",
    )
    type = models.CharField(_("type"), max_length=32, choices=CreditorType.choices)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("creditor")
        verbose_name_plural = _("creditors")
        ordering = ["organisation__name"]
        permissions = [
            ("intake_signal", _("Can receive signals (upload)")),
            ("manage_trays", _("Can change the trays and their rules")),
            ("assign_bundle", _("Can assign signal bundles")),
            ("lead_signals", _("Receives the escalation of overdue signal bundles")),
        ]

    def __str__(self):
        return self.organisation.name


class SignalType(models.TextChoices):
    RENT = "rent", _("rent arrears")
    ELECTRICITY = "electricity", _("electricity arrears")
    GAS = "gas", _("gas arrears")
    HEAT = "heat", _("heat arrears")
    DRINKING_WATER = "drinking_water", _("drinking-water arrears")
    HEALTH_INSURANCE = "health_insurance", _("health-insurance arrears")
    BENEFIT_STOPPED = "benefit_stopped", _("benefit stopped")
    EVICTION_ANNOUNCED = "eviction_announced", _("eviction announced")
    DISCONNECTION_ANNOUNCED = "disconnection_announced", _("disconnection announced")
    OTHER = "other", _("other")


# The situations that are threatening: first contact within working days, not weeks.
THREATENING = frozenset({SignalType.EVICTION_ANNOUNCED, SignalType.DISCONNECTION_ANNOUNCED})


class Tray(models.Model):
    """A work tray (werkbak) the rules put bundles in."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=10)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("tray")
        verbose_name_plural = _("trays")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class RuleVersion(models.Model):
    """One version of the municipality's weighing: an ordered list of rules. A change is
    a new version (the old ones stay, unchanged); each bundle records the version and
    the rule that placed it. The current version is the highest number."""

    number = models.PositiveIntegerField(_("version"), unique=True)
    created_at = models.DateTimeField(_("made at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("what changed"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("rule version")
        verbose_name_plural = _("rule versions")
        ordering = ["-number"]

    def __str__(self):
        return f"v{self.number}"


class Rule(AppendOnlyModel):
    """One rule of a version: when every condition that is set holds for a bundle, the
    bundle goes to ``tray`` with ``priority`` (1 is the most urgent). The first rule
    that holds, in ``position`` order, wins. Rules are never edited: a change is a new
    version with new rows."""

    version = models.ForeignKey(
        RuleVersion, on_delete=models.PROTECT, related_name="rules", verbose_name=_("version")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=100)
    tray = models.ForeignKey(
        Tray, on_delete=models.PROTECT, related_name="rules", verbose_name=_("tray")
    )
    priority = models.PositiveSmallIntegerField(_("priority"), default=3)
    # Conditions: empty / None means "any".
    signal_types = models.JSONField(_("signal types"), default=list, blank=True)
    min_amount = models.DecimalField(
        _("total amount at least"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    min_months = models.PositiveSmallIntegerField(
        _("months in arrears at least"), null=True, blank=True
    )
    min_creditors = models.PositiveSmallIntegerField(_("creditors at least"), null=True, blank=True)
    threatening = models.BooleanField(_("eviction or disconnection announced"), default=False)

    class Meta:
        verbose_name = _("rule")
        verbose_name_plural = _("rules")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="signal_rule_position")
        ]

    def __str__(self):
        return f"{self.version} #{self.position} {self.name}"


class BundleStatus(models.TextChoices):
    OPEN = "open", _("to be contacted")
    CONTACTED = "contacted", _("contacted")
    CLOSED = "closed", _("closed")


class Outcome(models.TextChoices):
    HELP_ACCEPTED = "help_accepted", _("help accepted")
    DECLINED = "declined", _("help declined")
    UNREACHABLE = "unreachable", _("unreachable")
    ALREADY_IN_HELP = "already_in_help", _("already in help")


class Bundle(models.Model):
    """The signals about one household address within the bundling window: one
    outreach, not one per creditor. Its figures (deadline, total, months, creditors)
    are a cache of its signals, refreshed by ``services.refresh_bundles``."""

    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        related_name="signal_bundles",
    )
    address_key = models.CharField(max_length=64, editable=False)
    first_signal_on = models.DateField(_("first signal"))
    received_on = models.DateField(_("received on"))
    status = models.CharField(
        _("status"), max_length=16, choices=BundleStatus.choices, default=BundleStatus.OPEN
    )
    # Cached from the signals.
    signal_count = models.PositiveIntegerField(_("signals"), default=0)
    creditor_count = models.PositiveIntegerField(_("creditors"), default=0)
    total_amount = models.DecimalField(
        _("total amount"), max_digits=12, decimal_places=2, default=0
    )
    max_months = models.PositiveSmallIntegerField(_("months in arrears"), default=0)
    threatening = models.BooleanField(_("threatening"), default=False)
    contact_due_on = models.DateField(_("first contact due"), null=True)
    last_signal_on = models.DateField(_("last signal received"), null=True)
    # Where the rules put it, and which rule of which version.
    tray = models.ForeignKey(
        Tray,
        verbose_name=_("tray"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bundles",
    )
    priority = models.PositiveSmallIntegerField(_("priority"), default=9)
    rule = models.ForeignKey(
        Rule, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rule_version = models.ForeignKey(
        RuleVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Triage.
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signal_bundles",
    )
    first_contact_on = models.DateField(_("first contact"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_on = models.DateField(_("outcome on"), null=True, blank=True)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="signal_bundles",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("signal bundle")
        verbose_name_plural = _("signal bundles")
        indexes = [
            models.Index(fields=["address_key", "team", "status"], name="signal_bundle_address"),
            models.Index(fields=["status", "contact_due_on"], name="signal_bundle_due"),
        ]

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        """What the access log and the pages call a bundle (no personal data)."""
        return f"VS-{self.pk}"


class Signal(models.Model):
    """One signal of one creditor. The same creditor and reference again updates it
    (its earlier figures kept in ``SignalChange``)."""

    bundle = models.ForeignKey(
        Bundle, on_delete=models.CASCADE, related_name="signals", verbose_name=_("bundle")
    )
    creditor = models.ForeignKey(
        Creditor, on_delete=models.PROTECT, related_name="signals", verbose_name=_("creditor")
    )
    creditor_reference = models.CharField(_("creditor's reference"), max_length=64)
    type = models.CharField(_("type"), max_length=32, choices=SignalType.choices)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    months_in_arrears = models.PositiveSmallIntegerField(_("months in arrears"), default=0)
    signal_date = models.DateField(_("signal date"))
    received_on = models.DateField(_("received on"))
    contact_due_on = models.DateField(_("first contact due"))
    # Person and address: encrypted (ADR 0005).
    surname = EncryptedTextField(_("surname"), max_length=200)
    tussenvoegsel = EncryptedTextField(_("tussenvoegsel"), max_length=20, blank=True)
    first_names = EncryptedTextField(_("first names or initials"), max_length=200, blank=True)
    date_of_birth = EncryptedDateField(_("date of birth"), null=True, blank=True)
    street = EncryptedTextField(_("street"), max_length=200, blank=True)
    house_number = EncryptedTextField(_("house number"), max_length=5)
    house_number_addition = EncryptedTextField(_("addition"), max_length=10, blank=True)
    postcode = EncryptedTextField(_("postcode"), max_length=7)
    city = EncryptedTextField(_("city"), max_length=100, blank=True)
    phone = EncryptedTextField(_("phone"), max_length=32, blank=True)
    email = EncryptedTextField(_("e-mail"), max_length=254, blank=True)
    # The match keys (HMAC, matching.py).
    address_key = models.CharField(max_length=64, editable=False)
    person_key = models.CharField(max_length=64, editable=False, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("signal")
        verbose_name_plural = _("signals")
        constraints = [
            models.UniqueConstraint(
                fields=["creditor", "creditor_reference"], name="signal_unique_reference"
            )
        ]
        indexes = [models.Index(fields=["address_key"], name="signal_address_key")]

    def __str__(self):
        return f"{self.creditor_id}:{self.creditor_reference}"


class SignalChange(AppendOnlyModel):
    """What a signal said before the creditor sent it again (same reference): the
    figures, not the personal details (those are replaced, not kept twice)."""

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="changes")
    version = models.PositiveIntegerField()
    type = models.CharField(max_length=32, choices=SignalType.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    months_in_arrears = models.PositiveSmallIntegerField()
    signal_date = models.DateField()
    replaced_on = models.DateField()

    class Meta:
        verbose_name = _("earlier version of a signal")
        verbose_name_plural = _("earlier versions of signals")
        ordering = ["signal", "version"]

    def __str__(self):
        return f"{self.signal_id} v{self.version}"


class Intake(models.Model):
    """One delivery of signals (an upload, later an API call): who, when, how many."""

    class Source(models.TextChoices):
        UPLOAD = "upload", _("upload")
        API = "api", _("API")

    creditor = models.ForeignKey(Creditor, on_delete=models.PROTECT, related_name="intakes")
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=16, choices=Source.choices)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    received_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=200, blank=True)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("intake of signals")
        verbose_name_plural = _("intakes of signals")

    def __str__(self):
        return f"{self.creditor_id} {self.received_at:%Y-%m-%d}"


class OutreachAttempt(AppendOnlyModel):
    """One attempt to reach the household: a letter, a call, a visit."""

    class Kind(models.TextChoices):
        LETTER = "letter", _("letter")
        PHONE = "phone", _("phone call")
        VISIT = "visit", _("home visit")

    class Result(models.TextChoices):
        REACHED = "reached", _("reached")
        NOT_REACHED = "not_reached", _("not reached")
        SENT = "sent", _("letter sent")

    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="attempts")
    kind = models.CharField(_("how"), max_length=16, choices=Kind.choices)
    on = models.DateField(_("date"))
    result = models.CharField(_("result"), max_length=16, choices=Result.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("outreach attempt")
        verbose_name_plural = _("outreach attempts")
        ordering = ["bundle", "on", "id"]

    def __str__(self):
        return f"{self.bundle_id} {self.kind} {self.on}"


class BundleEscalation(models.Model):
    """The escalation of an overdue bundle to one team lead, once per deadline: the
    keyed row that makes the scheduler's job exactly-once (docs/scheduler.md)."""

    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="escalations")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    due_on = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["bundle", "recipient", "due_on"], name="signal_escalation_once"
            )
        ]

    def __str__(self):
        return f"{self.bundle_id} → {self.recipient_id} ({self.due_on})"


def _upload_storage():
    from maatwerk.core.storage import PrivateStorage

    return PrivateStorage("signal-uploads", "early_signals:upload_detail")


class Upload(models.Model):
    """An uploaded file of signals, checked and taken in by a background task
    (``tasks.process_upload``). The file is deleted once it has been processed; what
    stays is who uploaded what, when, the problems found (row, column, message: no
    personal data) and the intake it led to."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting to be processed")
        REJECTED = "rejected", _("not taken in: the file has problems")
        DONE = "done", _("taken in")
        FAILED = "failed", _("failed")

    creditor = models.ForeignKey(
        Creditor, verbose_name=_("creditor"), on_delete=models.PROTECT, related_name="uploads"
    )
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("team"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    file = models.FileField(storage=_upload_storage, upload_to="%Y/%m", blank=True)
    file_name = models.CharField(_("file"), max_length=200)
    valid_only = models.BooleanField(_("take in the valid rows only"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    row_count = models.PositiveIntegerField(default=0)
    bad_rows = models.PositiveIntegerField(default=0)
    problem_count = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True)
    intake = models.OneToOneField(
        Intake, on_delete=models.SET_NULL, null=True, blank=True, related_name="upload"
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("upload of signals")
        verbose_name_plural = _("uploads of signals")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self):
        return self.file_name
