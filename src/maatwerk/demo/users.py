"""Demo users: two teams in two municipalities and one user per role.

Idempotent: running it again resets the demo users' passwords and roles but creates
nothing twice. Every demo user's password is settings.DEMO_PASSWORD.
"""

import base64
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice

from maatwerk.accounts.models import Team, User
from maatwerk.accounts.twofactor import two_factor_required
from maatwerk.register.models import Organisation

TEAMS = [
    ("Wijkteam Zaandam-Oost", "Gemeente Zaanstad"),
    ("Buurtteam Overvecht", "Gemeente Utrecht"),
]

# username, first name, last name, organisation, team index (or None), role codes
USERS = [
    ("professional", "Priya", "Professional", "Gemeente Zaanstad", 0, ["professional"]),
    ("professional2", "Pieter", "Professional", "Gemeente Utrecht", 1, ["professional"]),
    ("decision_maker", "Dewi", "Beslisser", "UWV", None, ["decision_maker"]),
    ("coordinator", "Coen", "Regievoerder", "Landelijk Maatwerkloket", None, ["coordinator"]),
    # The second pair of eyes: a precedent is published by a coordinator who did not
    # write it (docs/learning.md).
    ("coordinator2", "Cato", "Regievoerder", "Landelijk Maatwerkloket", None, ["coordinator"]),
    ("budget_holder", "Bea", "Budgethouder", "Gemeente Zaanstad", 0, ["budget_holder"]),
    ("budget_holder2", "Bram", "Budgethouder", "Gemeente Utrecht", 1, ["budget_holder"]),
    ("analyst", "Ali", "Analist", "Landelijk Maatwerkloket", None, ["analyst"]),
    (
        "privacy_officer",
        "Femke",
        "Gegevensbescherming",
        "Gemeente Zaanstad",
        None,
        ["privacy_officer"],
    ),
    ("admin", "Anton", "Beheerder", "Gemeente Zaanstad", None, ["admin"]),
]


@dataclass
class DemoLogin:
    username: str
    roles: list[str]
    totp_secret: str | None


def totp_secret(device: TOTPDevice) -> str:
    """The base32 secret an authenticator app (or oathtool) takes."""
    return base64.b32encode(device.bin_key).decode()


def create_demo_users() -> list[DemoLogin]:
    teams = []
    for name, organisation_name in TEAMS:
        organisation = Organisation.objects.get(name=organisation_name)
        team, _ = Team.objects.get_or_create(name=name, organisation=organisation)
        teams.append(team)
    logins = []
    for username, first, last, organisation_name, team_index, role_codes in USERS:
        user, _ = User.objects.get_or_create(username=username)
        user.first_name, user.last_name = first, last
        user.email = f"{username}@demo.example.org"
        user.organisation = Organisation.objects.get(name=organisation_name)
        user.is_active = True
        user.set_password(settings.DEMO_PASSWORD)
        user.save()
        user.groups.set(Group.objects.filter(role__code__in=role_codes))
        user.teams.set([teams[team_index]] if team_index is not None else [])
        secret = None
        if two_factor_required(user):
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if device is None:
                device = TOTPDevice.objects.create(user=user, name="Demo", confirmed=True)
            secret = totp_secret(device)
        logins.append(DemoLogin(username, role_codes, secret))
    return logins
