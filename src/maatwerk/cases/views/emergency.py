"""Break-the-glass (noodtoegang): a user with ``cases.break_glass`` opens a case
outside the access policy, read-only, with a typed reason and for a limited time; the
privacy officers are told (``cases.jobs``) and review it on their start page.

A case's own 404 page says nothing of this (whether a case exists is not shared):
the emergency access has a page of its own, reached from the navigation. An unknown
or ambiguous reference gets the same answer as one that may not be opened, and the
attempt is logged."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from maatwerk.audit.access import permission_required
from maatwerk.audit.models import Action, ProcessingActivity
from maatwerk.audit.services import log_access
from maatwerk.core.errors import ConflictError
from maatwerk.web.forms import add_service_errors

from ..forms.emergency import EmergencyAccessForm, EmergencyReviewForm
from ..models import EmergencyAccess
from ..selectors import active_emergency_accesses, emergency_accesses_to_review
from ..services import (
    EmergencyRefused,
    emergency_access_open,
    emergency_access_review,
)

REVIEW_LIST_SIZE = 50


def _refusal(query: str) -> str:
    return _(
        "No case can be opened for “%(query)s”. Check the case reference or the "
        "household's pseudonym."
    ) % {"query": query}


@permission_required("cases.view_case", "cases.break_glass")
def emergency_access(request):
    form = EmergencyAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case, access = emergency_access_open(
                request=request, user=request.user, query=data["case"], reason=data["reason"]
            )
        except EmergencyRefused:
            form.add_error("case", _refusal(data["case"].strip()))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if access is None:
                messages.info(
                    request, _("You may see this case already; no emergency access is needed.")
                )
            else:
                messages.warning(
                    request,
                    _(
                        "Emergency access until %(until)s: read only. Every page you open "
                        "is logged, and the privacy officer reviews your access."
                    )
                    % {"until": f"{timezone.localtime(access.expires_at):%H:%M}"},
                )
            return redirect("cases:case_detail", pk=case.pk)
    running = list(
        active_emergency_accesses(request.user)
        .select_related("case__household")
        .order_by("expires_at")
    )
    return render(
        request,
        "cases/emergency_form.html",
        {"form": form, "running": running, "minutes": settings.BREAK_GLASS_MINUTES},
    )


def _review_rows(request, accesses) -> list[EmergencyAccess]:
    """The accesses to review, read and logged (they name households and reasons)."""
    with transaction.atomic():
        rows = list(accesses[:REVIEW_LIST_SIZE])
        if rows:
            log_access(
                action=Action.READ,
                processing_activity=ProcessingActivity.AUDIT_SUPERVISION,
                request=request,
                object_type=EmergencyAccess._meta.label_lower,
                detail="to review: " + ", ".join(str(row.pk) for row in rows)[:480],
            )
    return rows


def review_section(request) -> dict | None:
    """The privacy officer's start-page section "Emergency access to review"
    (registered in ``web.extensions`` by ``CasesConfig.ready``): every emergency access
    not reviewed yet, with the review form. Only after a two-factor login, like the
    access log."""
    user = request.user
    if not user.has_perm("cases.review_emergencyaccess"):
        return None
    section = {"template": "cases/_emergency_review_section.html", "verified": False}
    if not user.is_verified():
        return section
    section.update(
        verified=True,
        accesses=_review_rows(request, emergency_accesses_to_review(user)),
        form=EmergencyReviewForm(),
        size=REVIEW_LIST_SIZE,
    )
    return section


@permission_required("cases.review_emergencyaccess", require_verified=True)
def emergency_review(request, pk):
    """One emergency access to review: its page (with the errors of a review that did
    not pass) and the review itself (POST)."""
    access = (
        EmergencyAccess.objects.select_related("user", "case__household", "review__reviewed_by")
        .filter(pk=pk)
        .first()
    )
    if access is None or access.user_id == request.user.pk:
        # Nobody reviews their own emergency access: another privacy officer does.
        messages.error(request, _("You cannot review this emergency access."))
        return redirect("web:home")
    form = EmergencyReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            emergency_access_review(
                request=request, user=request.user, access=access, note=form.cleaned_data["note"]
            )
        except ConflictError as error:
            messages.error(request, str(error))
            return redirect("web:home")
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The emergency access has been marked as reviewed."))
            return redirect("web:home")
    with transaction.atomic():
        log_access(
            action=Action.READ,
            processing_activity=ProcessingActivity.AUDIT_SUPERVISION,
            request=request,
            obj=access,
            household=access.case.household.pseudonym,
            detail="emergency access review page",
        )
    return render(request, "cases/emergency_review.html", {"access": access, "form": form})
