from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from maatwerk.audit.access import permission_required
from maatwerk.audit.models import Action, ProcessingActivity
from maatwerk.audit.services import log_access
from maatwerk.core.errors import ConflictError
from maatwerk.core.paging import keyset_page
from maatwerk.core.text import clean_free_text
from maatwerk.web.forms import add_service_errors

from .. import search
from ..audience import case_voices
from ..extensions import case_page_context, closing_forms
from ..forms.cases import (
    CaseFilterForm,
    IdentityForm,
    IntakeForm,
    MemberIdentityForm,
    PerspectiveForm,
    StatusForm,
)
from ..models import Case, CaseEvent, HouseholdIdentity, MemberIdentity, PlanAction
from ..plans import plan_states
from ..selectors import (
    can_see_identity,
    case_for,
    case_list_rows,
    case_refused,
    case_search,
    current_perspective_text,
    hidden_case,
    latest_version,
    plan_actions_to_do,
    workable_cases,
)
from ..services import (
    case_frame,
    case_open,
    case_set_status,
    identity_save,
    member_identity_save,
    perspective_record,
)
from ..workflow import TRANSITIONS

PAGE_SIZE = 25


@permission_required("cases.view_case")
def case_list(request):
    form = CaseFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    with transaction.atomic():
        cases = case_search(
            user=request.user,
            scope=filters.get("scope") or "team",
            query=filters.get("q", ""),
            status=filters.get("status", ""),
            domain=filters.get("domain", ""),
            attention=filters.get("attention", False),
            organisation=filters.get("organisation"),
        )
        # Keyset paging (core.paging): a deep page costs what the first one costs.
        page = keyset_page(cases, request.GET, size=PAGE_SIZE, date_field="opened_on")
        page.object_list = case_list_rows(page.object_list, request.user)
        # Why each shown case was found (cases.search); the query words are not logged.
        query_text = filters.get("q", "")
        search.match_reasons(page.object_list, query_text, text_scope=workable_cases(request.user))
        others = {k: getattr(v, "pk", v) for k, v in filters.items() if k != "q"}
        log_access(
            action=Action.SEARCH,
            processing_activity=ProcessingActivity.CASE_WORK,
            request=request,
            object_type=Case._meta.label_lower,
            detail="; ".join(
                [
                    *(f"{k}={v}" for k, v in sorted(others.items()) if v),
                    search.log_detail(query_text, page.paginator.count),
                ]
            )[:500],
        )
    query = request.GET.copy()
    for key in ("page", "after", "before", "n"):
        query.pop(key, None)
    return render(
        request, "cases/case_list.html", {"form": form, "page": page, "query": query.urlencode()}
    )


@permission_required("cases.add_case")
def case_create(request):
    teams = list(request.user.teams.filter(active=True).select_related("organisation"))
    if not teams:
        messages.error(request, _("You are not in a team, so you cannot open a case yet."))
        return redirect("cases:case_list")
    form = IntakeForm(request.POST or None, teams=teams)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = case_open(
                request=request,
                user=request.user,
                team=form.chosen_team(),
                perspective=data["perspective"],
                needed=data["needed"],
                life_domains=list(data["life_domains"]),
                primary_domain=data["primary_domain"],
                composition=data["composition"],
                adults=data["adults"],
                children=data["children"],
                safety_concern=data["safety_concern"],
                deciding_organisations=list(data["deciding_organisations"]),
                problems_start_domain=data["problems_start_domain"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Case %(pseudonym)s has been opened.") % {"pseudonym": case.household.pseudonym},
            )
            return redirect("cases:case_detail", pk=case.pk)
    return render(request, "cases/case_form.html", {"form": form})


@permission_required("cases.view_case", hide=hidden_case("pk"))
def case_detail(request, pk):
    with transaction.atomic():
        case = case_for(request.user, pk)
        events = list(CaseEvent.objects.filter(case=case).select_related("actor"))
        plans = plan_states(case)
        sections = case_page_context(request.user, case)
        # Last: the access-log row holds the chain lock until the commit (ADR 0007).
        voices = case_frame(request, case)
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "voices": voices,
            "events": events,
            "plans": plans,
            **sections,
            "show_identity_link": can_see_identity(request.user, case),
            "status_form": StatusForm(case=case, allowed=TRANSITIONS[case.status])
            if TRANSITIONS[case.status]
            else None,
        },
    )


@permission_required("cases.change_case", hide=hidden_case("pk"))
def perspective_add(request, pk):
    case = case_for(request.user, pk, for_change=True)
    params = request.POST if request.method == "POST" else request.GET
    new_voice = params.get("new_voice") == "1"
    member = params.get("member", "").strip()[:100]
    member_error = None
    try:
        member = clean_free_text(member).strip()
    except ValidationError as error:
        member, member_error = None, error.messages[0]
    if new_voice and request.method == "POST" and member == "":
        member = None  # reported as a field error below
    current_version = 0 if new_voice else latest_version(case, member or "")
    form = PerspectiveForm(
        request.POST or None,
        initial={"based_on_version": current_version},
        voice=member or "",
        new_voice=new_voice,
    )
    if not new_voice and request.method != "POST":
        # A new version starts from the current text: the household corrects it.
        form.fields["text"].initial = current_perspective_text(case, member or "")
    conflict = None
    if member is None:
        member_error = member_error or _(
            "Name the member or sub-household whose perspective this is."
        )
        form.is_valid()
        form.add_error(None, member_error)
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            perspective_record(
                request=request,
                user=request.user,
                case=case,
                member=member,
                text=data["text"],
                confirmation=data["confirmation"],
                recorded_on=data["recorded_on"],
                based_on_version=data["based_on_version"],
                audience=data["audience"],
                problems_start_domain=data["problems_start_domain"],
            )
        except ConflictError as error:
            conflict = error.current
            form.add_error(None, str(error))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The new version of the perspective has been saved."))
            return redirect("cases:case_detail", pk=case.pk)
    voices = case_frame(request, case, detail="perspective form")
    return render(
        request,
        "cases/perspective_form.html",
        {
            "case": case,
            "form": form,
            "member": member or "",
            "new_voice": new_voice,
            "member_error": member_error,
            "conflict": conflict,
            "voices": voices,
        },
    )


@permission_required("cases.change_case", hide=hidden_case("pk"))
def identity_edit(request, pk):
    """The household's identifiers, or (``?member=<voice>``) those of one member or
    sub-household: the owning team only."""
    case = case_for(request.user, pk, for_change=True)
    if not can_see_identity(request.user, case):
        raise case_refused(case.pk, detail="identifiers: not the owning team")
    members = [voice for voice in case_voices(case) if voice]
    params = request.POST if request.method == "POST" else request.GET
    member = params.get("member", "")
    if member and member not in members:
        raise case_refused(case.pk, detail="identifiers: no such voice")
    if member:
        rows = MemberIdentity.objects.filter(household=case.household, member=member)
        form_class = MemberIdentityForm
    else:
        rows = HouseholdIdentity.objects.filter(household=case.household)
        form_class = IdentityForm
    form = form_class(request.POST or None, instance=rows.first())
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            if member:
                member_identity_save(
                    request=request, user=request.user, case=case, member=member, form=form
                )
            else:
                identity_save(request=request, user=request.user, case=case, form=form)
        except ConflictError as error:
            conflict = True
            form.add_error(None, str(error))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if member:
                messages.success(
                    request, _("The details of %(member)s have been saved.") % {"member": member}
                )
            else:
                messages.success(request, _("The household's details have been saved."))
            url = reverse("cases:identity_edit", args=[case.pk])
            return redirect(f"{url}?{urlencode({'member': member})}" if member else url)
    voices = case_frame(request, case, detail="identity")
    current = rows.first() if conflict else None
    protected = set(
        MemberIdentity.objects.filter(household=case.household, protected_address=True).values_list(
            "member", flat=True
        )
    )
    return render(
        request,
        "cases/identity_form.html",
        {
            "case": case,
            "form": form,
            "voices": voices,
            "current": current,
            "member": member,
            "members": [(name, name in protected) for name in members],
        },
    )


@permission_required("cases.change_case", hide=hidden_case("pk"))
def case_status(request, pk):
    case = case_for(request.user, pk, for_change=True)
    form = StatusForm(request.POST or None, case=case, allowed=TRANSITIONS[case.status])
    # Closing asks what happens to the open work of the apps above (open requests).
    closing = (
        closing_forms(case, request.POST or None)
        if Case.Status.CLOSED in TRANSITIONS[case.status]
        else []
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case_set_status(
                request=request,
                user=request.user,
                case=case,
                status=data["status"],
                outcome=data["outcome"],
                on=data["on"],
                loaded_version=data["loaded_version"],
                closing=closing if data["status"] == Case.Status.CLOSED else None,
            )
        except ConflictError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The status of the case has been changed."))
            return redirect("cases:case_detail", pk=case.pk)
    voices = case_frame(request, case, detail="status form")
    return render(
        request,
        "cases/status_form.html",
        {
            "case": case,
            "form": form,
            "voices": voices,
            "closing": [{"template": step.template, "form": f} for step, f in closing],
        },
    )


ACTIONS_SHOWN = 50


@permission_required("cases.view_case")
def my_actions(request):
    """The open actions of the plans: mine (given to me), or my teams'; late ones
    first. A constant number of queries: one count, one page of rows."""
    scope = "team" if request.GET.get("scope") == "team" else "mine"
    today = timezone.localdate()
    with transaction.atomic():
        actions = plan_actions_to_do(request.user, scope=scope)
        total = actions.count()
        rows = list(actions[:ACTIONS_SHOWN])
        log_access(
            action=Action.SEARCH,
            processing_activity=ProcessingActivity.CASE_WORK,
            request=request,
            object_type=PlanAction._meta.label_lower,
            detail=f"actions to do; scope={scope}; shown={len(rows)}",
        )
    for row in rows:
        row.late = row.due_on is not None and row.due_on < today
    return render(
        request,
        "cases/my_actions.html",
        {"actions": rows, "total": total, "scope": scope, "shown": ACTIONS_SHOWN},
    )
