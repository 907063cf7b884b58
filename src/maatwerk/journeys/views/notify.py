"""The user's notifications (made by the scheduler, maatwerk.journeys.jobs): a list,
newest first, and "mark all as read"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maatwerk.audit import events

from ..selectors import notification_rows, notifications_for, unread_count
from ..services import notifications_mark_all_read

PAGE_SIZE = 25


@login_required
def notification_list(request):
    notices = (
        notifications_for(request.user)
        .select_related("request__organisation", "request__case__household")
        .order_by("-created_at", "-id")
    )
    with transaction.atomic():
        page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = list(page.object_list)
        rows = notification_rows(request.user, page.object_list)
        events.notifications_listed(request, notifications=page.object_list)
    unread = unread_count(request.user)
    return render(
        request,
        "journeys/notifications.html",
        {"page": page, "rows": rows, "unread": unread},
    )


@login_required
@require_POST
def mark_all_read(request):
    marked = notifications_mark_all_read(user=request.user)
    if marked:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("journeys:notifications")
