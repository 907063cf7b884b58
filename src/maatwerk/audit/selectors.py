from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from .models import AccessLogEntry


def log_search(
    *, user: str = "", household: str = "", date_from=None, date_to=None, action: str = ""
) -> QuerySet[AccessLogEntry]:
    entries = AccessLogEntry.objects.all()
    if user:
        entries = entries.filter(actor_username__iexact=user)
    if household:
        entries = entries.filter(household__iexact=household)
    tz = timezone.get_current_timezone()
    # The form keeps dates within 1900..2100 (core.forms); within a day of the ends of
    # the calendar no time zone can be applied, and no filter is needed either.
    if date_from and date_from > date.min + timedelta(days=1):
        entries = entries.filter(occurred_at__gte=datetime.combine(date_from, time.min, tz))
    if date_to and date_to < date.max - timedelta(days=1):
        end = datetime.combine(date_to + timedelta(days=1), time.min, tz)
        entries = entries.filter(occurred_at__lt=end)
    if action:
        entries = entries.filter(action=action)
    return entries.order_by("-id")
