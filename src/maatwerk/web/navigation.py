"""The main navigation and the start-page sections, per permission and role."""

from dataclasses import dataclass

from django.urls import reverse
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
    NavItem(_("Budget"), "budgets:overview", "budgets.view_budget"),
    NavItem(_("Breakthrough tables"), "meetings:meeting_list", "meetings.view_meeting"),
    NavItem(_("Learning points"), "learning:point_list", "learning.view_learningpoint"),
    NavItem(_("Precedents"), "learning:precedent_search", "learning.view_precedent"),
    NavItem(_("Patterns"), "learning:patterns", "learning.view_patterns"),
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


# What each role's start page will show as the product grows. Presentation only:
# access is decided by permissions, never by these codes.
START_SECTIONS = {
    "professional": [
        _("Your cases and your team's cases, with what needs attention today."),
        _("Requests to organisations that are waiting, overdue or refused."),
        _("The Maatwerkregister: who to call at each organisation."),
    ],
    "decision_maker": [
        _("The requests addressed to your organisation, with only what was shared."),
        _("Deciding: approve, refuse with a reason, ask for information, add a condition."),
    ],
    "coordinator": [
        _("Escalated cases and the breakthrough tables you run."),
        _("Bottlenecks and learning points, and how organisations followed them up."),
        _("The Maatwerkregister with contacts and escalation routes."),
    ],
    "budget_holder": [
        _("Your team's maatwerk budget: spent, committed and remaining."),
        _("Spends above the threshold that wait for your approval."),
    ],
    "analyst": [
        _("Aggregated, disclosure-controlled figures and the annual report."),
        _("Published precedents: how similar situations were solved before."),
    ],
    "privacy_officer": [
        _("The access log: who read or changed what, and when."),
        _("Emergency accesses to cases (break-the-glass) to review."),
        _("Data-subject requests and retention."),
    ],
    "admin": [
        _("Users, teams and roles."),
        _("The Maatwerkregister and the reference lists."),
    ],
}
