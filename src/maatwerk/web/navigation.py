"""The main navigation and the start-page sections, per permission and role."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str | None


NAV_ITEMS = [
    NavItem(_("Start"), "web:home", None),
    NavItem(_("Cases"), "cases:case_list", "cases.view_case"),
    NavItem(_("Work queue"), "journeys:queue", "journeys.add_journeyevent"),
    NavItem(_("Inbox"), "journeys:inbox", "journeys.decide_request"),
    NavItem(_("Early signals"), "early_signals:queue", "early_signals.view_bundle"),
    NavItem(_("Budget"), "budgets:overview", "budgets.view_budget"),
    NavItem(_("Breakthrough tables"), "meetings:meeting_list", "meetings.view_meeting"),
    NavItem(_("Learning points"), "learning:point_list", "learning.view_learningpoint"),
    NavItem(_("Precedents"), "learning:precedent_search", "learning.view_precedent"),
    NavItem(_("Patterns"), "learning:patterns", "learning.view_patterns"),
    NavItem(_("Report"), "reports:report", "reports.view_report"),
    NavItem(_("Maatwerkregister"), "register:organisation_list", "register.view_organisation"),
    NavItem(_("Emergency access"), "cases:emergency_access", "cases.break_glass"),
    NavItem(_("Access log"), "audit:log_search", "audit.view_accesslogentry"),
    NavItem(_("Functional management"), "admin:index", "accounts.use_admin_site"),
]


def nav_for(user, current_path: str) -> list[dict]:
    items = []
    for item in NAV_ITEMS:
        if item.permission and not user.has_perm(item.permission):
            continue
        url = reverse(item.url_name)
        active = current_path == url if url == "/" else current_path.startswith(url)
        items.append({"label": item.label, "url": url, "active": active})
    return items


# What each role can go and do from the start page, under the sections of today's work
# that the apps register (web.extensions). Presentation only: a link shows only with
# its permission, and access is decided by permissions, never by these codes.
START_LINKS = {
    "professional": [
        NavItem(_("Open a case"), "cases:case_create", "cases.add_case"),
        NavItem(_("Find a case"), "cases:case_list", "cases.view_case"),
        NavItem(_("Work queue"), "journeys:queue", "journeys.add_journeyevent"),
        NavItem(
            _("Search the Maatwerkregister"),
            "register:organisation_list",
            "register.view_organisation",
        ),
    ],
    "decision_maker": [
        NavItem(_("Inbox"), "journeys:inbox", "journeys.decide_request"),
        NavItem(
            _("Search the Maatwerkregister"),
            "register:organisation_list",
            "register.view_organisation",
        ),
    ],
    "coordinator": [
        NavItem(_("Escalated cases"), "cases:case_list", "cases.view_escalated_case"),
        NavItem(_("Breakthrough tables"), "meetings:meeting_list", "meetings.view_meeting"),
        NavItem(_("Budgets of all teams"), "budgets:overview", "budgets.view_all_budgets"),
        NavItem(_("System learning report"), "reports:report", "reports.view_report"),
        NavItem(
            _("Import and export cases (maatwerk-case/1)"),
            "reports:exchange",
            "reports.exchange_cases",
        ),
        NavItem(_("Emergency access"), "cases:emergency_access", "cases.break_glass"),
        NavItem(
            _("Search the Maatwerkregister"),
            "register:organisation_list",
            "register.view_organisation",
        ),
    ],
    "budget_holder": [
        NavItem(_("Budget overview"), "budgets:overview", "budgets.view_budget"),
        NavItem(_("Spends waiting for approval"), "budgets:approvals", "budgets.approve_spend"),
        NavItem(_("Open receivables"), "budgets:receivables", "budgets.settle_spend"),
    ],
    "analyst": [
        NavItem(_("System learning report"), "reports:report", "reports.view_report"),
        NavItem(_("Precedents"), "learning:precedent_search", "learning.view_precedent"),
        NavItem(
            _("Patterns in the learning points"), "learning:patterns", "learning.view_patterns"
        ),
        NavItem(
            _("Search the Maatwerkregister"),
            "register:organisation_list",
            "register.view_organisation",
        ),
        NavItem(_("Search the precedents"), "learning:precedent_search", "learning.view_precedent"),
    ],
    "privacy_officer": [
        NavItem(_("Search the access log"), "audit:log_search", "audit.view_accesslogentry"),
    ],
    "admin": [
        NavItem(_("Users"), "admin:accounts_user_changelist", "accounts.view_user"),
        NavItem(_("Teams"), "admin:accounts_team_changelist", "accounts.view_team"),
        NavItem(_("Roles"), "admin:accounts_role_changelist", "accounts.view_role"),
        NavItem(
            _("Organisations in the register"),
            "admin:register_organisation_changelist",
            "register.change_organisation",
        ),
        NavItem(
            _("Counter-arguments"),
            "admin:journeys_counterargument_changelist",
            "journeys.view_counterargument",
        ),
        NavItem(_("Functional management"), "admin:index", "accounts.use_admin_site"),
    ],
}

# What a role's start page says it cannot show yet (still to be built), so that nobody
# looks for it in vain.
NOT_YET = {
    "privacy_officer": [_("Data-subject requests and retention are still to come.")],
}


def start_links(user, role_code: str) -> list[dict]:
    links = []
    for item in START_LINKS.get(role_code, []):
        if item.permission and not user.has_perm(item.permission):
            continue
        try:
            links.append({"label": item.label, "url": reverse(item.url_name)})
        except NoReverseMatch:  # a model not registered in functional management
            continue
    return links
