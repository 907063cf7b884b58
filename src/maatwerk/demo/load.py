"""Load all demo data, in the order the parts need (see the package's docstring)."""

from django.db import transaction

from maatwerk.accounts.roles import sync_roles
from maatwerk.cases.attention import refresh_attention
from maatwerk.register.seed import seed_register

from .budgets import create_demo_budgets
from .cases import create_demo_cases
from .early_signals import create_demo_early_signals
from .emergency import create_demo_emergency_access
from .journeys import create_demo_journeys
from .meetings import create_demo_meetings
from .precedents import create_demo_precedents
from .users import DemoLogin, create_demo_users

__all__ = ["DemoLogin", "create_demo_data"]


@transaction.atomic
def create_demo_data() -> list[DemoLogin]:
    sync_roles()
    seed_register()
    logins = create_demo_users()
    create_demo_cases()
    create_demo_journeys()
    create_demo_budgets()
    create_demo_meetings()
    create_demo_emergency_access()
    create_demo_precedents()
    create_demo_early_signals()
    # Some demo rows are written with their history's dates, not through the services:
    # the stored "needs attention" of every case, computed once at the end.
    refresh_attention()
    return logins
