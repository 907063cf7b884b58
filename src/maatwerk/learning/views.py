"""System learning pages: the closing analysis of a case, the learning points and
their follow-up.

Access: the analysis page is the case's (``case_for(for_change=True)``: a 404, logged
with the household, for everyone who may not work on the case). A learning point's page
follows ``selectors.visible_learning_points``. Reads are logged: the analysis page as a
read of its case, a learning point's page as a read of the learning point and of each
case shown on it.
"""

import csv
import re
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from maatwerk.audit import events
from maatwerk.audit.access import permission_required
from maatwerk.audit.models import Action, ProcessingActivity
from maatwerk.audit.services import log_access
from maatwerk.cases.models import Case
from maatwerk.cases.selectors import case_for, hidden_case
from maatwerk.core.errors import ConflictError
from maatwerk.core.numbers import parse_id
from maatwerk.core.personal_data import highlight_spans
from maatwerk.web.forms import add_service_errors

from . import services
from .forms import (
    BottleneckForm,
    CompleteAnalysisForm,
    LearningPointForm,
    LinkToCaseForm,
    PrecedentForm,
    StepForm,
)
from .models import NEXT_STATUSES, Bottleneck, LearningStatus, Precedent
from .patterns import bottleneck_patterns, exceptions_register, register_csv_rows
from .selectors import (
    case_learning_section,
    hidden_learning_point,
    hidden_precedent,
    learning_point_for,
    learning_point_page,
    learning_point_rows,
    linkable_cases,
    may_answer,
    may_follow_up,
    precedent_for,
    regulation_suggestions,
    search_precedents,
    visible_precedents,
)

PAGE_SIZE = 25


def _safe_int(value):
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 12 else None


@permission_required("learning.add_bottleneck", hide=hidden_case("case_pk"))
def analysis(request, case_pk):
    case = case_for(request.user, case_pk, for_change=True)
    section = case_learning_section(request.user, case)
    bottleneck_form = BottleneckForm(prefix="bottleneck")
    point_form = LearningPointForm(prefix="point", bottlenecks=section["bottlenecks"])
    complete_form = CompleteAnalysisForm(prefix="complete")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "bottleneck":
                bottleneck_form = BottleneckForm(request.POST, prefix="bottleneck")
                if bottleneck_form.is_valid():
                    data = bottleneck_form.cleaned_data
                    services.bottleneck_add(
                        request=request,
                        user=request.user,
                        case=case,
                        category=data["category"],
                        text=data["text"],
                        regulation=data["regulation"],
                        organisations=data["organisations"],
                    )
                    messages.success(request, _("Bottleneck recorded."))
                    return redirect("learning:analysis", case_pk=case.pk)
            elif action == "point":
                point_form = LearningPointForm(
                    request.POST, prefix="point", bottlenecks=section["bottlenecks"]
                )
                if point_form.is_valid():
                    data = point_form.cleaned_data
                    point = services.learning_point_create(
                        request=request,
                        user=request.user,
                        cases=[case],
                        order=data["order"],
                        text=data["text"],
                        addressee=data["addressee"],
                        addressee_name=data["addressee_name"],
                        bottlenecks=data["bottleneck_objects"],
                    )
                    messages.success(
                        request,
                        _("Learning point %(reference)s recorded.")
                        % {"reference": point.reference},
                    )
                    return redirect("learning:analysis", case_pk=case.pk)
            elif action == "remove":
                pk = _safe_int(request.POST.get("bottleneck"))
                bottleneck = Bottleneck.objects.filter(case=case, pk=pk).first()
                if bottleneck is not None:
                    services.bottleneck_remove(
                        request=request, user=request.user, bottleneck=bottleneck
                    )
                    messages.success(request, _("Bottleneck removed."))
                return redirect("learning:analysis", case_pk=case.pk)
            elif action == "complete":
                complete_form = CompleteAnalysisForm(request.POST, prefix="complete")
                if complete_form.is_valid():
                    services.closing_analysis_complete(
                        request=request,
                        user=request.user,
                        case=case,
                        no_bottlenecks=complete_form.cleaned_data["no_bottlenecks"],
                        note=complete_form.cleaned_data["note"],
                    )
                    messages.success(request, _("The closing analysis is complete."))
                    return redirect("cases:case_detail", pk=case.pk)
        except ValidationError as error:
            form = {"bottleneck": bottleneck_form, "point": point_form}.get(action, complete_form)
            if action == "remove":
                messages.error(request, " ".join(error.messages))
                return redirect("learning:analysis", case_pk=case.pk)
            add_service_errors(form, error)
    with transaction.atomic():
        events.case_read(request, case, detail="closing analysis")
    return render(
        request,
        "learning/analysis.html",
        {
            "case": case,
            **section,
            "bottleneck_form": bottleneck_form,
            "point_form": point_form,
            "complete_form": complete_form,
            "regulations": regulation_suggestions(),
        },
    )


@permission_required("learning.view_learningpoint")
def point_list(request):
    status = request.GET.get("status", "")
    if status not in LearningStatus.values:
        status = ""
    order = _safe_int(request.GET.get("order"))
    if order not in (1, 2, 3):
        order = None
    rows = learning_point_rows(request.user, status=status, order=order)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = "&".join(
        part
        for part in (f"status={status}" if status else "", f"order={order}" if order else "")
        if part
    )
    return render(
        request,
        "learning/point_list.html",
        {
            "page": page,
            "points": list(page.object_list),
            "statuses": LearningStatus.choices,
            "status": status,
            "order": order,
            "query": query,
        },
    )


@permission_required("learning.view_learningpoint", hide=hidden_learning_point("pk"))
def point_detail(request, pk):
    point = learning_point_for(request.user, pk)
    answering = may_answer(request.user, point) and not may_follow_up(request.user, point)
    may_step = answering or may_follow_up(request.user, point) or may_answer(request.user, point)
    statuses = NEXT_STATUSES.get(point.status, ())
    form = StepForm(statuses=statuses, answering=answering) if may_step and statuses else None
    if request.method == "POST" and form is not None:
        form = StepForm(request.POST, statuses=statuses, answering=answering)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.learning_point_step(
                    request=request,
                    user=request.user,
                    point=point,
                    status=data["status"],
                    on=data["on"],
                    answer=data["answer"],
                    on_behalf_of=data.get("on_behalf_of", ""),
                    expected_version=_safe_int(request.POST.get("version")),
                )
            except ConflictError as error:
                form.add_error(None, str(error))
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("learning:point_detail", pk=point.pk)
    page = learning_point_page(request.user, point)
    with transaction.atomic():
        # One row for the page, naming the households it showed (as any list of case
        # data does).
        log_access(
            action=Action.READ,
            processing_activity=ProcessingActivity.CASE_WORK,
            request=request,
            obj=point,
            detail=", ".join(case.household.pseudonym for case in page["cases"])[:480],
        )
    return render(
        request,
        "learning/point_detail.html",
        {"point": point, **page, "form": form, "answering": answering},
    )


def _threshold(request, *, published: bool = False) -> int:
    """Counts are disclosure-controlled for analysts and in anything published;
    coordinators (who follow every learning point up) see them as they are."""
    if published or not request.user.has_perm("learning.view_all_learningpoints"):
        return settings.DISCLOSURE_THRESHOLD
    return 0


@permission_required("learning.view_patterns")
def patterns(request):
    threshold = _threshold(request)
    figures = bottleneck_patterns(
        Case.objects.all(), today=timezone.localdate(), threshold=threshold
    )
    return render(request, "learning/patterns.html", {"figures": figures, "threshold": threshold})


@permission_required("learning.view_patterns")
def exceptions(request):
    published = request.GET.get("published") == "1" or request.GET.get("format") == "csv"
    threshold = _threshold(request, published=published)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="uitzonderingenregister.csv"'
        response.write("\ufeff")
        writer = csv.writer(response, delimiter=";")
        writer.writerow(
            [_("Quarter"), _("Rule"), _("Organisation"), _("Exception ground"), _("Approved")]
        )
        rows = register_csv_rows(Case.objects.all(), threshold=threshold)
        for row in rows:
            writer.writerow(row)
        with transaction.atomic():
            log_access(
                action=Action.EXPORT,
                processing_activity=ProcessingActivity.CASE_WORK,
                request=request,
                object_type="learning.exceptions_register",
                detail=f"csv, threshold {threshold}",
            )
        return response
    figures = exceptions_register(
        Case.objects.all(), today=timezone.localdate(), threshold=threshold
    )
    return render(
        request,
        "learning/exceptions.html",
        {"figures": figures, "threshold": threshold, "published": published},
    )


@permission_required("learning.follow_up_learningpoint")
def point_create(request):
    """A learning point drafted from a pattern (the exceptions register's candidate
    rules), without a case: typically order 3, to the ministry or organisation that
    owns the rule."""
    initial = {"order": 3}
    rule = (request.GET.get("rule") or "")[:200]
    if rule:
        initial["text"] = _(
            "The rule %(rule)s keeps needing the same exception. Change the rule so that "
            "this situation no longer needs one."
        ) % {"rule": rule}
    form = LearningPointForm(request.POST or None, initial=initial, prefix="point")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            point = services.learning_point_create(
                request=request,
                user=request.user,
                cases=[],
                order=data["order"],
                text=data["text"],
                addressee=data["addressee"],
                addressee_name=data["addressee_name"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Learning point %(reference)s recorded.") % {"reference": point.reference},
            )
            return redirect("learning:point_detail", pk=point.pk)
    return render(request, "learning/point_form.html", {"form": form})


# --- Precedents ---------------------------------------------------------------------------

PRECEDENT_FIELDS = (
    "title",
    "situation",
    "asked",
    "what_worked",
    "outcome",
    "lead_time_days",
    "regulation",
    "regulation_text",
    "legal_ground",
)


DOMAIN_CODE = re.compile(r"[a-z_]{1,40}")


def _domain_code(value) -> str:
    """A life domain's code from the address, or nothing."""
    return value if value and DOMAIN_CODE.fullmatch(value) else ""


@permission_required("learning.view_precedent")
def precedent_search(request):
    query = (request.GET.get("q") or "")[:10000]
    filters = {
        # A life domain's code, or nothing (a NUL or any other character cannot reach
        # the database: PostgreSQL refuses NUL in text).
        "domain": domain
        if DOMAIN_CODE.fullmatch(domain := request.GET.get("domain") or "")
        else "",
        "organisation": _safe_int(request.GET.get("organisation")),
        "regulation": _safe_int(request.GET.get("regulation")),
        "ground": _safe_int(request.GET.get("ground")),
        "outcome": request.GET.get("outcome")
        if request.GET.get("outcome") in Case.Outcome.values
        else "",
    }
    page = _safe_int(request.GET.get("page")) or 1
    found = search_precedents(request.user, query, filters=filters, page=page)
    with transaction.atomic():
        # The hits are published, anonymised precedents; the row records that a search
        # happened and how many it found, never the query (it may name a situation).
        log_access(
            action=Action.SEARCH,
            processing_activity=ProcessingActivity.CASE_WORK,
            request=request,
            object_type="learning.precedent",
            detail=f"{found.total} hits",
        )
    kept = {k: v for k, v in filters.items() if v}
    return render(
        request,
        "learning/precedent_search.html",
        {
            "query": query[:200],
            "found": found,
            "filters": kept,
            "base_query": urlencode({"q": query[:200], **kept}),
            "drafts": list(
                visible_precedents(request.user)
                .filter(status="draft")
                .select_related("drafted_by")
                .order_by("-created_at")[:20]
            )
            if request.user.has_perm("learning.publish_precedent")
            or request.user.has_perm("learning.add_precedent")
            else [],
        },
    )


@permission_required("learning.add_precedent", hide=hidden_case("case_pk"))
def precedent_create(request, case_pk):
    case = case_for(request.user, case_pk)
    if request.method != "POST":
        return redirect("cases:case_detail", pk=case.pk)
    try:
        precedent = services.precedent_draft_from_case(
            request=request, user=request.user, case=case
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("cases:case_detail", pk=case.pk)
    messages.success(
        request,
        _(
            "Draft %(reference)s made from the case: remove every personal detail, then "
            "ask a colleague to publish it."
        )
        % {"reference": precedent.reference},
    )
    return redirect("learning:precedent_detail", pk=precedent.pk)


@permission_required("learning.view_precedent", hide=hidden_precedent("pk"))
def precedent_detail(request, pk):
    precedent = precedent_for(request.user, pk)
    draft = precedent.status == Precedent.Status.DRAFT
    may_edit = draft and (
        precedent.drafted_by_id == request.user.pk
        or request.user.has_perm("learning.publish_precedent")
    )
    may_publish = (
        draft
        and request.user.has_perm("learning.publish_precedent")
        and precedent.drafted_by_id != request.user.pk
    )
    form = None
    link_form = None
    if precedent.status == Precedent.Status.PUBLISHED and request.user.has_perm(
        "learning.add_precedentlink"
    ):
        cases = linkable_cases(request.user, precedent)
        link_form = LinkToCaseForm(cases=cases)
    if may_edit:
        initial = {name: getattr(precedent, name) for name in PRECEDENT_FIELDS}
        initial["life_domains"] = list(precedent.life_domains.all())
        initial["organisations"] = list(precedent.organisations.all())
        form = PrecedentForm(initial=initial)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "save" and may_edit:
                form = PrecedentForm(request.POST)
                if form.is_valid():
                    services.precedent_save(
                        request=request,
                        user=request.user,
                        precedent=precedent,
                        expected_version=_safe_int(request.POST.get("version")),
                        **form.cleaned_data,
                    )
                    messages.success(request, _("Saved."))
                    return redirect("learning:precedent_detail", pk=precedent.pk)
            elif action == "link" and link_form is not None:
                link_form = LinkToCaseForm(request.POST, cases=link_form.fields["case"].queryset)
                if link_form.is_valid():
                    case = link_form.cleaned_data["case"]
                    services.precedent_link(
                        request=request, user=request.user, precedent=precedent, case=case
                    )
                    messages.success(
                        request,
                        _("Linked to the case of %(household)s.")
                        % {"household": case.household.pseudonym},
                    )
                    return redirect("learning:precedent_detail", pk=precedent.pk)
            elif action == "publish" and may_publish:
                services.precedent_publish(request=request, user=request.user, precedent=precedent)
                messages.success(request, _("Published: every professional can find it now."))
                return redirect("learning:precedent_detail", pk=precedent.pk)
        except services.PersonalDataFound as error:
            messages.error(request, " ".join(error.messages))
        except ConflictError as error:
            messages.error(request, str(error))
        except ValidationError as error:
            if form is not None and action == "save":
                add_service_errors(form, error)
            else:
                messages.error(request, " ".join(error.messages))
    # The reviewer sees what the screen finds, highlighted, before publishing.
    screened = {}
    if draft and (may_edit or may_publish):
        hits = services.precedent_screen(precedent)
        screened = {
            name: highlight_spans(getattr(precedent, name) or "", found)
            for name, found in hits.items()
        }
    with transaction.atomic():
        household = (
            precedent.source_case.household.pseudonym if draft and precedent.source_case_id else ""
        )
        log_access(
            action=Action.READ,
            processing_activity=ProcessingActivity.CASE_WORK,
            request=request,
            obj=precedent,
            household=household,
        )
    return render(
        request,
        "learning/precedent_detail.html",
        {
            "precedent": precedent,
            "draft": draft,
            "form": form,
            "may_publish": may_publish,
            "screened": screened,
            # Only offered when there is a case to choose (the list is bounded).
            "link_form": link_form
            if link_form is not None and (link_form.is_bound or link_form.fields["case"].queryset)
            else None,
        },
    )


@permission_required("learning.add_precedentlink", hide=hidden_case("case_pk"))
def precedent_link(request, case_pk):
    """Link a published precedent to the case (from the case page or the refusal on a
    request); back to where the button was."""
    case = case_for(request.user, case_pk, for_change=True)
    back = request.POST.get("next") or ""
    if not (back.startswith("/") and url_has_allowed_host_and_scheme(back, {request.get_host()})):
        back = reverse("cases:case_detail", args=[case.pk])
    if request.method != "POST":
        return redirect(back)
    pk = parse_id(request.POST.get("precedent"))
    precedent = (
        visible_precedents(request.user).filter(pk=pk, status=Precedent.Status.PUBLISHED).first()
        if pk is not None
        else None
    )
    if precedent is None:
        messages.error(request, _("That precedent cannot be found (any more)."))
        return redirect(back)
    try:
        services.precedent_link(request=request, user=request.user, precedent=precedent, case=case)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    messages.success(
        request,
        _("%(reference)s is linked to the case; the case owner hears of it.")
        % {"reference": precedent.reference},
    )
    return redirect(back)
