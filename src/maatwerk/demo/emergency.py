"""Demo break-the-glass (maatwerk demo): functional management opened one case in an
emergency, so that the privacy officer's start page has an emergency access to review.
Through ``cases.services.emergency_access_open`` (logged like a real one; the access
runs for ``MAATWERK_BREAK_GLASS_MINUTES`` from the moment the demo is loaded).
Idempotent: at most one demo emergency access."""

from maatwerk.accounts.models import User
from maatwerk.cases.models import Case, EmergencyAccess
from maatwerk.cases.services import emergency_access_open

REASON = (
    "De woningcorporatie belde buiten kantoortijd: morgenochtend staat de ontruiming "
    "gepland en de casusregisseur is ziek. Ik moest zien of er al een betalingsafspraak is."
)


def create_demo_emergency_access() -> int:
    admin = User.objects.filter(username="admin").first()
    case = Case.objects.filter(plans__title="Eerst inkomen, dan de inschrijving").first()
    if admin is None or case is None or EmergencyAccess.objects.filter(user=admin).exists():
        return 0
    emergency_access_open(request=None, user=admin, query=case.reference, reason=REASON)
    return 1
