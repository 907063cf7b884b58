"""The doorbraaktafel's section of the start page (``web.extensions``, registered in
``MeetingsConfig.ready``): the planned breakthrough tables the user may see
(``visible_meetings``), soonest first, with how many cases are on each agenda. Titles,
dates and counts only (no household), so no access-log row; bounded and a constant
number of queries."""

from django.db.models import Count
from django.utils import timezone

from .selectors import visible_meetings

START_SIZE = 5


def meetings_section(request) -> dict | None:
    user = request.user
    if not user.has_perm("meetings.view_meeting"):
        return None
    planned = visible_meetings(user).filter(starts_at__gte=timezone.now())
    return {
        "template": "meetings/_start_meetings.html",
        "meetings": list(
            planned.annotate(cases_count=Count("agenda")).order_by("starts_at", "id")[:START_SIZE]
        ),
        "total": planned.count(),
    }
