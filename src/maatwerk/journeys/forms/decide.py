"""The decision maker's forms: the inbox filter and one small form per decision.

Each decision form knows the journey event it records (``event_type``) and turns its
cleaned data into the keyword arguments of ``services.record_event``. Whether the
event fits the request's state is the service's call, not the form's.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from maatwerk.core import forms as core_forms
from maatwerk.register.models import Organisation

from ..models import EventType, RedirectReason, RefusalReason


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

    def __init__(self, *args, own_organisation_id=None, **kwargs):
        # The decision maker's own organisation (a redirect goes elsewhere).
        self.own_organisation_id = own_organisation_id
        super().__init__(*args, **kwargs)

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

    reason = forms.ChoiceField(
        label=_("Why redirect?"),
        choices=[("", _("Choose a reason")), *RedirectReason.choices],
        error_messages={"required": _("Choose the reason for the redirect.")},
    )
    organisation = core_forms.ModelChoiceField(
        label=_("To which organisation (from the register)?"),
        queryset=Organisation.objects.filter(active=True),
        required=False,
        empty_label=_("Not in the register"),
        error_messages={"invalid_choice": _("Choose an organisation from the register.")},
    )
    redirected_to = forms.CharField(
        label=_("Or: to which desk or organisation outside the register?"),
        help_text=_("Only when the organisation or desk is not in the register."),
        max_length=300,
        required=False,
    )
    text = forms.CharField(
        label=_("Explanation"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.own_organisation_id:
            self.fields["organisation"].queryset = Organisation.objects.filter(active=True).exclude(
                pk=self.own_organisation_id
            )
        for name in ("reason", "organisation"):
            self.fields[name].widget.attrs.pop("required", None)

    def clean(self):
        cleaned = super().clean()
        organisation = cleaned.get("organisation")
        free = (cleaned.get("redirected_to") or "").strip()
        if "organisation" in self.errors:
            return cleaned
        if organisation is None and not free:
            self.add_error(
                "organisation",
                _("Choose the organisation from the register, or name the desk outside it."),
            )
        elif organisation is not None and free:
            self.add_error(
                "redirected_to",
                _("Leave this empty: you chose an organisation from the register."),
            )
        elif free:
            known = Organisation.objects.filter(active=True, name__iexact=free).first()
            if known is not None:
                self.add_error(
                    "redirected_to",
                    _("%(name)s is in the register: choose it from the list above.")
                    % {"name": known.name},
                )
        if cleaned.get("reason") == RedirectReason.OTHER and not cleaned.get("text", "").strip():
            self.add_error("text", _("Explain the redirect when the reason is “other”."))
        return cleaned

    def event_fields(self) -> dict:
        data = self.cleaned_data
        return {
            **super().event_fields(),
            "reason": data["reason"],
            "redirected_to_organisation": data["organisation"],
            "redirected_to": data["redirected_to"].strip(),
        }


# In the order shown on the page; the key is the ``decision`` value posted.
DECISION_FORMS: dict[str, type[DecisionForm]] = {
    form.event_type.value: form
    for form in (ApproveForm, RefuseForm, InformationRequestForm, ConditionForm, RedirectForm)
}
