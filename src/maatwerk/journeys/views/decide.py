"""The decision maker's pages: the inbox of requests addressed to their own
organisation, and one request with only what was shared, where they decide.

Which requests a user may see is decided by the one access policy
(``maatwerk.journeys.selectors.visible_requests``); these pages only narrow it down to
the submitted requests addressed to the user's organisation.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import BooleanField, F, Value, When
from django.db.models import Case as CaseWhen
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from maatwerk.audit.access import permission_required
from maatwerk.audit.models import Action, ProcessingActivity
from maatwerk.audit.services import log_access
from maatwerk.cases import documents
from maatwerk.web.forms import add_service_errors

from ..forms.decide import DECISION_FORMS, InboxFilterForm
from ..models import Request
from ..selectors import (
    hidden_request,
    inbox_requests,
    request_attachments,
    request_for,
    request_refused,
    shared_plan_documents,
    shared_view,
)
from ..services import record_event
from ..workflow import AWAITING_ORGANISATION, TRANSITIONS, is_overdue, overdue_q

PAGE_SIZE = 25


@permission_required("journeys.decide_request")
def inbox(request):
    form = InboxFilterForm(request.GET)
    show = form.wanted()
    requests = inbox_requests(request.user)
    if show == InboxFilterForm.OPEN:
        requests = requests.filter(state__in=AWAITING_ORGANISATION)
    requests = (
        requests.annotate(
            pseudonym=F("case__household__pseudonym"),
            late=CaseWhen(
                When(overdue_q(timezone.localdate()), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .select_related("regulation")
        .order_by(F("late").desc(), F("due_on").asc(nulls_last=True), "id")
    )
    with transaction.atomic():
        page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = list(page.object_list)
        log_access(
            action=Action.SEARCH,
            processing_activity=ProcessingActivity.CASE_WORK,
            request=request,
            object_type=Request._meta.label_lower,
            detail=f"inbox; show={show}",
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "journeys/inbox.html",
        {"form": form, "page": page, "show": show, "query": query.urlencode()},
    )


def _request_to_decide(user, pk) -> Request:
    """One request for the decision maker, or 404: it must be in the access policy,
    addressed to the user's own organisation and submitted."""
    req = request_for(user, pk)
    if (
        not user.organisation_id
        or req.organisation_id != user.organisation_id
        or req.state == Request.State.DRAFT
    ):
        raise request_refused(req.pk, detail="not submitted to the user's organisation")
    return req


@permission_required("journeys.decide_request", hide=hidden_request("pk"))
def decide(request, pk):
    req = _request_to_decide(request.user, pk)
    posted = None
    if request.method == "POST":
        decision = request.POST.get("decision", "")
        form_class = DECISION_FORMS.get(decision)
        if form_class is None:
            return HttpResponseBadRequest(_("Unknown decision."))
        posted = form_class(request.POST, prefix=decision, own_organisation_id=req.organisation_id)
        if posted.is_valid():
            try:
                record_event(
                    request=request,
                    user=request.user,
                    req=req,
                    type=form_class.event_type,
                    on=timezone.localdate(),
                    **posted.event_fields(),
                )
            except ValidationError as error:
                add_service_errors(posted, error)
            else:
                messages.success(request, str(form_class.success_message))
                return redirect("journeys:decide", pk=req.pk)
    decisions = []
    for decision, form_class in DECISION_FORMS.items():
        if posted is not None and posted.prefix == decision:
            decisions.append({"key": decision, "form": posted, "open": True})
        elif req.state in TRANSITIONS[form_class.event_type][0]:
            form = form_class(prefix=decision, own_organisation_id=req.organisation_id)
            decisions.append({"key": decision, "form": form, "open": False})
    with transaction.atomic():
        view = shared_view(req)
        attachments = request_attachments(req, whole_case=False)
        plan_documents = shared_plan_documents(req)
        log_access(
            action=Action.READ,
            processing_activity=ProcessingActivity.CASE_WORK,
            request=request,
            obj=req,
            household=req.case.household.pseudonym,
            detail="decide",
        )
    return render(
        request,
        "journeys/decide.html",
        {
            "req": req,
            "view": view,
            "pseudonym": req.case.household.pseudonym,
            "late": is_overdue(req, timezone.localdate()),
            "decisions": decisions,
            "failed": posted is not None,
            "attachments": attachments,
            "plan_documents": plan_documents,
        },
    )


@permission_required("journeys.decide_request", hide=hidden_request("pk"))
def plan_document(request, pk, doc_id):
    """A document of the case's plan, for the decision maker of a request of the case
    to their organisation, only when it is shared with the organisations the case asks;
    every download is logged (an export of case data), a refusal is a logged 404."""
    req = _request_to_decide(request.user, pk)
    document = next((d for d in shared_plan_documents(req) if d.pk == doc_id), None)
    if document is None:
        raise documents.plan_document_refused(
            doc_id, detail=f"not a document shared with the organisations of request {req.pk}"
        )
    log_access(
        action=Action.EXPORT,
        processing_activity=ProcessingActivity.CASE_WORK,
        request=request,
        obj=document,
        household=req.case.household.pseudonym,
        detail=f"{req.reference}: plan document ({document.kind}), shared",
    )
    return documents.serve(document, req.reference)
