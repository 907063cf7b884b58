"""Demo doorbraaktafel (maatwerk demo): the coordinator of the national desk plans a
breakthrough table for the case escalated to the national team ("De schuldregeling
afmaken"), next week, with the case manager and UWV's decision maker at the table,
both invited as users (in the app, and by e-mail on the scheduler's next run). Its
warnings show who is still missing. Through the services; idempotent (one demo meeting at most).
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from maatwerk.accounts.models import User
from maatwerk.cases.models import Case
from maatwerk.meetings.models import Meeting
from maatwerk.meetings.services import meeting_create
from maatwerk.register.models import Organisation

TITLE = "Doorbraaktafel: de schuldregeling afmaken"


def _decision_maker_of_uwv() -> dict:
    """The demo's decision maker of UWV as a user; by name when the demo has none."""
    uwv = Organisation.objects.filter(name="UWV").first()
    user = User.objects.filter(username="decision_maker", is_active=True).first()
    if user is not None:
        return {"user": user, "organisation": uwv}
    return {"name": "Maatwerkfunctionaris UWV", "organisation": uwv}


def create_demo_meetings() -> int:
    coordinator = User.objects.filter(username="coordinator").first()
    case = Case.objects.filter(plans__title="De schuldregeling afmaken").first()
    if coordinator is None or case is None or Meeting.objects.filter(title=TITLE).exists():
        return 0
    day = timezone.localdate() + timedelta(days=7)
    starts_at = timezone.make_aware(datetime.combine(day, time(10, 0)))
    meeting_create(
        request=None,
        user=coordinator,
        team=None,
        title=TITLE,
        starts_at=starts_at,
        location="Landelijk Maatwerkloket (online)",
        cases=[case],
        attendees=[
            {
                "user": case.owner,
                "organisation": case.team.organisation,
                "knows_household": True,
            },
            _decision_maker_of_uwv(),
        ],
    )
    return 1
