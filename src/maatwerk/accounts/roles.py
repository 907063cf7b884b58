"""The roles of Maatwerk and the permissions each one grants.

Roles are Django groups with a :class:`~maatwerk.accounts.models.Role` record that
holds the code and the Dutch and English descriptions. Code never asks "is this user
a coordinator?": it asks for a permission, and this table says which roles have it.
``sync_roles`` runs after every ``migrate``; it creates missing roles and grants the
permissions listed here, and never removes what an administrator added by hand.
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from .models import Role

REGISTER_VIEW = [
    "register.view_organisation",
    "register.view_contact",
    "register.view_escalationstep",
    "register.view_lifedomain",
    "register.view_legalground",
    "register.view_referencecost",
    "register.view_regulation",
]
REGISTER_MANAGE = [
    f"register.{action}_{model}"
    for model in (
        "organisation",
        "contact",
        "escalationstep",
        "lifedomain",
        "legalground",
        "referencecost",
        "regulation",
    )
    for action in ("add", "change", "delete")
]

MEETINGS = ["meetings.view_meeting", "meetings.add_meeting", "meetings.change_meeting"]
# System learning (docs/learning.md): the professional and the coordinator analyse a
# case together; the coordinator follows every learning point up.
LEARNING = [
    "learning.view_bottleneck",
    "learning.add_bottleneck",
    "learning.view_learningpoint",
    "learning.add_learningpoint",
    "learning.view_precedent",
    # Link a published precedent to a case one works on ("solved like this before").
    "learning.add_precedentlink",
]

# The system learning report (docs/report-page.md). ``reports.lower_threshold`` is
# granted to no role: functional management gives it to a user by hand.
REPORTS = ["reports.view_report", "reports.view_all_teams"]
# Early signals (docs/early-signals.md): the professional follows the bundles of their
# team up; the coordinator takes signals in, assigns and keeps the trays and rules; the
# team lead (budget holder) assigns and receives the escalation of overdue bundles.
EARLY_SIGNALS_WORK = ["early_signals.view_bundle", "early_signals.view_rule"]
EARLY_SIGNALS_COORDINATE = [
    *EARLY_SIGNALS_WORK,
    "early_signals.intake_signal",
    "early_signals.assign_bundle",
    "early_signals.manage_trays",
]
EARLY_SIGNALS_LEAD = [
    *EARLY_SIGNALS_WORK,
    "early_signals.assign_bundle",
    "early_signals.lead_signals",
]


@dataclass(frozen=True)
class RoleDefinition:
    code: str
    name_nl: str
    name_en: str
    description_nl: str
    description_en: str
    permissions: list[str] = field(default_factory=list)
    requires_two_factor: bool = False


ROLES: list[RoleDefinition] = [
    RoleDefinition(
        "professional",
        "Professional (casusregisseur)",
        "Professional (case manager)",
        "Kent het huishouden. Opent de casus, legt het perspectief van het huishouden vast, "
        "schrijft het maatwerkplan, stuurt verzoeken aan organisaties en volgt ze op.",
        "Knows the household. Opens the case, records the household's perspective, writes "
        "the plan, sends requests to organisations and follows them up.",
        [
            *REGISTER_VIEW,
            "cases.view_case",
            "cases.add_case",
            "cases.change_case",
            "journeys.view_request",
            "journeys.add_request",
            "journeys.add_journeyevent",
            *MEETINGS,
            *LEARNING,
            "budgets.view_budget",
            "budgets.add_spend",
            *EARLY_SIGNALS_WORK,
        ],
    ),
    RoleDefinition(
        "decision_maker",
        "Maatwerkfunctionaris (beslisser)",
        "Decision maker",
        "Werkt bij een organisatie uit het Maatwerkregister. Ziet alleen de verzoeken aan de "
        "eigen organisatie en wat het huishouden heeft laten delen, en beslist erover.",
        "Works at an organisation in the register. Sees only the requests addressed to "
        "their organisation and what the household agreed to share, and decides on them.",
        # meetings.view_meeting: the breakthrough tables they are invited to (only
        # those: meetings.selectors.visible_meetings), their agenda only by pseudonym.
        [
            *REGISTER_VIEW,
            "journeys.view_request",
            "journeys.decide_request",
            "learning.view_learningpoint",
            "learning.answer_learningpoint",
            "learning.view_precedent",
            "meetings.view_meeting",
        ],
    ),
    RoleDefinition(
        "coordinator",
        "Regievoerder",
        "Coordinator",
        "Ontvangt geëscaleerde casussen, leidt de doorbraaktafel en analyseert casussen op "
        "knelpunten en leerpunten.",
        "Receives escalated cases, runs the breakthrough table and analyses cases for "
        "bottlenecks and learning points.",
        [
            *REGISTER_VIEW,
            *MEETINGS,
            *LEARNING,
            "learning.follow_up_learningpoint",
            "learning.view_all_learningpoints",
            "learning.view_patterns",
            "learning.add_precedent",
            "learning.publish_precedent",
            # The report page (docs/report-page.md): aggregated, disclosure-controlled
            # figures over all teams, as with every team's budget figures.
            *REPORTS,
            "cases.view_case",
            "cases.view_escalated_case",
            "cases.break_glass",
            "journeys.view_request",
            "budgets.view_budget",
            "budgets.view_all_budgets",
            "budgets.settle_spend",
            # maatwerk-case/1 import and export for their own teams (docs/exchange.md).
            "reports.exchange_cases",
            *EARLY_SIGNALS_COORDINATE,
        ],
    ),
    RoleDefinition(
        "budget_holder",
        "Budgethouder",
        "Budget holder",
        "Beheert het maatwerkbudget van een team en keurt uitgaven boven de drempel mee goed.",
        "Manages a team's maatwerk budget and co-approves spends above the threshold.",
        [
            *REGISTER_VIEW,
            "budgets.view_budget",
            "budgets.add_budget",
            "budgets.change_budget",
            "budgets.approve_spend",
            "budgets.override_balance",
            "budgets.reverse_spend",
            "budgets.settle_spend",
            *EARLY_SIGNALS_LEAD,
        ],
    ),
    RoleDefinition(
        "analyst",
        "Beleidsmedewerker (systeemlerer)",
        "Analyst",
        "Ziet alleen samengevoegde cijfers met onthullingsbeveiliging en gepubliceerde "
        "voorbeelden, nooit een casusdossier.",
        "Sees aggregated, disclosure-controlled figures and published precedents only, "
        "never a case file.",
        [*REGISTER_VIEW, "learning.view_patterns", "learning.view_precedent", *REPORTS],
    ),
    RoleDefinition(
        "privacy_officer",
        "Functionaris gegevensbescherming",
        "Privacy officer",
        "Leest het toegangslogboek en behandelt verzoeken van betrokkenen en bewaartermijnen.",
        "Reads the access log and handles data-subject requests and retention.",
        ["audit.view_accesslogentry", "cases.review_emergencyaccess"],
        requires_two_factor=True,
    ),
    RoleDefinition(
        "admin",
        "Functioneel beheerder",
        "Administrator",
        "Beheert gebruikers, teams, het Maatwerkregister en de referentielijsten.",
        "Manages users, teams, the register and the reference lists.",
        [
            *REGISTER_VIEW,
            *REGISTER_MANAGE,
            "accounts.use_admin_site",
            # The creditors that send early signals: reference data, no signal.
            "early_signals.view_creditor",
            "early_signals.add_creditor",
            "early_signals.change_creditor",
            # No case content: a case only through an emergency access (break-the-glass,
            # read-only, logged, reviewed); view_case and view_request are the pages.
            "cases.view_case",
            "cases.break_glass",
            "journeys.view_request",
            "journeys.view_counterargument",
            "journeys.add_counterargument",
            "journeys.change_counterargument",
            "accounts.view_user",
            "accounts.add_user",
            "accounts.change_user",
            "accounts.view_team",
            "accounts.add_team",
            "accounts.change_team",
            "accounts.view_role",
            "accounts.change_role",
            "auth.view_group",
            # The API's system clients and their tokens (docs/api.md, "Tokens").
            "api.view_systemclient",
            "api.add_systemclient",
            "api.change_systemclient",
            "api.view_apitoken",
            "api.add_apitoken",
            "api.change_apitoken",
        ],
        requires_two_factor=True,
    ),
]
ROLE_CODES = [role.code for role in ROLES]


def sync_roles(using: str = "default") -> None:
    """Create the roles and grant their permissions (idempotent, additive)."""
    with transaction.atomic(using=using):
        for order, definition in enumerate(ROLES):
            role = Role.objects.using(using).filter(code=definition.code).first()
            if role is None:
                group, _ = Group.objects.using(using).get_or_create(name=definition.code)
                role = Role.objects.using(using).create(
                    code=definition.code,
                    group=group,
                    name_nl=definition.name_nl,
                    name_en=definition.name_en,
                    description_nl=definition.description_nl,
                    description_en=definition.description_en,
                    requires_two_factor=definition.requires_two_factor,
                    order=order,
                )
            wanted = []
            for dotted in definition.permissions:
                app_label, codename = dotted.split(".")
                permission = (
                    Permission.objects.using(using)
                    .filter(content_type__app_label=app_label, codename=codename)
                    .first()
                )
                if permission is not None:  # absent while its app is still migrating
                    wanted.append(permission)
            role.group.permissions.add(*wanted)


def users_with_permission(dotted: str):
    """The active users for whom ``user.has_perm(dotted)`` holds: the permission
    through a role (group), given directly, or as a superuser. For jobs that must tell
    everyone who may act (decision makers, budget holders)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    app_label, codename = dotted.split(".")
    users = get_user_model().objects.filter(is_active=True)
    permission = Permission.objects.filter(
        content_type__app_label=app_label, codename=codename
    ).first()
    if permission is None:
        return users.filter(is_superuser=True)
    return users.filter(
        Q(groups__permissions=permission) | Q(user_permissions=permission) | Q(is_superuser=True)
    ).distinct()
