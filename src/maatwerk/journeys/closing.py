"""Closing a case ends its journey (``cases.extensions.register_closing_step``, from
``JourneysConfig.ready``): the status page asks, for each request that is still open
(a draft, or submitted and not finished), whether it is withdrawn or kept open with
a reason. Both are journey events of the request (``withdrawn``, ``kept_open``),
recorded in the closing transaction. A closed case sends no new requests and no
escalations (``workflow.NOT_FOR_CLOSED_CASES``), and the scheduler does not chase its
requests (``jobs.mark_overdue``, ``jobs.notify_overdue``); a kept-open request can
still get the organisation's answer recorded."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from maatwerk.cases.extensions import ClosingStep
from maatwerk.cases.models import Case
from maatwerk.core import forms as core_forms

from .models import EventType, Request
from .services import record_event
from .workflow import OPEN_STATES

WITHDRAW = "withdraw"
KEEP_OPEN = "keep_open"
CLOSING_STATES = (Request.State.DRAFT, *OPEN_STATES)


def open_requests(case: Case) -> list[Request]:
    """The requests of the case that closing must settle. Not scoped here: the case
    comes from ``case_for(..., for_change=True)`` (the status page)."""
    return list(
        Request.objects.filter(case=case, state__in=CLOSING_STATES)
        .select_related("organisation")
        .order_by("id")
    )


class ClosingRequestsForm(core_forms.Form):
    """Per open request: withdraw it, or keep it open (with a reason). A draft can only
    be withdrawn: a closed case sends nothing."""

    def __init__(self, *args, requests: list[Request], **kwargs):
        super().__init__(*args, **kwargs)
        self.requests = requests
        self.rows = []
        for req in requests:
            choices = [(WITHDRAW, _("withdraw"))]
            if req.state != Request.State.DRAFT:
                choices.append((KEEP_OPEN, _("keep open (say why)")))
            name = f"request_{req.pk}"
            self.fields[name] = forms.ChoiceField(
                label=_("Request %(reference)s to %(organisation)s (%(state)s)")
                % {
                    "reference": req.reference,
                    "organisation": req.organisation.name,
                    "state": req.get_state_display(),
                },
                choices=[("", "–"), *choices],
                error_messages={"required": _("Say what happens to this request.")},
            )
            self.fields[f"reason_{req.pk}"] = forms.CharField(
                label=_("Why it stays open"),
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.rows.append((req, self[name], self[f"reason_{req.pk}"]))

    def clean(self):
        cleaned = super().clean()
        for req in self.requests:
            choice = cleaned.get(f"request_{req.pk}")
            reason = (cleaned.get(f"reason_{req.pk}") or "").strip()
            if choice == KEEP_OPEN and not reason:
                self.add_error(f"reason_{req.pk}", _("Say why this request stays open."))
        return cleaned

    def decisions(self) -> list[tuple[Request, str, str]]:
        return [
            (
                req,
                self.cleaned_data[f"request_{req.pk}"],
                (self.cleaned_data.get(f"reason_{req.pk}") or "").strip(),
            )
            for req in self.requests
        ]


def closing_form(case: Case, data=None) -> ClosingRequestsForm | None:
    requests = open_requests(case)
    if not requests:
        return None
    return ClosingRequestsForm(data, requests=requests, prefix="closing")


def apply_closing(*, request, user, case: Case, form: ClosingRequestsForm, on) -> None:
    """Record each decision as a journey event (in the closing transaction)."""
    for req, choice, reason in form.decisions():
        try:
            if choice == WITHDRAW:
                record_event(
                    request=request,
                    user=user,
                    req=req,
                    type=EventType.WITHDRAWN,
                    on=on,
                    text=str(_("Withdrawn when the case was closed.")),
                )
            else:
                record_event(
                    request=request,
                    user=user,
                    req=req,
                    type=EventType.KEPT_OPEN,
                    on=on,
                    text=reason,
                )
        except ValidationError as error:
            raise ValidationError(
                _("Request %(reference)s: %(problem)s")
                % {"reference": req.reference, "problem": " ".join(error.messages)}
            ) from error


CLOSING_STEP = ClosingStep(
    form=closing_form, apply=apply_closing, template="journeys/_closing_requests.html"
)
