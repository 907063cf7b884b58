from django import forms
from django.utils.translation import gettext_lazy as _

from maatwerk.core import forms as core_forms


class EmergencyAccessForm(core_forms.Form):
    """Break-the-glass: which case, and why. The service checks the reason's length
    (``cases.services.EMERGENCY_REASON_MIN_LENGTH``) and finds the case."""

    case = forms.CharField(
        label=_("Case reference or household pseudonym"),
        help_text=_("For example MW-2026-00012 or HH-4821."),
        max_length=64,
        error_messages={"required": _("Give the case reference or the household's pseudonym.")},
    )
    reason = forms.CharField(
        label=_("Why do you need this case now?"),
        help_text=_("Describe the emergency. The privacy officer is told and reviews your reason."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": _("Say why you need this case now.")},
    )


class EmergencyReviewForm(core_forms.Form):
    note = forms.CharField(
        label=_("Your review"),
        help_text=_("What you checked and found, for example “justified: the team was ill”."),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={"required": _("Write down what you found.")},
    )
