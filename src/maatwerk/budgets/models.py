"""The maatwerkbudget: budgets per team and year, spends from them, and the ledger.

Money is only ever recorded in the ledger (:class:`LedgerEntry`), which is append-only:
a spend is booked as a ``spend`` entry, a correction as a ``reversal`` entry that refers
to the spend it corrects. The balance of a budget is, by definition::

    balance = budget amount − Σ spend entries + Σ reversal entries

and always computed in SQL (see selectors). A :class:`Spend` is the professional's
request to pay something for a case; it carries its state (awaiting approval, booked,
refused) as a cache of what happened, like a journey's request does. A bridging spend
is also a receivable until it is settled (:class:`Settlement`, append-only).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from maatwerk.cases.models import Case
from maatwerk.core.models import AppendOnlyModel
from maatwerk.core.storage import PrivateStorage
from maatwerk.journeys.models import Intervention
from maatwerk.register.models import Organisation

MONEY = {"max_digits": 12, "decimal_places": 2}


# Under MEDIA_ROOT/receipts, random names, no URL: served only by budgets:receipt.
private_storage = PrivateStorage("receipts", "budgets:receipt")


def receipt_storage():
    return private_storage


class PurposeCategory(models.TextChoices):
    HOUSING = "housing", _("housing costs and rent arrears")
    DEPOSIT = "deposit", _("deposit or furnishing")
    UTILITIES = "utilities", _("energy and water")
    HEALTH = "health", _("health care and dental care")
    TRANSPORT = "transport", _("transport")
    DEBTS = "debts", _("debts and fines")
    WORK_EDUCATION = "work_education", _("work and education")
    CHILDREN = "children", _("children and childcare")
    LIVING = "living", _("living expenses")
    OTHER = "other", _("other")


class PayeeCategory(models.TextChoices):
    LANDLORD = "landlord", _("landlord or housing association")
    UTILITY = "utility", _("energy or water company")
    CARE_PROVIDER = "care_provider", _("care provider")
    HEALTH_INSURER = "health_insurer", _("health insurer")
    CREDITOR = "creditor", _("creditor or bailiff")
    SUPPLIER = "supplier", _("shop, garage or supplier")
    EDUCATION = "education", _("school or training")
    PUBLIC_BODY = "public_body", _("public body")
    HOUSEHOLD = "household", _("the household itself")
    OTHER = "other", _("other")


class Budget(models.Model):
    """What a team (or one professional of it) may spend in a calendar year."""

    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("team"), on_delete=models.PROTECT, related_name="budgets"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("professional"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="personal_budgets",
        help_text=_("Leave empty for the team's budget."),
    )
    amount = models.DecimalField(_("budget"), **MONEY)
    approval_threshold = models.DecimalField(
        _("approval threshold"),
        help_text=_("Spends above this amount need a second budget holder's approval."),
        **MONEY,
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        ordering = ["-year", "team__name", "professional__username"]
        permissions = [
            ("approve_spend", _("Can approve spends above the threshold (four eyes)")),
            ("override_balance", _("Can allow a spend that makes the balance negative")),
            ("reverse_spend", _("Can correct a booked spend with a reversal")),
            ("settle_spend", _("Can settle bridging spends")),
            ("view_all_budgets", _("Can see the figures of every team's budget")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "year"],
                condition=models.Q(professional__isnull=True),
                name="budget_one_team_budget_per_year",
            ),
            models.UniqueConstraint(
                fields=["team", "year", "professional"],
                condition=models.Q(professional__isnull=False),
                name="budget_one_personal_budget_per_year",
            ),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="budget_amount_gte_0"),
            models.CheckConstraint(
                condition=models.Q(approval_threshold__gte=0), name="budget_threshold_gte_0"
            ),
        ]

    def __str__(self):
        owner = f" · {self.professional}" if self.professional_id else ""
        return f"{self.team} {self.year}{owner}"


class BudgetRevision(AppendOnlyModel):
    """Every time a budget's amount or threshold is set: who, when, from what to what."""

    budget = models.ForeignKey(Budget, on_delete=models.PROTECT, related_name="revisions")
    amount = models.DecimalField(_("budget"), **MONEY)
    approval_threshold = models.DecimalField(_("approval threshold"), **MONEY)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("budget revision")
        verbose_name_plural = _("budget revisions")
        ordering = ["budget", "id"]


class Spend(models.Model):
    class State(models.TextChoices):
        AWAITING_APPROVAL = "awaiting_approval", _("awaiting approval")
        BOOKED = "booked", _("booked")
        REFUSED = "refused", _("refused")

    budget = models.ForeignKey(Budget, on_delete=models.PROTECT, related_name="spends")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="spends")
    on = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), **MONEY)
    purpose_category = models.CharField(
        _("purpose"), max_length=32, choices=PurposeCategory.choices
    )
    description = models.CharField(
        _("description"),
        max_length=500,
        help_text=_("What is paid, for example “rent arrears March”. No names."),
    )
    payee_category = models.CharField(_("payee"), max_length=32, choices=PayeeCategory.choices)
    receipt = models.FileField(
        _("receipt"), storage=receipt_storage, upload_to="%Y/%m/", blank=True, max_length=300
    )
    bridging = models.BooleanField(
        _("bridging"),
        default=False,
        help_text=_("Paid now while it is unclear which organisation is responsible."),
    )
    responsible_candidates = models.ManyToManyField(
        Organisation,
        verbose_name=_("organisations that may be responsible"),
        blank=True,
        related_name="bridging_spends",
    )
    # The journey link: the request this spend solved (intervention budget_payment, or
    # bridging_procedure for a bridging spend). Recorded as a journey event on booking.
    request = models.ForeignKey(
        "journeys.Request",
        verbose_name=_("solves request"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="spends",
    )
    state = models.CharField(_("state"), max_length=32, choices=State.choices, db_index=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    refusal_reason = models.CharField(_("reason for refusal"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("spend")
        verbose_name_plural = _("spends")
        ordering = ["-on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="spend_amount_gt_0"),
        ]

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        return f"U-{self.on.year}-{self.pk:05d}"

    @property
    def intervention(self) -> str:
        return Intervention.BRIDGING_PROCEDURE if self.bridging else Intervention.BUDGET_PAYMENT


class LedgerEntry(AppendOnlyModel):
    class Kind(models.TextChoices):
        SPEND = "spend", _("spend")
        REVERSAL = "reversal", _("reversal")

    budget = models.ForeignKey(Budget, on_delete=models.PROTECT, related_name="entries")
    spend = models.ForeignKey(Spend, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    on = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), **MONEY)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    # A booking that made the balance negative, explicitly allowed by a budget holder.
    override = models.BooleanField(_("negative balance allowed"), default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["budget", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="ledger_amount_gt_0"),
            models.UniqueConstraint(
                fields=["spend"],
                condition=models.Q(kind="spend"),
                name="ledger_one_booking_per_spend",
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.amount} ({self.spend_id})"


class Settlement(AppendOnlyModel):
    """Who turned out to be responsible for a bridging spend, and what they paid back.
    Several per spend (partial reimbursements); ``final`` closes the receivable."""

    spend = models.ForeignKey(Spend, on_delete=models.PROTECT, related_name="settlements")
    responsible = models.ForeignKey(
        Organisation,
        verbose_name=_("responsible organisation"),
        on_delete=models.PROTECT,
        related_name="settlements",
    )
    amount = models.DecimalField(_("reimbursed amount"), **MONEY)
    on = models.DateField(_("reimbursed on"))
    final = models.BooleanField(
        _("settled in full"),
        default=False,
        help_text=_("Nothing more will be reimbursed: the receivable is closed."),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")
        ordering = ["spend", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="settlement_amount_gte_0"
            ),
        ]


class ApprovalNotice(models.Model):
    """An e-mail to a budget holder that a spend waits for their approval (``waiting``)
    or still waits (``reminder``). Sent by the scheduler (budgets.jobs), once per
    (spend, kind, recipient): the unique constraint makes that a database guarantee."""

    class Kind(models.TextChoices):
        WAITING = "waiting", _("awaits approval")
        REMINDER = "reminder", _("still awaits approval")

    spend = models.ForeignKey(Spend, on_delete=models.CASCADE, related_name="notices")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("approval notice")
        verbose_name_plural = _("approval notices")
        constraints = [
            models.UniqueConstraint(
                fields=["spend", "kind", "recipient"], name="approval_notice_once"
            )
        ]

    def __str__(self):
        return f"{self.spend_id} {self.kind} → {self.recipient_id}"
