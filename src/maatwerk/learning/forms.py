"""Forms of the learning pages. Thin: every rule is checked again in the services."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maatwerk.cases.models import Case
from maatwerk.core import forms as core_forms
from maatwerk.core.widgets import DateInput
from maatwerk.register.models import LegalGround, LifeDomain, Organisation, Regulation

from .models import ANSWER_STATUSES, BottleneckCategory, LearningPoint, LearningStatus


class BottleneckForm(core_forms.Form):
    category = forms.ChoiceField(
        label=_("Kind of bottleneck"), choices=BottleneckCategory.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("What blocked the case"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Describe the system, not the household: no names or other personal data."),
    )
    regulation = forms.CharField(
        label=_("Regulation involved (optional)"),
        max_length=200,
        required=False,
        help_text=_("For example kostendelersnorm or fraudeschuld."),
        widget=forms.TextInput(attrs={"list": "regulation-suggestions", "autocomplete": "off"}),
    )
    organisations = core_forms.ModelMultipleChoiceField(
        label=_("Organisations involved (optional)"),
        queryset=Organisation.objects.filter(active=True).order_by("name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )


class LearningPointForm(core_forms.Form):
    order = forms.TypedChoiceField(
        label=_("Order"),
        choices=LearningPoint.Order.choices,
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_(
            "1: this case; 2: an organisation removes its own obstacle; 3: a rule changes."
        ),
    )
    text = forms.CharField(
        label=_("What should change"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("It goes to the addressee: no names or other personal data."),
    )
    addressee = core_forms.ModelChoiceField(
        label=_("Addressee"),
        queryset=Organisation.objects.filter(active=True).order_by("name"),
        required=False,
        help_text=_("The organisation or ministry that should change it."),
    )
    addressee_name = forms.CharField(
        label=_("Addressee not in the register"),
        max_length=200,
        required=False,
    )
    bottlenecks = forms.MultipleChoiceField(
        label=_("Bottlenecks it answers (optional)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, bottlenecks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.bottleneck_objects = {str(b.pk): b for b in bottlenecks}
        self.fields["bottlenecks"].choices = [
            (str(b.pk), f"{b.get_category_display()}: {b.text[:80]}") for b in bottlenecks
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("addressee") and cleaned.get("addressee_name"):
            self.add_error(
                "addressee_name", _("Choose an organisation from the register, or write one.")
            )
        cleaned["bottleneck_objects"] = [
            self.bottleneck_objects[pk] for pk in cleaned.get("bottlenecks") or []
        ]
        return cleaned


class StepForm(core_forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=())
    on = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)
    answer = forms.CharField(
        label=_("The addressee's answer"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    on_behalf_of = forms.CharField(
        label=_("Answered by (organisation not on the platform)"),
        max_length=200,
        required=False,
    )

    def __init__(self, *args, statuses=(), answering=False, **kwargs):
        super().__init__(*args, **kwargs)
        if answering:
            statuses = [s for s in statuses if s in ANSWER_STATUSES]
            del self.fields["on_behalf_of"]
        self.fields["status"].choices = [(s, LearningStatus(s).label) for s in statuses]


class CompleteAnalysisForm(core_forms.Form):
    no_bottlenecks = forms.BooleanField(label=_("Nothing blocked this case"), required=False)
    note = forms.CharField(
        label=_("Note (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PrecedentForm(core_forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    situation = forms.CharField(
        label=_("The situation"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Without names, addresses, numbers or dates of birth: anyone may read it."),
    )
    asked = forms.CharField(
        label=_("What was asked"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    what_worked = forms.CharField(
        label=_("What worked"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Case.Outcome.choices)
    lead_time_days = forms.IntegerField(
        label=_("Lead time (days)"), required=False, min_value=0, max_value=36500
    )
    regulation = core_forms.ModelChoiceField(
        label=_("Rule"), queryset=Regulation.objects.filter(active=True), required=False
    )
    regulation_text = forms.CharField(label=_("Rule (in words)"), max_length=200, required=False)
    legal_ground = core_forms.ModelChoiceField(
        label=_("Exception ground"), queryset=LegalGround.objects.all(), required=False
    )
    life_domains = core_forms.ModelMultipleChoiceField(
        label=_("Life domains"),
        queryset=LifeDomain.objects.filter(active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    organisations = core_forms.ModelMultipleChoiceField(
        label=_("Organisations"),
        queryset=Organisation.objects.filter(active=True).order_by("name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )


class LinkToCaseForm(core_forms.Form):
    """On a precedent's page: link it to one of the open cases the user works on."""

    case = core_forms.ModelChoiceField(label=_("Link to your case"), queryset=Case.objects.none())

    def __init__(self, *args, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases
        self.fields["case"].label_from_instance = lambda case: str(case)
