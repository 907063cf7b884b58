"""Cases (casussen), households and the household's own perspective.

The perspective is the centre of every case: its first version is kept unchanged
forever and every later version is a new row, dated and confirmed by the household.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from maatwerk.core.models import AppendOnlyModel
from maatwerk.core.storage import PrivateStorage
from maatwerk.register.models import LifeDomain, Organisation

from .fields import EncryptedDateField, EncryptedTextField
from .validators import validate_bsn, validate_house_number, validate_postcode


class Composition(models.TextChoices):
    SINGLE = "single", _("single person")
    COUPLE = "couple", _("couple without children")
    COUPLE_WITH_CHILDREN = "couple_with_children", _("couple with children")
    SINGLE_PARENT = "single_parent", _("single parent")
    MULTI_GENERATION = "multi_generation", _("several generations")
    OTHER = "other", _("other")


class Household(models.Model):
    """The household: composition and a pseudonym. Direct identifiers are optional and
    kept apart, encrypted (see HouseholdIdentity)."""

    pseudonym = models.CharField(_("pseudonym"), max_length=16, unique=True)
    composition = models.CharField(_("composition"), max_length=32, choices=Composition.choices)
    adults = models.PositiveSmallIntegerField(
        _("adults"), default=1, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    children = models.PositiveSmallIntegerField(
        _("children"), default=0, validators=[MaxValueValidator(30)]
    )
    municipality = models.CharField(_("municipality"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        constraints = [
            models.CheckConstraint(condition=models.Q(adults__gte=1), name="household_adults_1")
        ]

    def __str__(self):
        return self.pseudonym


class HouseholdIdentity(models.Model):
    """Optional direct identifiers, encrypted at rest (MAATWERK_FIELD_KEYS). Shown only
    to the owning team; never in lists, exports or the access log."""

    household = models.OneToOneField(
        Household, on_delete=models.CASCADE, related_name="identity", primary_key=True
    )
    names = EncryptedTextField(_("names"), max_length=300, blank=True)
    date_of_birth = EncryptedDateField(_("date of birth"), null=True, blank=True)
    bsn = EncryptedTextField(
        _("citizen service number (BSN)"), max_length=9, blank=True, validators=[validate_bsn]
    )
    street = EncryptedTextField(_("street"), max_length=200, blank=True)
    house_number = EncryptedTextField(
        _("house number"), max_length=5, blank=True, validators=[validate_house_number]
    )
    house_number_addition = EncryptedTextField(_("addition"), max_length=10, blank=True)
    postcode = EncryptedTextField(
        _("postcode"), max_length=7, blank=True, validators=[validate_postcode]
    )
    city = EncryptedTextField(_("city"), max_length=100, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("household identity")
        verbose_name_plural = _("household identities")

    def __str__(self):
        return f"{self.household_id}"


class ReferenceCounter(models.Model):
    """The last number handed out in one numbering scope, for example the case
    references of one source organisation in one year (``cases.numbering``). Not
    shown anywhere; the row is the lock that hands out numbers one at a time."""

    scope = models.CharField(max_length=255, unique=True)
    value = models.PositiveIntegerField()

    def __str__(self):
        return f"{self.scope}: {self.value}"


class MemberIdentity(models.Model):
    """Direct identifiers of one member or sub-household (a voice of the case, as in
    ``Perspective.member``), kept apart from the household's: for example the address a
    partner went to. Encrypted at rest like HouseholdIdentity and shown only to the
    owning team on the identity page. No output reads this table: not the printed plan
    (which another member may read), not what an organisation sees, not the access
    log (docs/privacy.md)."""

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="member_identities"
    )
    member = models.CharField(_("whose details"), max_length=100)
    names = EncryptedTextField(_("names"), max_length=300, blank=True)
    date_of_birth = EncryptedDateField(_("date of birth"), null=True, blank=True)
    bsn = EncryptedTextField(
        _("citizen service number (BSN)"), max_length=9, blank=True, validators=[validate_bsn]
    )
    street = EncryptedTextField(_("street"), max_length=200, blank=True)
    house_number = EncryptedTextField(
        _("house number"), max_length=5, blank=True, validators=[validate_house_number]
    )
    house_number_addition = EncryptedTextField(_("addition"), max_length=10, blank=True)
    postcode = EncryptedTextField(
        _("postcode"), max_length=7, blank=True, validators=[validate_postcode]
    )
    city = EncryptedTextField(_("city"), max_length=100, blank=True)
    protected_address = models.BooleanField(
        _("protected address"),
        default=True,
        help_text=_(
            "This member's address must not reach the other members of the household or "
            "any organisation, in writing or by phone."
        ),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("member identity")
        verbose_name_plural = _("member identities")
        constraints = [
            models.UniqueConstraint(
                fields=["household", "member"], name="member_identity_one_per_voice"
            ),
            models.CheckConstraint(
                condition=~models.Q(member=""), name="member_identity_names_a_member"
            ),
        ]

    def __str__(self):
        return f"{self.household_id} {self.member}"


class Case(models.Model):
    class Status(models.TextChoices):
        INTAKE = "intake", _("intake")
        PLAN = "plan", _("plan")
        JOURNEY = "journey", _("journey")
        EXECUTING = "executing", _("executing")
        CLOSED = "closed", _("closed")

    class Outcome(models.TextChoices):
        SOLVED = "solved", _("solved")
        PARTLY_SOLVED = "partly_solved", _("partly solved")
        NOT_SOLVED = "not_solved", _("not solved")
        WITHDRAWN = "withdrawn", _("withdrawn")

    reference = models.CharField(_("reference"), max_length=64)
    source = models.CharField(
        _("source"),
        max_length=200,
        help_text=_("The organisation whose reference this is."),
    )
    household = models.OneToOneField(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="case"
    )
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("team"), on_delete=models.PROTECT, related_name="cases"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("case manager"),
        on_delete=models.PROTECT,
        related_name="owned_cases",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.INTAKE, db_index=True
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    opened_on = models.DateField(_("opened on"), db_index=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    needed = models.TextField(_("what is needed"))
    life_domains = models.ManyToManyField(
        LifeDomain, verbose_name=_("life domains"), related_name="cases"
    )
    primary_domain = models.ForeignKey(
        LifeDomain,
        verbose_name=_("primary life domain"),
        on_delete=models.PROTECT,
        related_name="primary_cases",
    )
    deciding_organisations = models.ManyToManyField(
        Organisation,
        verbose_name=_("who must decide"),
        related_name="cases_to_decide",
        blank=True,
    )
    safety_concern = models.BooleanField(_("safety concern"), default=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_on", "-id"]
        indexes = [
            # The case list: a team's cases, newest first (and "mine": the owner's).
            models.Index(fields=["team", "-opened_on", "-id"], name="case_team_newest"),
            models.Index(fields=["owner", "-opened_on", "-id"], name="case_owner_newest"),
        ]
        permissions = [
            ("view_escalated_case", _("Can see cases escalated to the national team")),
            (
                "break_glass",
                _("Can open a case outside the policy in an emergency (read-only, logged)"),
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["source", "reference"], name="case_unique_reference")
        ]

    def __str__(self):
        return f"{self.household.pseudonym} ({self.reference})"


class CaseAttention(models.Model):
    """Why a case needs attention now, stored (``cases.attention``): a bit per reason
    (``attention.Reason``), whether any holds, and the earliest open deadline. Kept up
    to date by the services that change what it is computed from and by the daily
    job for the reasons that start when a date passes; never computed by a page."""

    case = models.OneToOneField(
        Case, on_delete=models.CASCADE, primary_key=True, related_name="attention"
    )
    reasons = models.PositiveIntegerField(default=0)
    needs_attention = models.BooleanField(default=False, db_index=True)
    next_due_on = models.DateField(null=True, blank=True, db_index=True)
    refreshed_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("attention of a case")
        verbose_name_plural = _("attention of cases")
        default_permissions = ()

    def __str__(self):
        return f"{self.case_id}: {self.reasons}"


class AttentionSweep(models.Model):
    """One run of the daily attention job (``cases.attention.refresh_timed_attention``)
    per day: the row is the key, created in the job's transaction, so the sweep runs
    once a day whatever the number of scheduler runs and processes."""

    day = models.DateField(unique=True)
    refreshed = models.PositiveIntegerField(default=0)
    ran_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"{self.day}: {self.refreshed}"


class Confirmation(models.TextChoices):
    FIRST = "first", _("first recording")
    CONVERSATION = "conversation", _("in a conversation")
    SIGNED = "signed", _("signed")
    PHONE = "phone", _("by phone")


class Audience(models.TextChoices):
    """Who may hear a piece of a case (a perspective, a part of a plan). Every piece
    belongs to a voice (the household as a whole, '' as member, or one member or
    sub-household); its audience says who outside the team may hear it. Everything
    that leaves the team is rendered for one reader by ``cases.audience`` and holds
    only what that reader may hear. See docs/privacy.md."""

    HOUSEHOLD = "household", _("the whole household")
    MEMBER = "member", _("only this member")
    PROFESSIONALS = "professionals", _("professionals only")


# A row that was written without an audience is for the professionals only: forgetting
# to say who may hear something never makes it heard.
FAIL_CLOSED = Audience.PROFESSIONALS


def audience_field(verbose_name=None, **kwargs):
    return models.CharField(
        verbose_name or _("who may hear this"),
        max_length=16,
        choices=Audience.choices,
        default=FAIL_CLOSED,
        **kwargs,
    )


def _valid_audience(field: str) -> models.Q:
    return models.Q(**{f"{field}__in": Audience.values})


class Perspective(AppendOnlyModel):
    """One version of the household's own words. Versions are per voice: the whole
    household ('' as member) or one member or sub-household (for example when
    interests differ in a situation of domestic violence). ``audience`` says who may
    hear this version: a member's words are for that member only unless the
    professional chose otherwise with them."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="perspectives")
    member = models.CharField(
        _("whose perspective"),
        max_length=100,
        blank=True,
        help_text=_("Leave empty for the household as a whole, or name a member."),
    )
    version = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("in their own words"), max_length=5000)
    audience = audience_field()
    problems_start_domain = models.ForeignKey(
        LifeDomain,
        verbose_name=_("where the household sees its problems start"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_on = models.DateField(_("recorded on"))
    confirmation = models.CharField(
        _("confirmed by the household"), max_length=16, choices=Confirmation.choices
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("perspective")
        verbose_name_plural = _("perspectives")
        ordering = ["case", "member", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "member", "version"], name="perspective_unique_version"
            ),
            models.CheckConstraint(
                condition=_valid_audience("audience"), name="perspective_audience_valid"
            ),
            # The whole household's words have no "only this member".
            models.CheckConstraint(
                condition=~models.Q(member="", audience=Audience.MEMBER),
                name="perspective_household_not_member_only",
            ),
        ]

    def __str__(self):
        return f"{self.case_id} {self.member or '-'} v{self.version}"

    @property
    def voice(self) -> str:
        return self.member


class CaseEvent(AppendOnlyModel):
    """The dated timeline of a case."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("case opened")
        PERSPECTIVE = "perspective", _("perspective recorded")
        PLAN = "plan", _("plan version saved")
        AGREEMENT = "agreement", _("household agreed with the plan")
        STATUS = "status", _("status changed")
        CLOSED = "closed", _("case closed")
        REOPENED = "reopened", _("case reopened")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    happened_on = models.DateField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    summary = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["happened_on", "id"]

    def __str__(self):
        return f"{self.case_id} {self.kind} {self.happened_on}"


class Plan(models.Model):
    """A maatwerkplan. A case may hold more than one (when household members'
    interests differ); each names whose perspective it serves. Its content lives in
    versions: every saved version is kept."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="plans")
    title = models.CharField(_("title"), max_length=200)
    serves_member = models.CharField(
        _("whose perspective this plan serves"),
        max_length=100,
        blank=True,
        help_text=_("Empty: the household as a whole."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("maatwerkplan")
        verbose_name_plural = _("maatwerkplans")
        ordering = ["case", "id"]

    def __str__(self):
        return self.title


class PlanVersion(AppendOnlyModel):
    """One saved version of a plan: goals, actions, the reverse test and the value
    triangle. Never changed; the household's agreement is recorded against it."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    perspective = models.ForeignKey(
        Perspective,
        verbose_name=_("perspective this version is based on"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The reverse test (omgekeerde toets), in this order.
    intended_effect = models.TextField(_("1. Intended effect"), blank=True)
    impact = models.TextField(_("2. Impact on person, family and surroundings"), blank=True)
    purpose_of_law = models.TextField(_("3. Purpose of the law"), blank=True)
    ethics = models.TextField(_("4. Ethics"), blank=True)
    legal_check = models.TextField(_("5. Legal check"), blank=True)
    # The value triangle: legality (grounds + why); social return is the cost lines.
    legal_grounds = models.ManyToManyField(
        "register.LegalGround", verbose_name=_("exception grounds"), blank=True, related_name="+"
    )
    legality = models.TextField(_("Why the exception grounds apply"), blank=True)
    safety = models.TextField(_("How safety is addressed"), blank=True)
    # Who may hear the plan itself (its title, why it is allowed, the household's
    # agreement): the plan's voice decides the default. Goals and actions have their own.
    audience = audience_field(_("who may hear this plan"))
    # The safety text is never for the whole household: professionals only, or (in a
    # plan serving one member) that member.
    safety_audience = models.CharField(
        _("who may hear how safety is addressed"),
        max_length=16,
        choices=[(a.value, a.label) for a in Audience if a != Audience.HOUSEHOLD],
        default=Audience.PROFESSIONALS,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_unique_number"),
            models.CheckConstraint(
                condition=_valid_audience("audience"), name="plan_version_audience_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(safety_audience__in=[Audience.PROFESSIONALS, Audience.MEMBER]),
                name="plan_version_safety_never_household",
            ),
        ]

    def __str__(self):
        return f"{self.plan} v{self.number}"


class Goal(AppendOnlyModel):
    version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="goals")
    order = models.PositiveSmallIntegerField()
    text = models.TextField(_("goal"), max_length=2000)
    perspective_sentence = models.TextField(
        _("from the household's words"),
        blank=True,
        help_text=_("The sentence of the perspective this goal comes from."),
    )
    audience = audience_field()

    class Meta:
        ordering = ["version", "order"]
        constraints = [
            models.CheckConstraint(
                condition=_valid_audience("audience"), name="goal_audience_valid"
            )
        ]

    def __str__(self):
        return self.text

    @property
    def from_household(self) -> bool:
        return bool(self.perspective_sentence)


class PlanAction(AppendOnlyModel):
    version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="actions")
    order = models.PositiveSmallIntegerField()
    what = models.TextField(_("what"), max_length=2000)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    person = models.CharField(_("person"), max_length=200, blank=True)
    due_on = models.DateField(_("by when"), null=True, blank=True)
    # Who in the team does it (optional; ``person`` names someone outside the app).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who in the team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_actions",
    )
    audience = audience_field()

    class Meta:
        ordering = ["version", "order"]
        constraints = [
            models.CheckConstraint(
                condition=_valid_audience("audience"), name="plan_action_audience_valid"
            )
        ]

    def __str__(self):
        return self.what


class PlanActionDone(AppendOnlyModel):
    """An action of a plan version was done: dated, by whom, never changed (one row per
    action, a database guarantee). A later version of the plan carries it over to the
    same action (``cases.plans.plan_save_version``)."""

    action = models.OneToOneField(PlanAction, on_delete=models.PROTECT, related_name="done")
    done_on = models.DateField(_("done on"))
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("action done")
        verbose_name_plural = _("actions done")

    def __str__(self):
        return f"{self.action_id} done {self.done_on}"


class CostLine(AppendOnlyModel):
    """One line of the cost comparison: what muddling on costs a year (``current``)
    against what the plan costs (``plan``)."""

    class Kind(models.TextChoices):
        CURRENT = "current", _("muddling on (per year)")
        PLAN = "plan", _("the plan")

    version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="costs")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    order = models.PositiveSmallIntegerField()
    description = models.CharField(_("description"), max_length=300)
    reference_cost = models.ForeignKey(
        "register.ReferenceCost",
        verbose_name=_("reference cost"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    amount = models.DecimalField(
        _("amount (euro)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        ordering = ["version", "kind", "order"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="cost_line_amount_gte_0")
        ]

    def __str__(self):
        return f"{self.description}: {self.amount}"


class Agreement(AppendOnlyModel):
    """Involvement: the household's agreement with one plan version, in its words."""

    version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="agreements")
    agreed_on = models.DateField(_("agreed on"))
    how = models.CharField(
        _("how"),
        max_length=16,
        choices=[c for c in Confirmation.choices if c[0] != Confirmation.FIRST],
    )
    words = models.TextField(_("in the household's words"), max_length=2000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["version", "agreed_on", "id"]

    def __str__(self):
        return f"{self.version} {self.agreed_on}"


class EmergencyAccess(AppendOnlyModel):
    """Break-the-glass (noodtoegang): one user opened one case outside the access
    policy, read-only, with a typed reason, for a limited time. Never changed: the
    privacy officer's review is a row of its own (EmergencyAccessReview)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="emergency_accesses",
    )
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="emergency_accesses"
    )
    reason = models.TextField(_("reason"), max_length=2000)
    started_at = models.DateTimeField(_("started at"))
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        verbose_name = _("emergency access")
        verbose_name_plural = _("emergency accesses")
        ordering = ["-started_at", "-id"]
        default_permissions = ()
        permissions = [("review_emergencyaccess", _("Can review emergency accesses to cases"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("started_at")),
                name="emergency_access_expires_after_start",
            )
        ]

    def __str__(self):
        return f"{self.user_id} → {self.case_id} ({self.started_at:%Y-%m-%d %H:%M})"


class EmergencyAccessReview(AppendOnlyModel):
    """The privacy officer's review of one emergency access: once (one row per access,
    a database guarantee), with a note; never changed."""

    access = models.OneToOneField(EmergencyAccess, on_delete=models.PROTECT, related_name="review")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"))
    note = models.TextField(_("review note"), max_length=2000)

    class Meta:
        verbose_name = _("review of an emergency access")
        verbose_name_plural = _("reviews of emergency accesses")
        default_permissions = ()

    def __str__(self):
        return f"{self.access_id} reviewed {self.reviewed_at:%Y-%m-%d}"


class EmergencyAccessNotice(models.Model):
    """An e-mail to a privacy officer about one emergency access. Sent by the scheduler
    (cases.jobs), once per (access, recipient): the unique constraint makes that a
    database guarantee."""

    access = models.ForeignKey(EmergencyAccess, on_delete=models.PROTECT, related_name="notices")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("emergency access notice")
        verbose_name_plural = _("emergency access notices")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["access", "recipient"], name="emergency_access_notice_once"
            )
        ]

    def __str__(self):
        return f"{self.access_id} → {self.recipient_id}"


class AttachmentKind(models.TextChoices):
    """The kinds of document attached to a request (``journeys.Attachment``) or a plan."""

    DECISION_LETTER = "decision_letter", _("decision letter")
    BANK_STATEMENT = "bank_statement", _("bank statement")
    LETTER = "letter", _("letter or e-mail")
    OVERVIEW = "overview", _("overview of debts or costs")
    STATEMENT = "statement", _("statement or declaration")
    OTHER = "other", _("other document")


# Under MEDIA_ROOT/plan_documents, random names, no URL: served only by the
# access-checked views (cases:plan_document, journeys:plan_document).
plan_document_files = PrivateStorage("plan_documents", "cases:plan_document")


def plan_document_storage():
    return plan_document_files


class PlanDocument(models.Model):
    """A document that belongs to a plan (a bank statement behind the budget, a
    decision letter the plan builds on), stored like the receipts and the request
    attachments. Only the case team sees it, until it is shared with the organisations
    the case asks (with the household's agreement): then the decision makers of the
    organisations that have a request of the case see it on their decide page."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("kind of document"), max_length=32, choices=AttachmentKind.choices)
    description = models.CharField(_("description"), max_length=200, blank=True)
    file = models.FileField(
        _("file"), storage=plan_document_storage, upload_to="%Y/%m/", max_length=300
    )
    content_type = models.CharField(_("file type"), max_length=16)  # pdf, png, jpeg
    size = models.PositiveIntegerField(_("size (bytes)"))
    shared_with_organisations = models.BooleanField(
        _("shared with the organisations asked"), default=False
    )
    shared_on = models.DateField(_("shared on"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("plan document")
        verbose_name_plural = _("plan documents")
        ordering = ["plan", "id"]

    def __str__(self):
        return f"{self.plan_id} {self.kind}"


class CaseSearchText(models.Model):
    """What the case search looks in, per case, kept up to date by the services that
    write it (``cases.search.refresh``): the Dutch stems (``core.textsearch``, each
    between spaces) of the current words of every voice, the current version of every
    plan (not its safety text), and what the apps above contribute (journeys: the
    requests and the organisations asked). On PostgreSQL ``document`` holds the
    ``tsvector`` of those stems (``simple`` configuration), under a GIN index
    (migration ``0009_case_search_text``); on SQLite it stays empty and the stems are
    matched with LIKE (docs/cases.md#finding-a-case). Derived from case data: it is
    deleted with its case and never shown."""

    case = models.OneToOneField(
        Case, on_delete=models.CASCADE, primary_key=True, related_name="search_text"
    )
    perspective = models.TextField(blank=True)
    plan = models.TextField(blank=True)
    requests = models.TextField(blank=True)
    organisations = models.TextField(blank=True)
    document = SearchVectorField(null=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"search text of {self.case_id}"
