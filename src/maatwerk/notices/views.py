"""The notification centre: the user's notices (paged, newest first), read and
unread, "mark all as read", and the user's preferences."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maatwerk.audit import events
from maatwerk.web.forms import add_service_errors

from . import kinds, selectors, services
from .forms import PreferencesForm

PAGE_SIZE = 25


@login_required
def notice_list(request):
    notices = selectors.notices_for(request.user)
    unread = request.GET.get("unread") == "1"
    if unread:
        notices = notices.filter(read_at__isnull=True)
    with transaction.atomic():
        page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = list(page.object_list)
        rows = selectors.rows(page.object_list)
        events.notifications_listed(request, notifications=page.object_list)
    return render(
        request,
        "notices/list.html",
        {
            "page": page,
            "rows": rows,
            "unread": selectors.unread_count(request.user),
            "only_unread": unread,
            "query": "unread=1" if unread else "",
        },
    )


@login_required
@require_POST
def mark_read(request, pk):
    """Mark one notice as read; with ``open``, go on to what it is about (only when
    the user may still see it: otherwise back to the list)."""
    services.mark_read(user=request.user, notice_id=pk)
    if request.POST.get("open"):
        notice = selectors.notices_for(request.user).filter(pk=pk).first()
        if notice is not None:
            return redirect(selectors.target_url(notice))
    back = request.POST.get("next", "")
    # Only a path of this site; never a view name (redirect() would reverse "x" and
    # fail) or another host (found by the fuzz).
    if back.startswith("/") and url_has_allowed_host_and_scheme(back, {request.get_host()}):
        return HttpResponseRedirect(back)
    return redirect("notices:list")


@login_required
@require_POST
def mark_all_read(request):
    marked = services.mark_all_read(user=request.user)
    if marked:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notices:list")


@login_required
def preferences(request):
    current = selectors.preferences_of(request.user)
    form = PreferencesForm(
        request.POST or None,
        current=current,
        offered=kinds.for_user(request.user),
        initial={"team_cases": selectors.wants_team_cases(request.user)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.preferences_save(
                user=request.user,
                choices=form.choices(),
                team_cases=form.wants_team_cases(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your notification preferences are saved."))
            return redirect("notices:preferences")
    return render(request, "notices/preferences.html", {"form": form})
