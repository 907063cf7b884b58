"""The triage queue and the page of one bundle: assignment, outreach, outcome.

Access: ``selectors.handled_bundles`` (the bundle's team, its assigned professional)
for the queue and every change; ``visible_bundles`` (also the team of its linked case)
for reading the page, where the person and address details are shown only to the
handling team (``may_see_details``). Every page logs what it showed (access log,
processing activity ``early_signals``); a refusal is a logged 404.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from maatwerk.audit.access import permission_required
from maatwerk.audit.models import Action, ProcessingActivity
from maatwerk.audit.services import log_access
from maatwerk.core.numbers import parse_id
from maatwerk.web.forms import add_service_errors

from .. import deadlines, services
from ..forms import AssignForm, AttemptForm, LinkCaseForm, OpenCaseForm, OutcomeForm
from ..models import BundleStatus, Tray
from ..selectors import (
    assignable,
    bundle_for,
    bundle_refused,
    hidden_bundle,
    may_see_details,
    signals_of,
    triage_queue,
)

VIEW = "early_signals.view_bundle"
PAGE_SIZE = 50


@permission_required(VIEW)
def queue(request):
    tray_id = parse_id(request.GET.get("tray"))
    tray = Tray.objects.filter(pk=tray_id).first() if tray_id else None
    status = request.GET.get("status", "")
    if status not in BundleStatus.values:
        status = ""
    mine = request.GET.get("mine") == "1"
    bundles = triage_queue(request.user, tray=tray, status=status)
    if mine:
        bundles = bundles.filter(assigned_to=request.user)
    rows = list(bundles[:PAGE_SIZE])
    today = timezone.localdate()
    for bundle in rows:
        bundle.overdue = bundle.status == BundleStatus.OPEN and deadlines.is_overdue(
            bundle.contact_due_on, today
        )
    if rows:
        log_access(
            action=Action.SEARCH,
            processing_activity=ProcessingActivity.EARLY_SIGNALS,
            request=request,
            object_type="early_signals.bundle",
            detail=("triage queue: " + ", ".join(b.reference for b in rows))[:500],
        )
    return render(
        request,
        "early_signals/queue.html",
        {
            "bundles": rows,
            "more": bundles.count() > PAGE_SIZE,
            "trays": Tray.objects.filter(active=True),
            "tray": tray,
            "status": status,
            "statuses": BundleStatus.choices,
            "mine": mine,
        },
    )


def _forms(request, bundle, data=None, action=None):
    def bound(name):
        return data if action == name else None

    today = timezone.localdate()
    return {
        "assign_form": AssignForm(bound("assign"), candidates=assignable(bundle)),
        "attempt_form": AttemptForm(bound("attempt"), initial={"on": today}),
        "outcome_form": OutcomeForm(
            bound("outcome"),
            initial={"on": today},
        ),
        "open_case_form": OpenCaseForm(bound("open_case"), user=request.user),
        "link_case_form": LinkCaseForm(bound("link_case"), user=request.user),
    }


def _act(request, bundle, action, forms):
    """Run one posted action; True when it worked (the caller redirects)."""
    user = request.user
    try:
        if action == "assign":
            if not user.has_perm("early_signals.assign_bundle"):
                raise bundle_refused(bundle.pk, detail="early_signals.assign_bundle")
            form = forms["assign_form"]
            if not form.is_valid():
                return False
            services.bundle_assign(
                request=request, user=user, bundle=bundle, assignee=form.cleaned_data["assigned_to"]
            )
            messages.success(request, _("The bundle has been assigned."))
        elif action == "attempt":
            form = forms["attempt_form"]
            if not form.is_valid():
                return False
            services.attempt_record(request=request, user=user, bundle=bundle, **form.cleaned_data)
            messages.success(request, _("The attempt has been recorded."))
        elif action == "outcome":
            form = forms["outcome_form"]
            if not form.is_valid():
                return False
            services.bundle_close(
                request=request,
                user=user,
                bundle=bundle,
                outcome=form.cleaned_data["outcome"],
                on=form.cleaned_data["on"],
            )
            messages.success(request, _("The outcome has been recorded."))
        elif action == "open_case":
            form = forms["open_case_form"]
            if not user.has_perm("cases.add_case"):
                raise bundle_refused(bundle.pk, detail="cases.add_case")
            if not form.is_valid():
                return False
            case = services.case_open_for(
                request=request, user=user, bundle=bundle, **form.cleaned_data
            )
            messages.success(request, _("Help accepted: the case has been opened."))
            return case
        elif action == "link_case":
            form = forms["link_case_form"]
            if not form.is_valid():
                return False
            services.bundle_close(
                request=request,
                user=user,
                bundle=bundle,
                outcome=form.cleaned_data["outcome"],
                on=timezone.localdate(),
                case=form.cleaned_data["case"],
            )
            messages.success(request, _("The bundle has been linked to the case."))
        else:
            return False
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    return True


@permission_required(VIEW, hide=hidden_bundle("pk"))
def bundle_detail(request, pk):
    pk = parse_id(pk)
    if pk is None:
        raise bundle_refused(None)
    action = request.POST.get("action") if request.method == "POST" else None
    bundle = bundle_for(request.user, pk, for_change=request.method == "POST")
    forms = _forms(request, bundle, request.POST if action else None, action)
    if action:
        done = _act(request, bundle, action, forms)
        if done:
            if done is not True:
                return redirect("cases:case_detail", pk=done.pk)
            return redirect("early_signals:bundle_detail", pk=bundle.pk)
        bundle = bundle_for(request.user, pk)
    details = may_see_details(request.user, bundle)
    signals = list(signals_of(bundle))
    log_access(
        action=Action.READ,
        processing_activity=ProcessingActivity.EARLY_SIGNALS,
        request=request,
        obj=bundle,
        household=bundle.reference,
        detail="bundle page" + (" with person and address details" if details else ""),
    )
    today = timezone.localdate()
    return render(
        request,
        "early_signals/bundle_detail.html",
        {
            "bundle": bundle,
            "signals": signals,
            "details": details,
            "attempts": list(bundle.attempts.select_related("recorded_by")),
            "overdue": bundle.status == BundleStatus.OPEN
            and deadlines.is_overdue(bundle.contact_due_on, today),
            "works_on": details,
            **forms,
        },
    )
