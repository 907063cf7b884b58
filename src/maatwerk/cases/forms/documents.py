"""Attaching a document (to a plan here; journeys attaches them to requests with the
same forms) and sharing it. The forms collect input; the services check the file again
(``core.uploads.document_problem``: PDF, JPG or PNG by its content, at most 10 MB)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from maatwerk.core import forms as core_forms

from ..models import AttachmentKind


class DocumentForm(core_forms.Form):
    """A document and whether it is shared. Subclasses name with whom
    (``share_label``, ``agreed_label``, ``confirm_label``)."""

    share_label = _("Share this document with the organisations this case asks")
    share_help = _(
        "Only then their decision makers see it, on the requests of this case; otherwise "
        "only your team does."
    )
    agreed_label = _("The household agreed that the organisations see this document")
    confirm_label = _(
        "There is a safety concern: I checked that this document may go to the organisations."
    )

    file = forms.FileField(
        label=_("File"),
        help_text=_("A PDF, JPG or PNG file of at most 10 MB."),
        error_messages={
            "required": _("Choose the file to attach."),
            "invalid": _("The file could not be read; try again."),
            "empty": _("The file is empty."),
            "max_length": _("The file name is too long (at most 200 characters)."),
        },
        max_length=200,
    )
    kind = forms.ChoiceField(
        label=_("Kind of document"),
        choices=[("", _("Choose the kind")), *AttachmentKind.choices],
        error_messages={
            "required": _("Choose the kind of document."),
            "invalid_choice": _("Choose the kind of document from the list."),
        },
    )
    description = forms.CharField(
        label=_("Description"),
        help_text=_("For example “decision of 3 March on the benefit”. No names, please."),
        max_length=200,
        required=False,
    )
    share = forms.BooleanField(required=False)
    household_agreed = forms.BooleanField(required=False)

    def __init__(self, *args, safety_concern=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["share"].label = self.share_label
        self.fields["share"].help_text = self.share_help
        self.fields["household_agreed"].label = self.agreed_label
        self.fields["kind"].widget.attrs.pop("required", None)
        if safety_concern:
            self.fields["confirm_share"] = forms.BooleanField(
                label=self.confirm_label, required=False
            )

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "upload": data["file"],
            "kind": data["kind"],
            "description": data["description"].strip(),
            "share": data["share"],
            "household_agreed": data["household_agreed"],
            "confirmed": data.get("confirm_share", False),
        }


class DocumentShareForm(core_forms.Form):
    """Share a document (with the household's agreement), or stop sharing it."""

    agreed_label = DocumentForm.agreed_label
    confirm_label = _("There is a safety concern: I checked that it may go to the organisations.")

    share = forms.TypedChoiceField(
        choices=[("yes", "yes"), ("no", "no")],
        coerce=lambda value: value == "yes",
        widget=forms.HiddenInput,
        error_messages={"required": _("Say whether to share the document.")},
    )
    household_agreed = forms.BooleanField(required=False)

    def __init__(self, *args, safety_concern=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household_agreed"].label = self.agreed_label
        if safety_concern:
            self.fields["confirm_share"] = forms.BooleanField(
                label=self.confirm_label, required=False
            )
