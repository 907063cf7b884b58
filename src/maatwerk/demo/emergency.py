"""Demo break-the-glass (maatwerk demo): last night the coordinator opened one case of
Wijkteam Zaandam-Oost in an emergency, so that the privacy officer's start page has an
emergency access to review.

The access lies in the past (yesterday evening, for ``MAATWERK_BREAK_GLASS_MINUTES``),
so it gives nobody access now: the demo users keep exactly the access of their roles.
That is why it is written here with the model and its access-log row, as
``cases.services.emergency_access_open`` writes them, and not through that service,
which always starts an access now. Idempotent: at most one demo emergency access."""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from maatwerk.accounts.models import User
from maatwerk.audit.models import Action, ProcessingActivity
from maatwerk.audit.services import log_access
from maatwerk.cases.models import Case, EmergencyAccess

REASON = (
    "De woningcorporatie belde buiten kantoortijd: vanochtend stond de ontruiming "
    "gepland en de casusregisseur was ziek. Ik moest zien of er al een betalingsafspraak "
    "was."
)


def create_demo_emergency_access() -> int:
    coordinator = User.objects.filter(username="coordinator").first()
    case = (
        Case.objects.filter(plans__title="Eerst inkomen, dan de inschrijving")
        .select_related("household")
        .first()
    )
    if coordinator is None or case is None:
        return 0
    if EmergencyAccess.objects.filter(user=coordinator, case=case).exists():
        return 0
    yesterday = timezone.localdate() - timedelta(days=1)
    started = timezone.make_aware(datetime.combine(yesterday, time(22, 10)))
    with transaction.atomic():
        access = EmergencyAccess.objects.create(
            user=coordinator,
            case=case,
            reason=REASON,
            started_at=started,
            expires_at=started + timedelta(minutes=settings.BREAK_GLASS_MINUTES),
        )
        log_access(
            action=Action.EMERGENCY_ACCESS,
            processing_activity=ProcessingActivity.CASE_WORK,
            actor=coordinator,
            obj=case,
            household=case.household.pseudonym,
            detail=f"emergency access {access.pk} until "
            f"{timezone.localtime(access.expires_at):%Y-%m-%d %H:%M} (demo)",
        )
    return 1
