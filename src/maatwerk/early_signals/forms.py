from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from maatwerk.cases.models import Composition
from maatwerk.cases.selectors import workable_cases
from maatwerk.core import forms as core_forms
from maatwerk.core.money import AmountField

from .models import Outcome, OutreachAttempt, SignalType, Tray
from .selectors import active_creditors, intake_teams

UPLOAD_EXTENSIONS = (".csv", ".txt", ".xlsx")


class UploadForm(core_forms.Form):
    creditor = core_forms.ModelChoiceField(
        label=_("Creditor"), queryset=active_creditors(), empty_label=None
    )
    team = core_forms.ModelChoiceField(
        label=_("Team that follows the signals up"),
        queryset=None,
        empty_label=None,
    )
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_("The column layout of the template; at most 200,000 signals."),
    )
    valid_only = forms.BooleanField(
        label=_("Take in the valid rows and skip the rows with problems"),
        required=False,
        help_text=_("Without this, nothing is stored until the whole file is clean."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["creditor"].queryset = active_creditors()
        self.fields["team"].queryset = intake_teams(user)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(UPLOAD_EXTENSIONS):
            raise forms.ValidationError(_("Upload a CSV file (.csv) or an Excel file (.xlsx)."))
        if upload.size > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is too large."))
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        return upload


class AssignForm(core_forms.Form):
    assigned_to = core_forms.ModelChoiceField(label=_("Assign to"), queryset=None)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = candidates


class AttemptForm(core_forms.Form):
    kind = forms.ChoiceField(label=_("How"), choices=OutreachAttempt.Kind.choices)
    on = forms.DateField(label=_("Date"))
    result = forms.ChoiceField(label=_("Result"), choices=OutreachAttempt.Result.choices)
    note = forms.CharField(
        label=_("Note"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only what the follow-up needs."),
    )


class OutcomeForm(core_forms.Form):
    # Help accepted opens or links a case (OpenCaseForm, LinkCaseForm).
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[(value, label) for value, label in Outcome.choices if value != "help_accepted"],
    )
    on = forms.DateField(label=_("Date"))


class TrayForm(core_forms.ModelForm):
    class Meta:
        model = Tray
        fields = ["name", "order", "active"]


class RuleForm(core_forms.Form):
    """One rule of a new version of the weighing."""

    name = forms.CharField(label=_("Name"), max_length=100)
    tray = core_forms.ModelChoiceField(label=_("Tray"), queryset=Tray.objects.filter(active=True))
    priority = forms.IntegerField(label=_("Priority (1 = most urgent)"), min_value=1, max_value=9)
    signal_types = forms.MultipleChoiceField(
        label=_("Signal types (none: any)"),
        choices=SignalType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    min_amount = AmountField(label=_("Total amount at least"), required=False, allow_zero=True)
    min_months = forms.IntegerField(
        label=_("Months in arrears at least"), required=False, min_value=0, max_value=120
    )
    min_creditors = forms.IntegerField(
        label=_("Creditors at least"), required=False, min_value=1, max_value=50
    )
    threatening = forms.BooleanField(
        label=_("Only when an eviction or disconnection is announced"), required=False
    )
    delete = forms.BooleanField(label=_("Remove this rule"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tray"].queryset = Tray.objects.filter(active=True)


RuleFormSet = forms.formset_factory(RuleForm, extra=1, max_num=50, validate_max=True)


class RuleVersionForm(core_forms.Form):
    note = forms.CharField(label=_("What changed, and why"), max_length=300)


class OpenCaseForm(core_forms.Form):
    team = core_forms.ModelChoiceField(label=_("Team of the case"), queryset=None, empty_label=None)
    perspective = forms.CharField(
        label=_("The household's own words: what do they want?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    composition = forms.ChoiceField(label=_("Household"), choices=Composition.choices)
    adults = forms.IntegerField(label=_("Adults"), min_value=1, max_value=30, initial=1)
    children = forms.IntegerField(label=_("Children"), min_value=0, max_value=30, initial=0)
    copy_identity = forms.BooleanField(
        label=_("Copy the name and address to the case's household details"),
        required=False,
        initial=True,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = user.teams.filter(active=True).order_by("name")


class LinkCaseForm(core_forms.Form):
    case = core_forms.ModelChoiceField(label=_("Existing case"), queryset=None)
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (Outcome.HELP_ACCEPTED, Outcome.HELP_ACCEPTED.label),
            (Outcome.ALREADY_IN_HELP, Outcome.ALREADY_IN_HELP.label),
        ],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = (
            workable_cases(user).select_related("household").order_by("-opened_on", "-pk")
        )
        self.fields["case"].label_from_instance = lambda case: (
            f"{case.reference} ({case.household.pseudonym})"
        )
