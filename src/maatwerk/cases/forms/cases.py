from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maatwerk.core import forms as core_forms
from maatwerk.core.dates import date_of_birth_problem
from maatwerk.core.widgets import DateInput
from maatwerk.register.models import LifeDomain, Organisation

from ..audience import audience_choices, default_audience
from ..models import (
    Audience,
    Case,
    Composition,
    Confirmation,
    HouseholdIdentity,
    MemberIdentity,
)
from ..validators import normalize_bsn, normalize_postcode


class IntakeForm(core_forms.Form):
    """Opening a case asks only what is needed; everything else can come later."""

    perspective = forms.CharField(
        label=_("What does the household want? In its own words"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": _("Write down what the household wants, in its words.")},
    )
    needed = forms.CharField(
        label=_("What is needed?"),
        help_text=_("Which breakthrough or exception would help."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": _("Describe what is needed.")},
    )
    deciding_organisations = core_forms.ModelMultipleChoiceField(
        label=_("Who must decide?"),
        help_text=_("Organisations from the Maatwerkregister. You can add them later."),
        queryset=Organisation.objects.filter(active=True),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    life_domains = core_forms.ModelMultipleChoiceField(
        label=_("Life domains"),
        queryset=LifeDomain.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one life domain.")},
    )
    primary_domain = core_forms.ModelChoiceField(
        label=_("Primary life domain"),
        queryset=LifeDomain.objects.filter(active=True),
        error_messages={"required": _("Choose the primary life domain.")},
    )
    problems_start_domain = core_forms.ModelChoiceField(
        label=_("Where does the household itself see its problems start?"),
        queryset=LifeDomain.objects.filter(active=True),
        required=False,
    )
    composition = forms.ChoiceField(label=_("Household composition"), choices=Composition.choices)
    adults = forms.IntegerField(label=_("Adults"), min_value=1, max_value=30, initial=1)
    children = forms.IntegerField(label=_("Children"), min_value=0, max_value=30, initial=0)
    safety_concern = forms.BooleanField(
        label=_("There is a safety concern (for example domestic violence)"), required=False
    )

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.teams = list(teams)
        if len(self.teams) > 1:
            self.fields["team"] = forms.ChoiceField(
                label=_("Team"), choices=[(t.pk, t.name) for t in self.teams]
            )
        for name in ("primary_domain", "problems_start_domain", "composition"):
            self.fields[name].widget.attrs.pop("required", None)
        self.fields["problems_start_domain"].empty_label = _("Not asked yet")

    def clean(self):
        cleaned = super().clean()
        domains, primary = cleaned.get("life_domains"), cleaned.get("primary_domain")
        if domains is not None and primary is not None and primary not in domains:
            self.add_error(
                "primary_domain",
                _("The primary life domain must be one of the chosen life domains."),
            )
        return cleaned

    def chosen_team(self):
        if "team" in self.fields:
            return next(t for t in self.teams if str(t.pk) == self.cleaned_data["team"])
        return self.teams[0]


class PerspectiveForm(core_forms.Form):
    text = forms.CharField(
        label=_("In their own words"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        error_messages={"required": _("Write down the household's words.")},
    )
    confirmation = forms.ChoiceField(
        label=_("How did the household confirm this version?"),
        choices=[c for c in Confirmation.choices if c[0] != Confirmation.FIRST],
    )
    recorded_on = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)
    problems_start_domain = core_forms.ModelChoiceField(
        label=_("Where does the household itself see its problems start?"),
        queryset=LifeDomain.objects.filter(active=True),
        required=False,
    )
    # Left empty (a client that does not send it), the voice's safe default applies.
    audience = forms.ChoiceField(
        required=False,
        label=_("Who may hear these words?"),
        help_text=_(
            "Printed plans and what is shared with organisations contain only what their "
            "reader may hear. A member's words are for that member only, unless they "
            "want the whole household to hear them."
        ),
    )
    based_on_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, voice="", new_voice=False, **kwargs):
        """``voice``: whose words these are ('' for the whole household). A new voice
        is always a member's, whose name is typed on the same page."""
        super().__init__(*args, **kwargs)
        self.fields["problems_start_domain"].empty_label = _("Not asked yet")
        if new_voice:
            self.fields["audience"].choices = audience_choices(str(_("this member")))
            self.fields["audience"].initial = Audience.MEMBER
        else:
            self.fields["audience"].choices = audience_choices(voice)
            self.fields["audience"].initial = default_audience(voice)
        self.fields["audience"].widget.attrs.pop("required", None)


class CaseFilterForm(core_forms.Form):
    scope = forms.ChoiceField(
        label=_("Cases"),
        choices=[("team", _("My team's cases")), ("mine", _("My cases"))],
        required=False,
    )
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_(
            "A part of the pseudonym or reference, a municipality, an organisation, or "
            "words from the perspective, the plan or the requests."
        ),
    )
    organisation = core_forms.ModelChoiceField(
        label=_("Organisation asked"),
        queryset=Organisation.objects.filter(active=True).order_by("name"),
        required=False,
        empty_label=_("All"),
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    domain = forms.ChoiceField(label=_("Life domain"), required=False)
    attention = forms.BooleanField(label=_("Only cases that need attention"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All")), *Case.Status.choices]
        self.fields["domain"].choices = [("", _("All"))] + [
            (d.code, d.name) for d in LifeDomain.objects.filter(active=True)
        ]


class IdentityForm(core_forms.ModelForm):
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    # Typed with spaces or dots is fine: normalised before the model's own checks.
    bsn = forms.CharField(label=_("citizen service number (BSN)"), required=False, max_length=20)
    postcode = forms.CharField(label=_("postcode"), required=False, max_length=10)

    class Meta:
        model = HouseholdIdentity
        fields = [
            "names",
            "date_of_birth",
            "bsn",
            "street",
            "house_number",
            "house_number_addition",
            "postcode",
            "city",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["loaded_version"].initial = self.instance.version if self.instance.pk else 0
        self.fields["bsn"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        self.fields["postcode"].widget.attrs.update({"autocomplete": "off"})
        for field in self.fields.values():
            field.widget.attrs.setdefault("autocomplete", "off")

    def clean_date_of_birth(self):
        on = self.cleaned_data["date_of_birth"]
        if on is not None and (problem := date_of_birth_problem(on)):
            raise forms.ValidationError(problem)
        return on

    def clean_bsn(self):
        value = self.cleaned_data["bsn"]
        return normalize_bsn(value) if value else ""

    def clean_postcode(self):
        value = self.cleaned_data["postcode"]
        return normalize_postcode(value) if value else ""


class MemberIdentityForm(IdentityForm):
    """The identifiers of one member or sub-household (a voice of the case)."""

    class Meta(IdentityForm.Meta):
        model = MemberIdentity
        fields = [*IdentityForm.Meta.fields, "protected_address"]


class StatusForm(core_forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    outcome = forms.ChoiceField(
        label=_("Outcome (when closing)"),
        required=False,
        choices=[("", "–"), *Case.Outcome.choices],
    )
    on = forms.DateField(label=_("Date"), initial=timezone.localdate, widget=DateInput())
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, case, allowed, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(s.value, s.label) for s in allowed]
        self.fields["loaded_version"].initial = case.version
