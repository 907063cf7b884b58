import re

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
from maatwerk.core.numbers import parse_id
from maatwerk.web.forms import add_service_errors

from .. import documents
from ..audience import Reader, default_audience, plan_for_audience, plan_readers
from ..forms.documents import DocumentForm, DocumentShareForm
from ..forms.plans import (
    ActionDoneForm,
    ActionFormSet,
    AgreementForm,
    ConfirmPrintForm,
    CostFormSet,
    GoalFormSet,
    PlanForm,
    PlanVoiceForm,
    PrintForm,
)
from ..models import Audience, Plan, PlanAction
from ..pdf import plan_pdf
from ..plans import (
    AUDIENCE_FIELDS,
    TEXT_FIELDS,
    ActionInput,
    CostInput,
    GoalInput,
    PlanContent,
    conflict_changes,
    current_perspective,
    plan_action_done,
    plan_export,
    plan_record_agreement,
    plan_save_version,
    plan_state,
    sentences,
)
from ..selectors import case_for, case_refused, current_perspectives, hidden_case, may_work_on
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
        **{name: getattr(version, name) for name in [*TEXT_FIELDS, *AUDIENCE_FIELDS]},
    }
    goals = [
        {"text": g.text, "perspective_sentence": g.perspective_sentence, "audience": g.audience}
        for g in version.goals.all()
    ]
    actions = [
        {
            "what": a.what,
            "organisation": a.organisation,
            "person": a.person,
            "due_on": a.due_on,
            "audience": a.audience,
            "owner": a.owner,
        }
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
            GoalInput(g["text"].strip(), g.get("perspective_sentence", ""), g.get("audience", ""))
            for g in goals.cleaned_data
            if g and g.get("text", "").strip()
        ],
        actions=[
            ActionInput(
                a["what"].strip(),
                a.get("organisation"),
                a.get("person", ""),
                a.get("due_on"),
                a.get("audience", ""),
                a.get("owner"),
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
        **{name: data[name] for name in [*TEXT_FIELDS, *AUDIENCE_FIELDS]},
    )


AUDIENCE_ROW = re.compile(r"^(goals|actions)-\d+-audience$")


def _with_voice_defaults(data, voice: str):
    """The posted plan with every audience set to the safe default of ``voice``: the
    plan was set to serve another voice than the choices were offered for."""
    data = data.copy()
    for key in list(data):
        if AUDIENCE_ROW.match(key):
            data[key] = default_audience(voice)
    data["audience"] = default_audience(voice)
    data["safety_audience"] = Audience.PROFESSIONALS
    data["rendered_voice"] = voice
    return data


def _initial_for_voice(plan_initial, goals, actions, voice: str, words):
    """The last version's content for a plan that is to serve another voice now: who
    may hear each part back to that voice's safe choice, and a goal's link to words the
    voice did not say dropped (the form offers that voice's sentences)."""
    safe = default_audience(voice)
    plan_initial = {**plan_initial, "serves_member": voice, "audience": safe}
    goals = [
        {
            **goal,
            "audience": safe,
            "perspective_sentence": goal.get("perspective_sentence")
            if goal.get("perspective_sentence") in words
            else "",
        }
        for goal in goals
    ]
    actions = [{**action, "audience": safe} for action in actions]
    return plan_initial, goals, actions


@permission_required("cases.change_case", hide=hidden_case("pk"))
def plan_edit(request, pk, plan_id=None):
    case = case_for(request.user, pk, for_change=True)
    plan = _plan_for(case, plan_id) if plan_id else None
    state = plan_state(plan) if plan else None
    voices = [voice["member"] for voice in current_perspectives(case)]
    # The voice chosen in the first step (GET ?serves_member=), else the plan's own.
    asked = request.GET.get("serves_member")
    member = request.POST.get(
        "serves_member",
        asked if asked is not None and asked in voices else (plan.serves_member if plan else ""),
    )
    if member not in voices:  # a voice the case does not have: the form says so
        member = plan.serves_member if plan else ""
    perspective = current_perspective(case, member)
    words = sentences(perspective.text if perspective else "")
    plan_initial, goals_initial, actions_initial, costs_initial = (
        _initial(state)
        if state
        else ({"based_on": 0, "title": _("Maatwerkplan"), "serves_member": member}, [], [], [])
    )
    if state and member != plan.serves_member:
        plan_initial, goals_initial, actions_initial = _initial_for_voice(
            plan_initial, goals_initial, actions_initial, member, words
        )
    data = request.POST or None
    rendered = request.POST.get("rendered_voice")
    voice_changed = data is not None and rendered is not None and rendered != member
    if voice_changed:
        data = _with_voice_defaults(data, member)
    if data is not None:
        # Posted rows are compared with their initial values to skip unchanged extra
        # rows; a row copied from the last version must count, so no initial on POST.
        goals_initial = actions_initial = costs_initial = None
    form = PlanForm(data, voices=voices, voice=member, initial=plan_initial)
    goals = GoalFormSet(
        data,
        prefix="goals",
        initial=goals_initial,
        form_kwargs={"sentences": words, "voice": member},
    )
    owners = case.team.members.filter(is_active=True).order_by("first_name", "username")
    actions = ActionFormSet(
        data,
        prefix="actions",
        initial=actions_initial,
        form_kwargs={"voice": member, "owners": owners},
    )
    costs = CostFormSet(data, prefix="costs", initial=costs_initial)
    conflict, changes = None, []
    valid = data is not None and all(f.is_valid() for f in (form, goals, actions, costs))
    if voice_changed:
        form.is_valid()
        form.add_error(
            None,
            _(
                "Not saved yet: this plan now serves another voice. Who may hear each part "
                "is set back to the safe choice for that voice; check it and save again."
            ),
        )
    elif valid:
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
            "voice_form": PlanVoiceForm(initial={"serves_member": member}, voices=voices),
        },
    )


def _shown_plan(request, pk, plan_id, number=None):
    """The case, the plan and the plan state of the version asked for (?version=N,
    default the newest); 404 when any of them is not there."""
    case = case_for(request.user, pk)
    plan = _plan_for(case, plan_id)
    number = request.GET.get("version", "") if number is None else number
    if number and parse_id(number) is None:
        raise Http404
    state = plan_state(plan, parse_id(number))
    if state.version is None:
        raise Http404
    return case, plan, state


@permission_required("cases.view_case", hide=hidden_case("pk"))
def plan_detail(request, pk, plan_id):
    with transaction.atomic():
        case, plan, state = _shown_plan(request, pk, plan_id)
        voices = case_frame(request, case, detail=f"plan {plan.pk} v{state.version.number}")
        print_form = PrintForm(readers=_print_choices(case, state))
    return render(
        request,
        "cases/plan_detail.html",
        {
            "case": case,
            "plan": plan,
            "state": state,
            "voices": voices,
            "numbers": range(state.latest_number, 0, -1),
            "print_form": print_form,
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


@permission_required("cases.change_case", hide=hidden_case("pk"))
def action_done(request, pk, plan_id, action_id):
    """Mark an action of the plan's newest version as done (dated)."""
    case = case_for(request.user, pk, for_change=True)
    plan = _plan_for(case, plan_id)
    action = (
        PlanAction.objects.filter(pk=action_id, version__plan=plan)
        .select_related("version__plan__case__household", "owner")
        .first()
    )
    if action is None:
        raise Http404
    form = ActionDoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan_action_done(request=request, user=request.user, action=action, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The action has been marked as done."))
            return redirect("cases:plan_detail", pk=case.pk, plan_id=plan.pk)
    voices = case_frame(request, case, detail=f"action done form plan {plan.pk}")
    return render(
        request,
        "cases/action_done_form.html",
        {"case": case, "plan": plan, "action": action, "form": form, "voices": voices},
    )


def _print_choices(case, state) -> list[Reader]:
    return plan_readers(case, state.version)


@permission_required("cases.view_case", hide=hidden_case("pk"))
def plan_pdf_view(request, pk, plan_id):
    """The printable plan, for one reader (``for``: the whole household or one member):
    only what that reader may hear (``cases.audience``). When the case has a safety
    concern, the page first lists every piece that will be printed and the
    professional confirms it; the export is logged with the reader and the pieces."""
    params = request.POST if request.method == "POST" else request.GET
    number = params.get("version", "")
    case, plan, state = _shown_plan(request, pk, plan_id, number)
    readers = _print_choices(case, state)
    form = PrintForm(params if "for" in params else None, readers=readers)
    if not form.is_valid():
        voices = case_frame(request, case, detail=f"print plan {plan.pk}")
        return render(
            request,
            "cases/plan_print_preview.html",
            {"case": case, "plan": plan, "state": state, "voices": voices, "form": form},
        )
    reader = form.cleaned_data["reader"]
    confirm = ConfirmPrintForm(request.POST if request.method == "POST" else None)
    with transaction.atomic():
        printed = plan_for_audience(case, state, reader)
        confirmed = confirm.cleaned_data["digest"] if confirm.is_valid() else ""
        try:
            plan_export(
                request=request, user=request.user, case=case, printed=printed, confirmed=confirmed
            )
        except ValidationError as error:
            if confirm.is_valid():  # a confirmation, but of content that changed since
                add_service_errors(confirm, error)
            voices = case_frame(
                request, case, detail=f"print preview plan {plan.pk} v{state.version.number}"
            )
            preview = True
        else:
            preview = False
    if preview:
        return render(
            request,
            "cases/plan_print_preview.html",
            {
                "case": case,
                "plan": plan,
                "state": state,
                "voices": voices,
                "form": form,
                "printed": printed,
                "confirm": confirm,
            },
        )
    content = plan_pdf(printed=printed, request=request)
    response = HttpResponse(content, content_type="application/pdf")
    suffix = "huishouden" if reader.audience == Audience.HOUSEHOLD else "lid"
    filename = f"plan-{case.household.pseudonym}-v{state.version.number}-{suffix}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Documents of a plan (cases.documents) -----------------------------------------------


def _document_rows(case, plan, may_work, bound=None):
    rows = []
    for document in documents.plan_documents(plan):
        form = None
        if may_work:
            if bound and bound[0] == document.pk:
                form = bound[1]
            else:
                form = DocumentShareForm(
                    initial={"share": "no" if document.shared_with_organisations else "yes"},
                    safety_concern=case.safety_concern,
                    prefix=f"document-{document.pk}",
                )
        rows.append({"document": document, "form": form})
    return rows


@permission_required("cases.view_case", hide=hidden_case("pk"))
def plan_documents_page(request, pk, plan_id):
    """The documents of a plan: the list (downloads), and for the case team attaching
    one and sharing it with the organisations the case asks."""
    case = case_for(request.user, pk)
    plan = _plan_for(case, plan_id)
    may_work = request.user.has_perm("cases.change_case") and may_work_on(request.user, case)
    attach_form = DocumentForm(safety_concern=case.safety_concern) if may_work else None
    bound = None
    if request.method == "POST":
        if not may_work:
            raise case_refused(case.pk, detail="documents: not the case team")
        action = request.POST.get("action")
        if action == "attach":
            attach_form = DocumentForm(
                request.POST, request.FILES, safety_concern=case.safety_concern
            )
            if attach_form.is_valid():
                try:
                    documents.plan_document_add(
                        request=request, user=request.user, plan=plan,
                        **attach_form.service_fields(),
                    )  # fmt: skip
                except ValidationError as error:
                    add_service_errors(attach_form, error)
                else:
                    messages.success(request, _("The document has been attached."))
                    return redirect("cases:plan_documents", pk=case.pk, plan_id=plan.pk)
        elif action == "share":
            document_pk = parse_id(request.POST.get("document"))
            document = (
                plan.documents.filter(pk=document_pk).first() if document_pk is not None else None
            )
            if document is None:
                messages.error(request, _("This document does not belong to this plan."))
                return redirect("cases:plan_documents", pk=case.pk, plan_id=plan.pk)
            form = DocumentShareForm(
                request.POST,
                safety_concern=case.safety_concern,
                prefix=f"document-{document.pk}",
            )
            if form.is_valid():
                try:
                    documents.plan_document_set_shared(
                        request=request,
                        user=request.user,
                        document=document,
                        share=form.cleaned_data["share"],
                        household_agreed=form.cleaned_data["household_agreed"],
                        confirmed=form.cleaned_data.get("confirm_share", False),
                    )
                except ValidationError as error:
                    add_service_errors(form, error)
                else:
                    messages.success(request, _("The sharing of the document has been changed."))
                    return redirect("cases:plan_documents", pk=case.pk, plan_id=plan.pk)
            bound = (document.pk, form)
    with transaction.atomic():
        rows = _document_rows(case, plan, may_work, bound)
        voices = case_frame(request, case, detail=f"plan {plan.pk}: documents ({len(rows)})")
    return render(
        request,
        "cases/plan_documents.html",
        {
            "case": case,
            "plan": plan,
            "rows": rows,
            "attach_form": attach_form,
            "voices": voices,
        },
    )


@permission_required("cases.view_case", hide=documents.hidden_plan_document("doc_id"))
def plan_document_download(request, pk, plan_id, doc_id):
    """One document of a plan, for whoever may see the case; every download is logged
    (an export of case data)."""
    document = documents.plan_document_for(request.user, pk, plan_id, doc_id)
    log_access(
        action=Action.EXPORT,
        processing_activity=ProcessingActivity.CASE_WORK,
        request=request,
        obj=document,
        household=document.plan.case.household.pseudonym,
        detail=f"plan {plan_id}: document ({document.kind})",
    )
    return documents.serve(document, f"plan-{plan_id}")
