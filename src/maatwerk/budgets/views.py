"""The budget pages: the team overview (figures only), spending for a case, the
budget holder's approvals, one spend (approve, refuse, correct, settle), receivables,
setting budgets, and the CSV/XLSX export.

Every page starts from the one access policy (budgets.selectors.visible_budgets /
visible_spends / case_for); a page that shows one spend (case data) writes one
access-log row; every write goes through budgets.services."""

import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maatwerk.audit import events
from maatwerk.audit.access import deny, permission_required
from maatwerk.audit.models import Action, ProcessingActivity
from maatwerk.audit.services import log_access
from maatwerk.cases.selectors import (
    case_for,
    hidden_case,
    visible_cases,
)
from maatwerk.cases.services import case_frame
from maatwerk.core.errors import ConflictError
from maatwerk.core.money import euro
from maatwerk.web.forms import add_service_errors

from . import exports, services
from .forms import ApproveForm, BudgetForm, RefuseForm, ReverseForm, SettleForm, SpendForm
from .models import Budget, Spend
from .selectors import (
    awaiting_approval,
    budget_for,
    hidden_spend,
    may_see_receipt,
    open_receivables,
    receivables_by_organisation,
    spend_for,
    spend_refused,
    spendable_budgets,
    team_overviews,
    visible_budgets,
    with_figures,
    years_with_budgets,
)

logger = logging.getLogger(__name__)


def _year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


@permission_required("budgets.view_budget")
def overview(request):
    year = _year(request)
    user = request.user
    budgets = (
        with_figures(visible_budgets(user).filter(year=year))
        .select_related("team", "professional")
        .order_by("team__name", "professional__username")
    )
    return render(
        request,
        "budgets/overview.html",
        {
            "year": year,
            "years": sorted(
                set(years_with_budgets(user)) | {timezone.localdate().year}, reverse=True
            ),
            "overviews": team_overviews(user, year),
            "budgets": list(budgets),
            "awaiting_count": awaiting_approval(user).count()
            if user.has_perm("budgets.approve_spend")
            else None,
            "receivable_count": open_receivables(user).count()
            if user.has_perm("budgets.settle_spend")
            else None,
        },
    )


@permission_required("budgets.view_budget")
def export(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    year = _year(request)
    overviews = team_overviews(request.user, year)
    log_access(
        action=Action.EXPORT,
        processing_activity=ProcessingActivity.BUDGET,
        request=request,
        object_type="budgets.overview",
        object_id=year,
        detail=f"{fmt}: {len(overviews)} team(s), aggregates only",
    )
    if fmt == "csv":
        return exports.csv_response(overviews, year)
    return exports.xlsx_response(overviews, year)


@permission_required("budgets.add_spend", hide=hidden_case("case_pk"))
def spend_create(request, case_pk):
    case = case_for(request.user, case_pk, for_change=True)
    budgets = with_figures(spendable_budgets(request.user, case))
    current = timezone.localdate().year
    initial_budget = budgets.filter(year=current, professional=request.user).first() or (
        budgets.filter(year=current).first()
    )
    form = SpendForm(
        request.POST or None,
        request.FILES or None,
        budgets=budgets,
        case=case,
        initial={"budget": initial_budget},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            spend = services.spend_create(
                request=request,
                user=request.user,
                case=case,
                budget=data["budget"],
                on=data["on"],
                amount=data["amount"],
                purpose_category=data["purpose_category"],
                description=data["description"],
                payee_category=data["payee_category"],
                bridging=data["bridging"],
                responsible_candidates=data["responsible_candidates"],
                receipt=data["receipt"],
                solves_request=data["solves_request"],
                ask_approval=data["ask_approval"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if spend.state == Spend.State.AWAITING_APPROVAL:
                messages.success(
                    request,
                    _(
                        "Spend %(reference)s is above the threshold and waits for a budget "
                        "holder's approval."
                    )
                    % {"reference": spend.reference},
                )
            else:
                messages.success(
                    request, _("Spend %(reference)s is booked.") % {"reference": spend.reference}
                )
            return redirect("budgets:spend_detail", pk=spend.pk)
    voices = case_frame(request, case, detail="spend form")
    return render(
        request,
        "budgets/spend_form.html",
        {"case": case, "form": form, "voices": voices, "has_budget": budgets.exists()},
    )


def _detail_context(request, spend, **forms) -> dict:
    user = request.user
    own = spend.requested_by_id == user.pk
    awaiting = spend.state == Spend.State.AWAITING_APPROVAL
    booked = spend.state == Spend.State.BOOKED
    may_decide = awaiting and not own and user.has_perm("budgets.approve_spend")
    may_reverse = booked and user.has_perm("budgets.reverse_spend")
    may_settle = (
        booked and spend.bridging and not spend.closed and user.has_perm("budgets.settle_spend")
    )
    candidates = list(spend.responsible_candidates.order_by("name"))
    context = {
        "spend": spend,
        "case_visible": visible_cases(user).filter(pk=spend.case_id).exists(),
        "receipt_visible": bool(spend.receipt) and may_see_receipt(user, spend),
        "candidates": candidates,
        "entries": list(spend.entries.select_related("entered_by").order_by("id")),
        "settlements": list(
            spend.settlements.select_related("responsible", "entered_by").order_by("id")
        ),
        "own_spend": own and awaiting,
        "budget": with_figures(Budget.objects.filter(pk=spend.budget_id)).get(),
    }
    if may_decide:
        context["approve_form"] = forms.get("approve_form") or ApproveForm()
        context["may_override"] = user.has_perm("budgets.override_balance")
        context["refuse_form"] = forms.get("refuse_form") or RefuseForm()
    if may_reverse:
        context["reverse_form"] = forms.get("reverse_form") or ReverseForm()
    if may_settle:
        context["settle_form"] = forms.get("settle_form") or SettleForm(candidates=candidates)
    return context


def _render_detail(request, spend, status=200, **forms):
    with transaction.atomic():
        context = _detail_context(request, spend, **forms)
        log_access(
            action=Action.READ,
            processing_activity=ProcessingActivity.BUDGET,
            request=request,
            obj=spend,
            household=spend.case.household.pseudonym,
        )
    return render(request, "budgets/spend_detail.html", context, status=status)


@permission_required("budgets.view_budget", hide=hidden_spend("pk"))
def spend_detail(request, pk):
    return _render_detail(request, spend_for(request.user, pk))


def _act(request, pk, form_class, form_name, action, success):
    """POST one decision form for a spend; on an error the detail page again, with
    the form's errors and nothing stored."""
    if request.method != "POST":
        return redirect("budgets:spend_detail", pk=pk)
    spend = spend_for(request.user, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            action(spend, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, success % {"reference": spend.reference})
            return redirect("budgets:spend_detail", pk=pk)
    spend = spend_for(request.user, pk)
    return _render_detail(request, spend, status=400, **{form_name: form})


@permission_required("budgets.approve_spend", hide=hidden_spend("pk"))
def spend_approve(request, pk):
    def action(spend, data):
        services.spend_approve(
            request=request, user=request.user, spend=spend, override=data["override"]
        )

    return _act(
        request, pk, ApproveForm, "approve_form", action, _("Spend %(reference)s is approved.")
    )


@permission_required("budgets.approve_spend", hide=hidden_spend("pk"))
def spend_refuse(request, pk):
    def action(spend, data):
        services.spend_refuse(
            request=request, user=request.user, spend=spend, reason=data["reason"]
        )

    return _act(
        request, pk, RefuseForm, "refuse_form", action, _("Spend %(reference)s is refused.")
    )


@permission_required("budgets.reverse_spend", hide=hidden_spend("pk"))
def spend_reverse(request, pk):
    def action(spend, data):
        services.spend_reverse(
            request=request,
            user=request.user,
            spend=spend,
            amount=data["amount"],
            on=data["on"],
            reason=data["reason"],
        )

    return _act(
        request,
        pk,
        ReverseForm,
        "reverse_form",
        action,
        _("A correction of spend %(reference)s is booked."),
    )


@permission_required("budgets.settle_spend", hide=hidden_spend("pk"))
def spend_settle(request, pk):
    def action(spend, data):
        services.spend_settle(
            request=request,
            user=request.user,
            spend=spend,
            responsible=data["responsible"],
            amount=data["amount"],
            on=data["on"],
            final=data["final"],
            note=data["note"],
        )

    return _act(
        request,
        pk,
        SettleForm,
        "settle_form",
        action,
        _("The reimbursement for spend %(reference)s is recorded."),
    )


@permission_required("budgets.view_budget", hide=hidden_spend("pk"))
def receipt(request, pk):
    spend = spend_for(request.user, pk)
    if not spend.receipt:
        raise Http404
    if not may_see_receipt(request.user, spend):
        raise spend_refused(spend.pk, detail="receipt: not the case team nor its budget holders")
    try:
        handle = spend.receipt.open("rb")
    except FileNotFoundError:
        logger.error("receipt of spend %s is missing on disk: %s", spend.pk, spend.receipt.name)
        raise Http404 from None
    log_access(
        action=Action.EXPORT,
        processing_activity=ProcessingActivity.BUDGET,
        request=request,
        obj=spend,
        household=spend.case.household.pseudonym,
        detail="receipt",
    )
    extension = spend.receipt.name.rsplit(".", 1)[-1].lower()
    return FileResponse(handle, as_attachment=True, filename=f"bon-{spend.reference}.{extension}")


@permission_required("budgets.approve_spend")
def approvals(request):
    with transaction.atomic():
        spends = list(awaiting_approval(request.user))
        events.spends_listed(request, name="awaiting approval", spends=spends)
    return render(
        request,
        "budgets/approvals.html",
        {"spends": spends, "user_id": request.user.pk},
    )


@permission_required("budgets.settle_spend")
def receivables(request):
    with transaction.atomic():
        rows = list(open_receivables(request.user))
        events.spends_listed(request, name="open receivables", spends=rows)
    today = timezone.localdate()
    for row in rows:
        row.age_days = (today - row.on).days
    return render(
        request,
        "budgets/receivables.html",
        {"rows": rows, "per_organisation": receivables_by_organisation(request.user)},
    )


@permission_required("budgets.change_budget")
def budget_edit(request, pk=None):
    budget = budget_for(request.user, pk) if pk else None
    if budget is not None and not request.user.teams.filter(pk=budget.team_id).exists():
        return deny(request, processing_activity=ProcessingActivity.BUDGET)
    initial = {}
    if budget is not None:
        initial = {
            "team": budget.team,
            "year": budget.year,
            "professional": budget.professional,
            "amount": f"{budget.amount:.2f}".replace(".", ","),
            "approval_threshold": f"{budget.approval_threshold:.2f}".replace(".", ","),
            "version": budget.version,
        }
    form = BudgetForm(request.POST or None, user=request.user, initial=initial)
    if budget is not None:
        for name in ("team", "year", "professional"):
            form.fields[name].disabled = True
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.budget_set(
                request=request,
                user=request.user,
                team=data["team"],
                year=data["year"],
                professional=data["professional"],
                amount=data["amount"],
                approval_threshold=data["approval_threshold"],
                reason=data["reason"],
                version=data["version"] if budget is not None else None,
            )
        except ConflictError as error:
            conflict = error.current
            form.add_error(
                None,
                _(
                    "Someone else changed this budget in the meantime: now %(amount)s with a "
                    "threshold of %(threshold)s. Check the figures and save again."
                )
                % {
                    "amount": euro(conflict.amount),
                    "threshold": euro(conflict.approval_threshold),
                },
            )
            data = form.data.copy()
            data["version"] = conflict.version
            form.data = data
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The budget is saved."))
            return redirect(f"{reverse('budgets:overview')}?year={saved.year}")
    revisions = list(budget.revisions.select_related("set_by").order_by("-id")) if budget else []
    return render(
        request,
        "budgets/budget_form.html",
        {"form": form, "budget": budget, "revisions": revisions, "conflict": conflict},
    )
