from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maatwerk.core import forms as core_forms
from maatwerk.core.money import AmountField
from maatwerk.core.widgets import DateInput
from maatwerk.register.models import LegalGround, Organisation, ReferenceCost

from ..audience import audience_choices, default_audience
from ..models import Audience, Confirmation, CostLine

TEXTAREA = {"rows": 3}
User = get_user_model()
PLAN_TEXT_MAX_LENGTH = 5000


def set_audience_choices(form, voice: str) -> None:
    """The audience choices of a goal or action of a plan serving ``voice``, with the
    safe default preselected."""
    field = form.fields["audience"]
    field.choices = audience_choices(voice)
    field.initial = default_audience(voice)
    field.widget.attrs.pop("required", None)


class PlanForm(core_forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        error_messages={"required": _("Give the plan a title.")},
    )
    serves_member = forms.ChoiceField(
        label=_("Whose perspective does this plan serve?"), required=False
    )
    intended_effect = forms.CharField(
        label=_("1. Intended effect"),
        help_text=_("What must change for the household?"),
        required=False,
        max_length=PLAN_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    impact = forms.CharField(
        label=_("2. Impact on person, family and surroundings"),
        required=False,
        max_length=PLAN_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    purpose_of_law = forms.CharField(
        label=_("3. Purpose of the law"),
        help_text=_("Why was the law written? Articles are instruments."),
        required=False,
        max_length=PLAN_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    ethics = forms.CharField(
        label=_("4. Ethics"),
        help_text=_("Is it ethically sound?"),
        required=False,
        max_length=PLAN_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    legal_check = forms.CharField(
        label=_("5. Legal check"),
        help_text=_("Last, not first: does it conflict with the law?"),
        required=False,
        max_length=PLAN_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    legal_grounds = core_forms.ModelMultipleChoiceField(
        label=_("Exception grounds"),
        queryset=LegalGround.objects.filter(active=True).select_related("regulation"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    legality = forms.CharField(
        label=_("Legality: why the exception grounds apply"),
        required=False,
        max_length=PLAN_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    safety = forms.CharField(
        label=_("How safety is addressed"),
        required=False,
        max_length=PLAN_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    safety_audience = forms.ChoiceField(
        label=_("Who may hear how safety is addressed?"),
        help_text=_("Never the whole household: a printed plan for the household leaves it out."),
        required=False,
    )
    audience = forms.ChoiceField(
        label=_("Who may hear this plan?"),
        help_text=_(
            "Its title, why it is allowed and the household's agreement. Goals and actions "
            "each have their own choice below."
        ),
        required=False,
    )
    based_on = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    # The voice the audience choices below were offered for: when the plan is set to
    # serve another voice, the page is shown again with that voice's safe defaults.
    rendered_voice = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)

    def __init__(self, *args, voices=(), voice="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["serves_member"].choices = [
            (member, member or _("The household as a whole")) for member in voices
        ] or [("", _("The household as a whole"))]
        self.fields["audience"].choices = audience_choices(voice)
        self.fields["audience"].initial = default_audience(voice)
        self.fields["safety_audience"].choices = audience_choices(voice, safety=True)
        self.fields["safety_audience"].initial = Audience.PROFESSIONALS
        self.fields["rendered_voice"].initial = voice
        for name in ("audience", "safety_audience", "serves_member"):
            self.fields[name].widget.attrs.pop("required", None)


class PlanVoiceForm(core_forms.Form):
    """The first step of the plan form, sent with GET: whose perspective the plan
    serves. The page comes back with that voice's sentences for the goals and its safe
    choices of who may hear each part (no JavaScript needed)."""

    serves_member = forms.ChoiceField(
        label=_("Whose perspective does this plan serve?"),
        required=False,
        help_text=_(
            "Choose this first: the goals then offer this voice's own words, and who may "
            "hear each part starts at the safe choice for it."
        ),
    )

    def __init__(self, *args, voices=(), **kwargs):
        kwargs.setdefault("auto_id", "voice_%s")  # not the ids of the plan form below
        super().__init__(*args, **kwargs)
        self.fields["serves_member"].choices = [
            (member, member or _("The household as a whole")) for member in voices
        ] or [("", _("The household as a whole"))]
        self.fields["serves_member"].widget.attrs.pop("required", None)


class GoalForm(core_forms.Form):
    text = forms.CharField(
        label=_("Goal"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    perspective_sentence = forms.ChoiceField(
        label=_("Comes from the household's words"), required=False
    )
    audience = forms.ChoiceField(label=_("Who may hear this goal?"), required=False)

    def __init__(self, *args, sentences=(), voice="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["perspective_sentence"].choices = [
            ("", _("Not from the household's words")),
            *[(s, s) for s in sentences],
        ]
        set_audience_choices(self, voice)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("perspective_sentence") and not cleaned.get("text", "").strip():
            self.add_error("text", _("Every goal needs a text."))
        return cleaned


class ActionForm(core_forms.Form):
    what = forms.CharField(label=_("What"), required=False, max_length=2000)
    organisation = core_forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.filter(active=True), required=False
    )
    person = forms.CharField(label=_("Person"), required=False, max_length=200)
    due_on = forms.DateField(label=_("By when"), required=False, widget=DateInput())
    owner = core_forms.ModelChoiceField(
        label=_("Who in the team does it"),
        queryset=None,
        required=False,
        help_text=_("It appears in their list of actions; past its date it needs attention."),
    )
    audience = forms.ChoiceField(label=_("Who may hear this action?"), required=False)

    def __init__(self, *args, voice="", owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        set_audience_choices(self, voice)
        self.fields["owner"].queryset = owners if owners is not None else User.objects.none()
        self.fields["owner"].label_from_instance = lambda user: user.display_name

    def clean(self):
        cleaned = super().clean()
        filled = any(cleaned.get(k) for k in ("organisation", "person", "due_on"))
        if filled and not cleaned.get("what", "").strip():
            self.add_error("what", _("Say what will be done."))
        return cleaned


class CostForm(core_forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CostLine.Kind.choices)
    reference_cost = core_forms.ModelChoiceField(
        label=_("Reference cost"),
        queryset=ReferenceCost.objects.filter(active=True),
        required=False,
    )
    description = forms.CharField(label=_("Description"), required=False, max_length=300)
    amount = AmountField(label=_("Amount (euro)"), required=False, allow_zero=True)

    def clean(self):
        cleaned = super().clean()
        reference = cleaned.get("reference_cost")
        if reference is not None:
            cleaned["description"] = cleaned.get("description") or reference.name
            if cleaned.get("amount") is None and "amount" not in self.errors:
                cleaned["amount"] = reference.amount
        amount = cleaned.get("amount")
        if amount is not None and amount < 0:
            self.add_error("amount", _("An amount cannot be negative."))
        if amount is not None and not cleaned.get("description"):
            self.add_error("description", _("Say what this amount is for."))
        if cleaned.get("description") and amount is None and "amount" not in self.errors:
            self.add_error("amount", _("Enter the amount."))
        return cleaned


GoalFormSet = forms.formset_factory(GoalForm, extra=2, max_num=30)
ActionFormSet = forms.formset_factory(ActionForm, extra=2, max_num=30)
CostFormSet = forms.formset_factory(CostForm, extra=3, max_num=40)


class AgreementForm(core_forms.Form):
    agreed_on = forms.DateField(label=_("Date"), initial=timezone.localdate, widget=DateInput())
    how = forms.ChoiceField(
        label=_("How did the household agree?"),
        choices=[c for c in Confirmation.choices if c[0] != Confirmation.FIRST],
    )
    words = forms.CharField(
        label=_("In the household's words"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={
            "required": _("Write down how the household put its agreement, in its words.")
        },
    )


class PrintForm(core_forms.Form):
    """For whom a plan is printed (``?for=household`` or ``?for=member:<voice>``): the
    whole household or one member. Nothing is preselected on purpose: the professional
    chooses every time."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, readers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.readers = {reader.key: reader for reader in readers}
        # A field called "for", like the URL's parameter (a keyword, so added here).
        self.fields["for"] = forms.ChoiceField(
            label=_("Print for"),
            choices=[("", _("Choose…"))] + [(reader.key, reader.label) for reader in readers],
            error_messages={
                "required": _("Choose for whom the plan is printed."),
                "invalid_choice": _("This plan cannot be printed for them. Choose from the list."),
            },
        )
        self.fields["for"].widget.attrs.pop("required", None)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("for"):
            cleaned["reader"] = self.readers[cleaned["for"]]
        return cleaned


class ConfirmPrintForm(core_forms.Form):
    """The professional saw the preview of a plan for a case with a safety concern and
    confirms exactly that content (``digest``)."""

    digest = forms.CharField(widget=forms.HiddenInput, max_length=64)
    confirm = forms.BooleanField(
        label=_("I checked every piece above: it may go to this reader."),
        error_messages={"required": _("Confirm that you checked what will be printed.")},
    )


class ActionDoneForm(core_forms.Form):
    done_on = forms.DateField(
        label=_("Done on"),
        initial=timezone.localdate,
        widget=DateInput(),
        error_messages={"required": _("Enter the date the action was done.")},
    )
