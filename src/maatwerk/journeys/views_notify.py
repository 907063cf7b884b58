"""The user's notifications (made by the scheduler, maatwerk.journeys.jobs): a list,
newest first, and "mark all as read"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maatwerk.cases.selectors import visible_cases
from maatwerk.journeys.selectors import visible_requests
from maatwerk.register.models import EscalationStep

from .calendar import overdue_from
from .jobs import parse_notice_key, request_url
from .models import Notification

PAGE_SIZE = 25


def notifications_for(user) -> QuerySet[Notification]:
    """The user's own notifications about requests the user may (still) see: the
    access policy decides here too, so a notice never outlives the access."""
    return Notification.objects.filter(
        recipient=user, request__in=visible_requests(user).values("pk")
    )


def unread_count(user) -> int:
    return notifications_for(user).filter(read_at__isnull=True).count()


def _rows(user, notices: list[Notification]) -> list[dict]:
    case_ids = {notice.request.case_id for notice in notices}
    whole_case = set(visible_cases(user).filter(pk__in=case_ids).values_list("pk", flat=True))
    parsed = {notice.pk: parse_notice_key(notice.key) for notice in notices}
    wanted = {(n.request.organisation_id, p[2]) for n in notices if (p := parsed[n.pk])}
    contacts = {}
    if wanted:
        steps = EscalationStep.objects.filter(
            organisation_id__in={org for org, _level in wanted},
            level__in={level for _org, level in wanted},
        ).select_related("contact")
        contacts = {(step.organisation_id, step.level): step.contact for step in steps}
    rows = []
    for notice in notices:
        req = notice.request
        row = {
            "notice": notice,
            "request": req,
            "url": request_url(req.pk, whole_case=req.case_id in whole_case),
            "due_on": None,
            "since": None,
            "level": None,
            "level_label": "",
            "contact": None,
        }
        if key := parsed[notice.pk]:
            _request_id, due_on, level = key
            contact = contacts.get((req.organisation_id, level))
            row.update(
                due_on=due_on,
                since=overdue_from(due_on),
                level=level,
                level_label=EscalationStep.Level(level).label,
                contact=contact if contact is not None and contact.active else None,
            )
        rows.append(row)
    return rows


@login_required
def notification_list(request):
    notices = (
        notifications_for(request.user)
        .select_related("request__organisation", "request__case__household")
        .order_by("-created_at", "-id")
    )
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = _rows(request.user, list(page.object_list))
    unread = unread_count(request.user)
    return render(
        request,
        "journeys/notifications.html",
        {"page": page, "rows": rows, "unread": unread},
    )


@login_required
@require_POST
def mark_all_read(request):
    marked = Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if marked:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("journeys:notifications")
