"""The trays and the municipality's weighing: the current rules, every earlier
version, and (for ``early_signals.manage_trays``) a new version and a new tray. Reference
data of the municipality, no personal data: the changes are logged, reading is not."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from maatwerk.audit.access import deny, permission_required
from maatwerk.audit.models import Action, ProcessingActivity
from maatwerk.audit.services import log_access
from maatwerk.core.numbers import parse_id
from maatwerk.web.forms import add_service_errors

from .. import services
from ..forms import RuleFormSet, RuleVersionForm, TrayForm
from ..models import RuleVersion, Tray

MANAGE = "early_signals.manage_trays"


def _initial(version):
    if version is None:
        return []
    return [
        {
            "name": rule.name,
            "tray": rule.tray_id,
            "priority": rule.priority,
            "signal_types": rule.signal_types,
            "min_amount": rule.min_amount,
            "min_months": rule.min_months,
            "min_creditors": rule.min_creditors,
            "threatening": rule.threatening,
        }
        for rule in version.rules.order_by("position")
    ]


@permission_required("early_signals.view_rule")
def rules(request):
    versions = list(RuleVersion.objects.select_related("created_by").order_by("-number")[:50])
    shown_number = parse_id(request.GET.get("version"))
    current = versions[0] if versions else None
    shown = next((v for v in versions if v.number == shown_number), current)
    manage = request.user.has_perm(MANAGE)
    data = request.POST if request.method == "POST" else None
    if data is not None and not manage:
        return deny(request, detail=MANAGE)
    action = data.get("action") if data is not None else None
    formset = RuleFormSet(
        data if action == "rules" else None, prefix="rule", initial=_initial(current)
    )
    version_form = RuleVersionForm(data if action == "rules" else None)
    tray_form = TrayForm(data if action == "tray" else None, prefix="tray")
    if action == "rules" and formset.is_valid() and version_form.is_valid():
        kept = [
            form.cleaned_data
            for form in formset.forms
            if form.cleaned_data and not form.cleaned_data.get("delete")
        ]
        try:
            version = services.rules_save(
                request=request,
                user=request.user,
                note=version_form.cleaned_data["note"],
                rules=kept,
            )
        except ValidationError as error:
            add_service_errors(version_form, error)
        else:
            messages.success(
                request,
                _("Version %(number)s of the rules is in force; the open bundles are placed again.")
                % {"number": version.number},
            )
            return redirect("early_signals:rules")
    if action == "tray" and tray_form.is_valid():
        with transaction.atomic():
            tray = tray_form.save()
            log_access(
                action=Action.CREATE,
                processing_activity=ProcessingActivity.EARLY_SIGNALS,
                request=request,
                obj=tray,
                detail=f"tray {tray.name}",
            )
        messages.success(request, _("The tray has been added."))
        return redirect("early_signals:rules")
    return render(
        request,
        "early_signals/rules.html",
        {
            "versions": versions,
            "shown": shown,
            "shown_rules": list(shown.rules.select_related("tray")) if shown else [],
            "current": current,
            "trays": Tray.objects.all(),
            "manage": manage,
            "formset": formset,
            "version_form": version_form,
            "tray_form": tray_form,
        },
    )
