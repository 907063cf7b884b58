"""The report page's form: the period (a year, or from/to), the team, the threshold."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maatwerk.core import forms as core_forms
from maatwerk.core.widgets import DateInput

from . import reading

YEARS_OFFERED = 6
MAX_THRESHOLD = 100


class ReportForm(core_forms.Form):
    year = forms.ChoiceField(label=_("Year"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Up to and including"), required=False, widget=DateInput())
    team = core_forms.ModelChoiceField(
        label=_("Team"), queryset=None, required=False, empty_label=_("All teams")
    )
    min_cell = forms.IntegerField(
        label=_("Threshold"),
        required=False,
        min_value=0,
        max_value=MAX_THRESHOLD,
        help_text=_("Counts below the threshold are not shown."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        this_year = timezone.localdate().year
        self.fields["year"].choices = [("", _("Choose the dates below"))] + [
            (str(year), str(year)) for year in range(this_year, this_year - YEARS_OFFERED, -1)
        ]
        team = self.fields["team"]
        team.queryset = reading.reportable_teams(user)
        if not reading.may_report_all_teams(user):
            team.required = True
            team.empty_label = None
        self.default_threshold = reading.default_threshold()
        self.fields["min_cell"].initial = self.default_threshold
        if not reading.may_lower_threshold(user):
            self.fields["min_cell"].help_text = _(
                "Counts below the threshold are not shown. You may raise it, not lower it."
            )

    def clean_min_cell(self):
        value = self.cleaned_data.get("min_cell")
        if value is None:
            return self.default_threshold
        if value < self.default_threshold and not reading.may_lower_threshold(self.user):
            raise forms.ValidationError(
                _("You may not lower the threshold below %(threshold)s."),
                params={"threshold": self.default_threshold},
            )
        return value

    def clean(self):
        cleaned = super().clean()
        year = cleaned.get("year")
        if year:
            cleaned["date_from"] = date(int(year), 1, 1)
            cleaned["date_to"] = date(int(year), 12, 31)
            return cleaned
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if "date_from" not in self.errors and start is None:
            self.add_error("date_from", _("Choose a year, or give the first day of the period."))
        if "date_to" not in self.errors and end is None:
            self.add_error("date_to", _("Give the last day of the period."))
        if start and end and end < start:
            self.add_error("date_to", _("The end date lies before the start date."))
        return cleaned

    @property
    def lowered(self) -> bool:
        """The threshold asked for lies below the default (to be logged)."""
        value = self.cleaned_data.get("min_cell")
        return value is not None and value < self.default_threshold


class JobForm(ReportForm):
    """The same choice, and the format to make (always by the worker)."""

    format = forms.ChoiceField(
        label=_("Format"),
        choices=[
            ("pdf", "PDF"),
            ("xlsx", _("Spreadsheet (XLSX)")),
            ("csv", "CSV"),
            ("json", "JSON"),
            ("html", _("Web page (HTML file)")),
            ("page", _("Show on screen")),
        ],
    )
