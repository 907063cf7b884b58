"""Forms of the budget pages. Thin: amounts are parsed by money.parse_amount (the same
Dutch errors as the services give), every rule is checked again in the services."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maatwerk.accounts.models import User
from maatwerk.core import forms as core_forms
from maatwerk.core.money import AmountField, euro
from maatwerk.core.uploads import detect_type, matches_name
from maatwerk.core.widgets import DateInput
from maatwerk.journeys.models import Request
from maatwerk.journeys.workflow import SOLVABLE_STATES
from maatwerk.register.models import Organisation

from .models import PayeeCategory, PurposeCategory

RECEIPT_TYPES = {".pdf", ".jpg", ".jpeg", ".png"}
RECEIPT_MAX_BYTES = 10 * 1024 * 1024


def validate_receipt(upload) -> None:
    name = upload.name.lower()
    if not any(name.endswith(ext) for ext in RECEIPT_TYPES):
        raise ValidationError(_("A receipt must be a PDF, JPG or PNG file."))
    if upload.size > RECEIPT_MAX_BYTES:
        raise ValidationError(_("A receipt may be at most 10 MB."))
    if not matches_name(detect_type(upload), name):
        raise ValidationError(
            _("This file is not a real PDF, JPG or PNG file (its content does not match its name).")
        )


def _date_field(label, **kwargs):
    return forms.DateField(
        label=label,
        widget=DateInput(),
        initial=timezone.localdate,
        error_messages={"required": _("Give the date."), "invalid": _("Enter a valid date.")},
        **kwargs,
    )


class SpendForm(core_forms.Form):
    budget = core_forms.ModelChoiceField(
        label=_("Budget"),
        queryset=None,
        empty_label=None,
        error_messages={"required": _("Choose a budget."), "invalid_choice": _("Choose a budget.")},
    )
    on = _date_field(_("Date of the payment"))
    amount = AmountField(label=_("Amount"))
    purpose_category = forms.ChoiceField(
        label=_("Purpose"),
        choices=[("", "–"), *PurposeCategory.choices],
        error_messages={"required": _("Choose a purpose.")},
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=300,
        help_text=_("What is paid, for example “rent arrears March”. No names."),
        error_messages={"required": _("Say what is paid, for example “rent arrears March”.")},
    )
    payee_category = forms.ChoiceField(
        label=_("Paid to"),
        choices=[("", "–"), *PayeeCategory.choices],
        error_messages={"required": _("Choose who is paid.")},
    )
    receipt = forms.FileField(
        label=_("Receipt"),
        required=False,
        validators=[validate_receipt],
        help_text=_("PDF, JPG or PNG, at most 10 MB. Stored privately."),
    )
    bridging = forms.BooleanField(
        label=_("Bridging: paid now while it is unclear which organisation is responsible"),
        required=False,
    )
    responsible_candidates = core_forms.ModelMultipleChoiceField(
        label=_("Organisations that may be responsible"),
        queryset=Organisation.objects.filter(active=True).order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only for a bridging spend."),
    )
    ask_approval = forms.BooleanField(
        label=_("Ask a budget holder to approve this spend"),
        required=False,
        help_text=_(
            "Needed when the balance is not enough: a budget holder can then allow a "
            "negative balance. Above the threshold approval is always asked."
        ),
    )
    solves_request = core_forms.ModelChoiceField(
        label=_("This spend solves the request"),
        queryset=None,
        required=False,
        empty_label="–",
        help_text=_("Shown on the journey timeline as the intervention that solved it."),
    )

    def __init__(self, *args, budgets, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["budget"].queryset = budgets
        self.fields["budget"].label_from_instance = _budget_label
        solvable = SOLVABLE_STATES
        self.fields["solves_request"].queryset = (
            Request.objects.filter(case=case, state__in=solvable)
            .select_related("organisation")
            .order_by("id")
        )
        self.fields["solves_request"].label_from_instance = lambda req: (
            f"{req.reference} → {req.organisation.name} ({req.get_state_display()})"
        )


def _budget_label(budget) -> str:
    """The budget with what is left and its threshold (``budget`` comes annotated by
    selectors.with_figures), so the professional sees before saving whether the spend
    fits and whether it needs approval."""
    if budget.professional_id:
        name = _("%(year)s · personal budget of %(name)s") % {
            "year": budget.year,
            "name": budget.professional.display_name,
        }
    else:
        name = _("%(year)s · %(team)s") % {"year": budget.year, "team": budget.team.name}
    return _("%(name)s (remaining %(remaining)s; approval above %(threshold)s)") % {
        "name": name,
        "remaining": euro(budget.remaining),
        "threshold": euro(budget.approval_threshold),
    }


class ApproveForm(core_forms.Form):
    override = forms.BooleanField(
        label=_("Allow a negative balance for this spend"),
        required=False,
        help_text=_("Only when the balance is not enough. Recorded in the access log."),
    )


class RefuseForm(core_forms.Form):
    reason = forms.CharField(
        label=_("Why is the spend refused?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the spend is refused.")},
    )


class ReverseForm(core_forms.Form):
    amount = AmountField(
        label=_("Amount to reverse"),
        required=False,
        help_text=_("Leave empty to reverse everything that is left."),
    )
    on = _date_field(_("Date of the correction"))
    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=500,
        error_messages={"required": _("Say why the spend is corrected.")},
    )


class SettleForm(core_forms.Form):
    responsible = core_forms.ModelChoiceField(
        label=_("Organisation that turned out to be responsible"),
        queryset=Organisation.objects.filter(active=True).order_by("name"),
        error_messages={
            "required": _("Choose the organisation that turned out to be responsible."),
            "invalid_choice": _("Choose the organisation that turned out to be responsible."),
        },
    )
    amount = AmountField(label=_("Reimbursed amount"), allow_zero=True)
    on = _date_field(_("Reimbursed on"))
    final = forms.BooleanField(
        label=_("Settled in full: nothing more will be reimbursed"), required=False
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        if candidates:
            self.fields["responsible"].initial = candidates[0].pk


class BudgetForm(core_forms.Form):
    team = core_forms.ModelChoiceField(
        label=_("Team"),
        queryset=None,
        empty_label=None,
        error_messages={"required": _("Choose a team.")},
    )
    year = forms.IntegerField(
        label=_("Year"),
        min_value=2000,
        max_value=2100,
        initial=lambda: timezone.localdate().year,
        error_messages={
            "required": _("Give the year."),
            "invalid": _("Give a year, for example 2026."),
            "min_value": _("Give a year between 2000 and 2100."),
            "max_value": _("Give a year between 2000 and 2100."),
        },
    )
    professional = core_forms.ModelChoiceField(
        label=_("Personal budget of"),
        queryset=None,
        required=False,
        empty_label=_("– the team's budget –"),
    )
    amount = AmountField(label=_("Budget"), allow_zero=True)
    approval_threshold = AmountField(
        label=_("Approval threshold"),
        allow_zero=True,
        help_text=_("Spends above this amount need a second budget holder's approval."),
    )
    reason = forms.CharField(label=_("Reason (for the history)"), max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        teams = user.teams.filter(active=True).order_by("name")
        self.fields["team"].queryset = teams
        self.fields["professional"].queryset = (
            User.objects.filter(teams__in=teams, is_active=True).distinct().order_by("username")
        )
        self.fields["professional"].label_from_instance = lambda u: u.display_name
