"""Forms of the professional's side of the journey (requests, steps, the work queue).

The forms only collect input; the services decide what is valid for a request and its
state, and their ValidationErrors are mapped back onto these fields by the views."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maatwerk.cases.forms.documents import DocumentForm, DocumentShareForm
from maatwerk.core import forms as core_forms
from maatwerk.core.dates import date_problem
from maatwerk.core.widgets import DateInput
from maatwerk.register.models import LegalGround, Organisation, Regulation

from ..models import SYSTEM_EVENTS, EventType, RefusalReason, Request
from ..workflow import TRANSITIONS

# The household's answer to a condition: a tri-state in the model (None: not asked).
AGREES_CHOICES = [("", _("not yet asked")), ("yes", _("agrees")), ("no", _("disagrees"))]
AGREES_VALUES = {"": None, "yes": True, "no": False}


class RequestForm(core_forms.Form):
    organisation = core_forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.filter(active=True),
        error_messages={"required": _("Choose the organisation from the register.")},
    )
    kind = forms.ChoiceField(
        label=_("Kind of request"), choices=Request.Kind.choices, initial=Request.Kind.EXCEPTION
    )
    subject = forms.CharField(
        label=_("What is asked?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": _("Describe what you ask of the organisation.")},
    )
    regulation = core_forms.ModelChoiceField(
        label=_("Rule (regulation)"),
        queryset=Regulation.objects.filter(active=True),
        required=False,
    )
    rule_text = forms.CharField(
        label=_("Rule in words"),
        help_text=_(
            "The rule this request needs an exception from, for example the cost-sharing norm."
        ),
        max_length=300,
        required=False,
    )
    legal_ground = core_forms.ModelChoiceField(
        label=_("Exception ground"),
        queryset=LegalGround.objects.filter(active=True),
        required=False,
    )
    share_perspective = forms.BooleanField(
        label=_("Share the household's perspective"), initial=True, required=False
    )
    plan_excerpt = forms.CharField(
        label=_("Plan excerpt to share"),
        help_text=_(
            "Filled in with the goals of the newest plan version; "
            "shorten it to what the organisation needs."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        required=False,
    )
    extra_shared = forms.CharField(
        label=_("Share more (only by explicit choice)"),
        help_text=_(
            "Anything beyond the perspective and the plan excerpt. "
            "Needs a legal basis and the household's agreement."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
    )
    extra_legal_basis = forms.CharField(
        label=_("Legal basis for sharing more"), max_length=300, required=False
    )
    extra_household_agreed_on = forms.DateField(
        label=_("Date the household agreed to sharing more"), widget=DateInput(), required=False
    )
    send_now = forms.BooleanField(
        label=_("Send the request now"),
        help_text=_("Otherwise it is kept as a draft."),
        initial=True,
        required=False,
    )

    def __init__(self, *args, may_send=True, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("organisation", "kind", "regulation", "legal_ground"):
            self.fields[name].widget.attrs.pop("required", None)
        self.fields["regulation"].empty_label = _("Not known / not applicable")
        self.fields["legal_ground"].empty_label = _("Not known yet")
        if not may_send:
            del self.fields["send_now"]

    def clean_extra_household_agreed_on(self):
        agreed_on = self.cleaned_data["extra_household_agreed_on"]
        if agreed_on and (problem := date_problem(agreed_on)):
            raise forms.ValidationError(problem)
        return agreed_on

    def request_fields(self) -> dict:
        """The cleaned values as keyword arguments for services.request_create."""
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "regulation": data["regulation"],
            "rule_text": data["rule_text"],
            "legal_ground": data["legal_ground"],
            "share_perspective": data["share_perspective"],
            "plan_excerpt": data["plan_excerpt"],
            "extra_shared": data["extra_shared"],
            "extra_legal_basis": data["extra_legal_basis"],
            "extra_household_agreed_on": data["extra_household_agreed_on"],
        }


def allowed_events(state: str) -> list[tuple[str, str]]:
    """The event types that may follow a request in ``state`` (from workflow.TRANSITIONS)."""
    return [
        (event.value, event.label)
        for event in EventType
        if state in TRANSITIONS[event][0] and event not in SYSTEM_EVENTS
    ]


class EventForm(core_forms.Form):
    """Log one step of a request's journey. Which fields count depends on the type;
    the others are ignored."""

    # Only for the type's own event fields: reason for refused/redirected, level for
    # escalated, redirected_to for redirected, household_agrees for condition_added.
    type = forms.ChoiceField(
        label=_("What happened?"),
        choices=[(e.value, e.label) for e in EventType if e not in SYSTEM_EVENTS],
        error_messages={"required": _("Choose what happened.")},
    )
    on = forms.DateField(
        label=_("Date"),
        widget=DateInput(),
        initial=timezone.localdate,
        error_messages={"required": _("Give the date.")},
    )
    on_behalf_of = forms.CharField(
        label=_("On behalf of"),
        help_text=_("For example “answer by phone from UWV”."),
        max_length=200,
        required=False,
    )
    text = forms.CharField(
        label=_("Text"),
        help_text=_(
            "The answer, the condition, the information asked or what exactly was approved."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
    )
    reason = forms.ChoiceField(
        label=_("Reason (refused or redirected)"),
        choices=[("", "–"), *RefusalReason.choices],
        required=False,
    )
    redirected_to_organisation = core_forms.ModelChoiceField(
        label=_("Redirected to (organisation in the register)"),
        queryset=Organisation.objects.filter(active=True),
        required=False,
        empty_label=_("Not in the register"),
        error_messages={"invalid_choice": _("Choose an organisation from the register.")},
    )
    redirected_to = forms.CharField(
        label=_("Redirected to (desk or organisation outside the register)"),
        max_length=300,
        required=False,
    )
    level = forms.TypedChoiceField(
        label=_("Escalation level and contact"), coerce=int, empty_value=None, required=False
    )
    household_agrees = forms.ChoiceField(
        label=_("The household's answer to the condition"),
        choices=AGREES_CHOICES,
        required=False,
    )

    def __init__(self, *args, req: Request, steps=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.req = req
        # Offer only what fits the current state; any type is accepted here so that a
        # stale form gets the service's clear message instead of "invalid choice".
        self.allowed = allowed_events(req.state)
        self.fields["type"].widget.choices = [("", "–"), *self.allowed]
        self.contacts = {step.level: step.contact for step in steps}
        levels = []
        for level in range(1, 5):
            contact = self.contacts.get(level)
            label = _("level %(level)s") % {"level": level}
            levels.append((level, f"{label}: {contact.name}" if contact else f"{label}: –"))
        self.fields["level"].choices = [("", "–"), *levels]
        if req.escalation_level < 4:
            self.fields["level"].initial = req.escalation_level + 1
        for name in ("type", "reason", "level", "household_agrees", "redirected_to_organisation"):
            self.fields[name].widget.attrs.pop("required", None)

    def event_fields(self) -> dict:
        """Keyword arguments for services.record_event: the fields of this type only."""
        data = self.cleaned_data
        kind = data["type"]
        fields = {"text": data["text"].strip()}
        if kind in (EventType.REFUSED, EventType.REDIRECTED):
            fields["reason"] = data["reason"]
        if kind == EventType.REDIRECTED:
            fields["redirected_to"] = data["redirected_to"].strip()
            fields["redirected_to_organisation"] = data["redirected_to_organisation"]
        if kind == EventType.ESCALATED:
            fields["level"] = data["level"]
            fields["escalated_to"] = self.contacts.get(data["level"])
        if kind == EventType.CONDITION_ADDED:
            fields["household_agrees"] = AGREES_VALUES[data["household_agrees"]]
        return fields


class ConditionAnswerForm(core_forms.Form):
    """The household's answer to a condition: recorded as a new condition_added event
    that corrects the earlier one (history is appended, never edited)."""

    household_agrees = forms.ChoiceField(
        label=_("The household's answer"),
        choices=[("", "–"), *AGREES_CHOICES[1:]],
        error_messages={"required": _("Choose the household's answer.")},
    )
    on = forms.DateField(
        label=_("Date"),
        widget=DateInput(),
        initial=timezone.localdate,
        error_messages={"required": _("Give the date.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household_agrees"].widget.attrs.pop("required", None)


class QueueFilterForm(core_forms.Form):
    scope = forms.ChoiceField(
        label=_("Requests"),
        choices=[("mine", _("Of my cases")), ("team", _("Of my team's cases"))],
        required=False,
    )


class ConfirmShareForm(core_forms.Form):
    """The professional saw what sending a request of a case with a safety concern
    shares with the organisation, and confirms exactly that (``share_digest``)."""

    share_digest = forms.CharField(widget=forms.HiddenInput, max_length=64)
    confirm_share = forms.BooleanField(
        label=_("I checked every piece above: it may go to this organisation."),
        error_messages={"required": _("Confirm that you checked what will be shared.")},
    )


class AttachmentForm(DocumentForm):
    """A document for a request (the fields: ``cases.forms.documents.DocumentForm``)."""

    share_label = _("Share this document with the organisation")
    share_help = _("Only then its decision makers see it; otherwise only your team does.")
    agreed_label = _("The household agreed that the organisation sees this document")
    confirm_label = _(
        "There is a safety concern: I checked that this document may go to the organisation."
    )


class AttachmentShareForm(DocumentShareForm):
    """Share a request's attachment with the organisation, or stop sharing it."""

    agreed_label = AttachmentForm.agreed_label
    confirm_label = _("There is a safety concern: I checked that it may go to the organisation.")
