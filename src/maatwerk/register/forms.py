from django import forms
from django.utils.translation import gettext_lazy as _

from maatwerk.core import forms as core_forms

from .models import LifeDomain, OrganisationType, Regulation


class OrganisationSearchForm(core_forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    type = forms.ChoiceField(label=_("Type of organisation"), required=False)
    domain = forms.ChoiceField(label=_("Life domain"), required=False)
    regulation = forms.ChoiceField(label=_("Regulation"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["type"].choices = everything + list(OrganisationType.choices)
        self.fields["domain"].choices = everything + [
            (d.code, d.name) for d in LifeDomain.objects.filter(active=True)
        ]
        self.fields["regulation"].choices = everything + [
            (r.code, str(r)) for r in Regulation.objects.filter(active=True)
        ]
