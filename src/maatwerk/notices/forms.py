from django import forms
from django.utils.translation import gettext_lazy as _

from maatwerk.core import forms as core_forms

from .kinds import KINDS, OWNS_CASES
from .models import Delivery, Kind

# The kinds a case owner's team members may also want ("Also for my team's cases").
TEAM_KINDS = [kind for kind, info in KINDS.items() if info.for_perms == OWNS_CASES]


class PreferencesForm(core_forms.Form):
    """One choice per kind of notice the user may configure, of the kinds the user's
    role(s) get (``kinds.for_user``); the kinds the law or the role requires offer only
    e-mail or the digest (the service refuses the rest with a field error, also for a
    tampered form). "Also for my team's cases" only for who owns cases."""

    team_cases = forms.BooleanField(
        label=_("Also for the cases of my team(s)"),
        help_text=_("Otherwise you get the notices about a case only when you own it."),
        required=False,
    )

    def __init__(self, *args, current: dict[str, str], offered: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        if not any(kind in offered for kind in TEAM_KINDS):
            del self.fields["team_cases"]
        for kind in Kind:
            info = KINDS[kind]
            if not info.configurable or kind not in offered:
                continue
            field = forms.ChoiceField(
                label=kind.label,
                choices=Delivery.choices,  # every value reaches the service's check
                initial=current.get(kind),
                help_text=_("Required for your role: by e-mail or in the daily digest.")
                if info.required
                else "",
            )
            field.widget.choices = [
                (v, label) for v, label in Delivery.choices if v in info.choices
            ]
            self.fields[kind.value] = field

    def choices(self) -> dict[str, str]:
        return {name: value for name, value in self.cleaned_data.items() if name != "team_cases"}

    def wants_team_cases(self) -> bool:
        return bool(self.cleaned_data.get("team_cases"))
