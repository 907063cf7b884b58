from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from maatwerk.audit.access import permission_required
from maatwerk.audit.models import Action, ProcessingActivity
from maatwerk.audit.services import log_access
from maatwerk.core.errors import ConflictError
from maatwerk.web.forms import add_service_errors

from ..forms.plans import ActionFormSet, AgreementForm, CostFormSet, GoalFormSet, PlanForm
from ..models import Plan
from ..pdf import plan_pdf
from ..plans import (
    TEXT_FIELDS,
    ActionInput,
    CostInput,
    GoalInput,
    PlanContent,
    conflict_changes,
    current_perspective,
    plan_record_agreement,
    plan_save_version,
    plan_state,
    sentences,
)
from ..selectors import case_for, current_perspectives, emergency_access_of, hidden_case
from ..services import case_frame


def _plan_for(case, plan_id) -> Plan:
    plan = Plan.objects.filter(case=case, pk=plan_id).first()
    if plan is None:
        raise Http404
    return plan


def _initial(state):
    version = state.version
    if version is None:
        return {"based_on": 0}, [], [], []
    plan_initial = {
        "title": state.plan.title,
        "serves_member": state.plan.serves_member,
        "legal_grounds": list(version.legal_grounds.all()),
        "based_on": state.latest_number,
        **{name: getattr(version, name) for name in TEXT_FIELDS},
    }
    goals = [
        {"text": g.text, "perspective_sentence": g.perspective_sentence}
        for g in version.goals.all()
    ]
    actions = [
        {"what": a.what, "organisation": a.organisation, "person": a.person, "due_on": a.due_on}
        for a in version.actions.all()
    ]
    costs = [
        {
            "kind": c.kind,
            "reference_cost": c.reference_cost,
            "description": c.description,
            "amount": c.amount,
        }
        for c in version.costs.all()
    ]
    return plan_initial, goals, actions, costs


def _content(form, goals, actions, costs) -> PlanContent:
    data = form.cleaned_data
    return PlanContent(
        title=data["title"],
        serves_member=data["serves_member"],
        goals=[
            GoalInput(g["text"].strip(), g.get("perspective_sentence", ""))
            for g in goals.cleaned_data
            if g and g.get("text", "").strip()
        ],
        actions=[
            ActionInput(
                a["what"].strip(), a.get("organisation"), a.get("person", ""), a.get("due_on")
            )
            for a in actions.cleaned_data
            if a and a.get("what", "").strip()
        ],
        costs=[
            CostInput(c["kind"], c["description"], c["amount"], c.get("reference_cost"))
            for c in costs.cleaned_data
            if c and c.get("amount") is not None
        ],
        legal_grounds=list(data["legal_grounds"]),
        **{name: data[name] for name in TEXT_FIELDS},
    )


@permission_required("cases.change_case", hide=hidden_case("pk"))
def plan_edit(request, pk, plan_id=None):
    case = case_for(request.user, pk, for_change=True)
    plan = _plan_for(case, plan_id) if plan_id else None
    state = plan_state(plan) if plan else None
    voices = [voice["member"] for voice in current_perspectives(case)]
    member = request.POST.get("serves_member", plan.serves_member if plan else "")
    perspective = current_perspective(case, member)
    words = sentences(perspective.text if perspective else "")
    plan_initial, goals_initial, actions_initial, costs_initial = (
        _initial(state) if state else ({"based_on": 0, "title": _("Maatwerkplan")}, [], [], [])
    )
    data = request.POST or None
    if data is not None:
        # Posted rows are compared with their initial values to skip unchanged extra
        # rows; a row copied from the last version must count, so no initial on POST.
        goals_initial = actions_initial = costs_initial = None
    form = PlanForm(data, voices=voices, initial=plan_initial)
    goals = GoalFormSet(
        data, prefix="goals", initial=goals_initial, form_kwargs={"sentences": words}
    )
    actions = ActionFormSet(data, prefix="actions", initial=actions_initial)
    costs = CostFormSet(data, prefix="costs", initial=costs_initial)
    conflict, changes = None, []
    if request.method == "POST" and all(f.is_valid() for f in (form, goals, actions, costs)):
        content = _content(form, goals, actions, costs)
        try:
            version = plan_save_version(
                request=request,
                user=request.user,
                case=case,
                content=content,
                plan=plan,
                based_on=form.cleaned_data["based_on"],
            )
        except ConflictError as error:
            conflict = error.current
            changes = conflict_changes(conflict, content)
            form.add_error(None, str(error))
            # Saving again, after seeing what changed, is a deliberate new version on top.
            form.data = form.data.copy()
            form.data["based_on"] = conflict.number if conflict else 0
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Version %(number)s of the plan has been saved.") % {"number": version.number},
            )
            return redirect("cases:plan_detail", pk=case.pk, plan_id=version.plan_id)
    voices_shown = case_frame(request, case, detail="plan form")
    return render(
        request,
        "cases/plan_form.html",
        {
            "case": case,
            "plan": plan,
            "voices": voices_shown,
            "form": form,
            "goals": goals,
            "actions": actions,
            "costs": costs,
            "conflict": conflict,
            "changes": changes,
        },
    )


def _shown_plan(request, pk, plan_id):
    """The case, the plan and the plan state of the version asked for (?version=N,
    default the newest); 404 when any of them is not there."""
    case = case_for(request.user, pk)
    plan = _plan_for(case, plan_id)
    number = request.GET.get("version", "")
    state = plan_state(plan, int(number) if number.isdigit() else None)
    if state.version is None:
        raise Http404
    return case, plan, state


@permission_required("cases.view_case", hide=hidden_case("pk"))
def plan_detail(request, pk, plan_id):
    with transaction.atomic():
        case, plan, state = _shown_plan(request, pk, plan_id)
        voices = case_frame(request, case, detail=f"plan {plan.pk} v{state.version.number}")
    return render(
        request,
        "cases/plan_detail.html",
        {
            "case": case,
            "plan": plan,
            "state": state,
            "voices": voices,
            "numbers": range(state.latest_number, 0, -1),
        },
    )


@permission_required("cases.change_case", hide=hidden_case("pk"))
def agreement_add(request, pk, plan_id):
    case = case_for(request.user, pk, for_change=True)
    plan = _plan_for(case, plan_id)
    state = plan_state(plan)
    if state.version is None:
        raise Http404
    form = AgreementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan_record_agreement(
                request=request, user=request.user, version=state.version, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The household's agreement has been recorded."))
            return redirect("cases:plan_detail", pk=case.pk, plan_id=plan.pk)
    voices = case_frame(request, case, detail=f"agreement form plan {plan.pk}")
    return render(
        request,
        "cases/agreement_form.html",
        {"case": case, "plan": plan, "state": state, "form": form, "voices": voices},
    )


@permission_required("cases.view_case", hide=hidden_case("pk"))
def plan_pdf_view(request, pk, plan_id):
    with transaction.atomic():
        case, _plan, state = _shown_plan(request, pk, plan_id)
        voices = current_perspectives(case)
        emergency = emergency_access_of(request.user, case)
        log_access(
            action=Action.EXPORT,
            processing_activity=ProcessingActivity.CASE_WORK,
            request=request,
            obj=state.version,
            household=case.household.pseudonym,
            detail="printable plan (PDF)"
            + (f"; emergency access {emergency.pk}" if emergency else ""),
        )
    content = plan_pdf(case=case, state=state, voices=voices, request=request)
    response = HttpResponse(content, content_type="application/pdf")
    filename = f"plan-{case.household.pseudonym}-v{state.version.number}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
