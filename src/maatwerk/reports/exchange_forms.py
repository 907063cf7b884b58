"""The forms of the exchange pages (docs/exchange.md#the-pages)."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from maatwerk.accounts.models import Team
from maatwerk.core.forms import Form, ModelChoiceField


def own_teams(user):
    return Team.objects.filter(pk__in=user.teams.filter(active=True).values("pk"))


class ImportForm(Form):
    file = forms.FileField(
        label=_("File (maatwerk-case/1, JSON Lines)"),
        help_text=_(
            "One case per line. Nothing is stored when a line is wrong, unless you tick below."
        ),
    )
    team = ModelChoiceField(queryset=Team.objects.none(), label=_("Team that gets the cases"))
    skip_invalid = forms.BooleanField(
        label=_("Import the valid lines only and list the others"), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = own_teams(user)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.MAX_UPLOAD_BYTES:
            raise ValidationError(
                _("The file may be at most %(limit)s MB; import larger files on the command line."),
                params={"limit": settings.MAX_UPLOAD_BYTES // (1024 * 1024)},
            )
        if upload.size == 0:
            raise ValidationError(_("The file is empty."))
        return upload


class ExportForm(Form):
    team = ModelChoiceField(queryset=Team.objects.none(), label=_("Team"))
    date_from = forms.DateField(label=_("Opened from"), required=False)
    date_to = forms.DateField(label=_("Opened up to and including"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = own_teams(user)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("The end of the period is before its start."))
        return data
