"""Load all demo data, in the order the parts need (see the package's docstring)."""

from django.db import transaction

from maatwerk.accounts.roles import sync_roles
from maatwerk.register.seed import seed_register

from .budgets import create_demo_budgets
from .cases import create_demo_cases
from .emergency import create_demo_emergency_access
from .journeys import create_demo_journeys
from .meetings import create_demo_meetings
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
    return logins
