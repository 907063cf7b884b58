"""The decision maker's forms: the inbox filter and one small form per decision.

Each decision form knows the journey event it records (``event_type``) and turns its
cleaned data into the keyword arguments of ``services.record_event``. Whether the
event fits the request's state is the service's call, not the form's.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from maatwerk.core import forms as core_forms

from ..models import EventType, RefusalReason


class InboxFilterForm(core_forms.Form):
    OPEN = "open"
    ALL = "all"

    show = forms.ChoiceField(
        label=_("Requests"),
        choices=[
            (OPEN, _("Open requests (waiting for an answer or for information)")),
            (ALL, _("All requests")),
        ],
        required=False,
    )

    def wanted(self) -> str:
        if self.is_valid() and self.cleaned_data.get("show") == self.ALL:
            return self.ALL
        return self.OPEN


class DecisionForm(core_forms.Form):
    event_type: str = ""
    heading = ""
    submit_label = ""
    success_message = ""

    def event_fields(self) -> dict:
        return {"text": self.cleaned_data.get("text", "").strip()}


class ApproveForm(DecisionForm):
    event_type = EventType.APPROVED
    heading = _("Approve")
    submit_label = _("Approve")
    success_message = _("The request has been approved.")

    text = forms.CharField(
        label=_("What exactly is approved?"),
        help_text=_("For example the amount, the period and from when it applies."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": _("Say what exactly was approved.")},
    )


class RefuseForm(DecisionForm):
    event_type = EventType.REFUSED
    heading = _("Refuse, with the reason")
    submit_label = _("Refuse")
    success_message = _("The refusal has been recorded.")

    reason = forms.ChoiceField(
        label=_("Reason for the refusal"),
        choices=[("", _("Choose a reason")), *RefusalReason.choices],
        error_messages={"required": _("Choose the reason for the refusal.")},
    )
    text = forms.CharField(
        label=_("Explanation"),
        help_text=_("In your own words, so the professional and the household understand why."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reason") == RefusalReason.OTHER and not cleaned.get("text", "").strip():
            self.add_error("text", _("Explain the refusal when the reason is “other”."))
        return cleaned

    def event_fields(self) -> dict:
        return {**super().event_fields(), "reason": self.cleaned_data["reason"]}


class InformationRequestForm(DecisionForm):
    event_type = EventType.INFORMATION_REQUESTED
    heading = _("Ask for information")
    submit_label = _("Ask for information")
    success_message = _("Your question for more information has been recorded.")

    text = forms.CharField(
        label=_("Which information do you need?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": _("Say which information you need.")},
    )


class ConditionForm(DecisionForm):
    event_type = EventType.CONDITION_ADDED
    heading = _("Add a condition")
    submit_label = _("Add the condition")
    success_message = _(
        "The condition has been recorded. The professional will ask the household whether "
        "it agrees."
    )

    text = forms.CharField(
        label=_("Condition"),
        help_text=_("The household is asked whether it agrees; that answer is recorded later."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": _("Describe the condition.")},
    )

    def event_fields(self) -> dict:
        # household_agrees stays None: not asked yet.
        return {**super().event_fields(), "household_agrees": None}


class RedirectForm(DecisionForm):
    event_type = EventType.REDIRECTED
    heading = _("Redirect to another organisation or desk")
    submit_label = _("Redirect")
    success_message = _("The redirection has been recorded.")

    redirected_to = forms.CharField(
        label=_("To which organisation or desk?"),
        max_length=300,
        error_messages={"required": _("Say to which organisation or desk the request goes.")},
    )
    text = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
        required=False,
    )

    def event_fields(self) -> dict:
        return {
            **super().event_fields(),
            "redirected_to": self.cleaned_data["redirected_to"].strip(),
        }


# In the order shown on the page; the key is the ``decision`` value posted.
DECISION_FORMS: dict[str, type[DecisionForm]] = {
    form.event_type.value: form
    for form in (ApproveForm, RefuseForm, InformationRequestForm, ConditionForm, RedirectForm)
}
