from datetime import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maatwerk.cases.selectors import workable_cases
from maatwerk.core import forms as core_forms
from maatwerk.core.dates import date_range_problem, years_from
from maatwerk.core.widgets import DateInput
from maatwerk.journeys.models import EventType, RefusalReason
from maatwerk.register.models import Organisation

User = get_user_model()
MEETING_YEARS_BACK = 5
MEETING_YEARS_AHEAD = 2


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class CaseChoiceField(core_forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.household.pseudonym} ({obj.reference})"


class MeetingForm(core_forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    time = forms.TimeField(label=_("Time"), widget=TimeInput())
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    cases = CaseChoiceField(
        label=_("Cases on the agenda"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only the cases you may see."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cases"].queryset = (
            workable_cases(user).select_related("household").order_by("household__pseudonym")
        )

    def clean_date(self):
        """A breakthrough table is planned, or recorded afterwards, within five years
        back and two years ahead."""
        on = self.cleaned_data["date"]
        today = timezone.localdate()
        earliest, latest = (
            years_from(today, -MEETING_YEARS_BACK),
            years_from(today, MEETING_YEARS_AHEAD),
        )
        if problem := date_range_problem(on, earliest=earliest, latest=latest):
            raise forms.ValidationError(problem)
        return on

    def starts_at(self):
        data = self.cleaned_data
        return timezone.make_aware(datetime.combine(data["date"], data["time"]))


class AgendaForm(core_forms.Form):
    """One more case for the agenda: the cases the user may see that are not on it."""

    case = core_forms.ModelChoiceField(
        label=_("Case"),
        queryset=None,
        empty_label="–",
        error_messages={"required": _("Choose a case.")},
    )

    def __init__(self, *args, user, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = (
            workable_cases(user)
            .exclude(pk__in=meeting.agenda.values("case_id"))
            .select_related("household")
            .order_by("household__pseudonym")
        )
        self.fields["case"].label_from_instance = lambda case: (
            f"{case.household.pseudonym} ({case.reference})"
        )


class AttendeeForm(core_forms.Form):
    """A named outsider (name and organisation, no account), or a Maatwerk user found
    by their e-mail address or username (``invitee``), who is invited in the app and by
    e-mail; a user's name and organisation come from their account."""

    invitee = forms.CharField(
        label=_("Maatwerk user (e-mail address or username)"),
        max_length=254,
        required=False,
        help_text=_(
            "For someone with a Maatwerk account: they get an invitation in the app and a "
            "calendar invitation by e-mail. Leave empty for someone without an account."
        ),
    )
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    organisation = core_forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.order_by("name"), required=False
    )
    knows_household = forms.BooleanField(label=_("Has a relation to the household"), required=False)

    def clean_invitee(self):
        value = self.cleaned_data["invitee"].strip()
        if not value:
            return None
        invitee = (
            User.objects.filter(is_active=True)
            .filter(Q(username__iexact=value) | Q(email__iexact=value))
            .select_related("organisation")
            .order_by("pk")
        )[:2]
        if len(invitee) != 1:
            raise forms.ValidationError(
                _("There is no active Maatwerk user with this e-mail address or username.")
            )
        return invitee[0]

    def clean(self):
        data = super().clean()
        named = data.get("invitee") or (data.get("name") or "").strip()
        if not named and "invitee" not in self.errors:
            self.add_error(
                "name",
                _("Give the attendee's name, or the e-mail address of a Maatwerk user."),
            )
        return data


AttendeeFormSet = forms.formset_factory(AttendeeForm, extra=4)


class DecisionForm(core_forms.Form):
    # No default: the table's decision is chosen, never preset.
    type = forms.ChoiceField(
        label=_("Decision"),
        error_messages={"required": _("Choose the decision of the table.")},
        choices=[
            ("", _("– choose –")),
            (EventType.APPROVED, EventType.APPROVED.label),
            (EventType.REFUSED, EventType.REFUSED.label),
            (EventType.CONDITION_ADDED, EventType.CONDITION_ADDED.label),
        ],
    )
    reason = forms.ChoiceField(
        label=_("Reason (for a refusal)"),
        choices=[("", "–"), *RefusalReason.choices],
        required=False,
    )
    text = forms.CharField(
        label=_("What exactly"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
        required=False,
    )


class MinutesForm(core_forms.Form):
    text = forms.CharField(
        label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
