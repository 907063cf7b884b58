from django import forms
from django.utils.translation import gettext_lazy as _

from maatwerk.core import forms as core_forms
from maatwerk.core.widgets import DateInput

from .models import Action


class LogSearchForm(core_forms.Form):
    user = forms.CharField(label=_("Username"), required=False, max_length=150)
    household = forms.CharField(
        label=_("Household (pseudonym)"),
        required=False,
        max_length=40,
        help_text=_("For example HH-4821."),
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(
        label=_("Up to and including"),
        required=False,
        widget=DateInput(),
    )
    action = forms.ChoiceField(label=_("Action"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("All actions")), *Action.choices]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date lies before the start date."))
        return cleaned


class LogExportForm(LogSearchForm):
    """One household's accesses, for an export: the household is required; a period
    may narrow it down (the user and action filters do not apply)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        household = self.fields["household"]
        household.required = True
        household.error_messages["required"] = _(
            "Give the pseudonym of the household whose accesses you want to export."
        )

    def clean_household(self):
        return self.cleaned_data["household"].strip()
