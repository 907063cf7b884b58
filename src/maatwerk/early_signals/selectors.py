"""Reads of the early signals, and their need-to-know policy (docs/access.md).

Who sees a bundle (``visible_bundles``), with ``early_signals.view_bundle``:

- the members of the bundle's team: the municipality's team(s) that handle the
  signals (the team an intake was for), while the team is active;
- the professional it is assigned to;
- the users who may work on the case it is linked to (``cases.workable_cases``: the
  case's team; never through an emergency access), so that the case's team sees the
  signals behind its case.

The person and address details of a bundle's signals (``may_see_details``) only the
bundle's team and its assigned professional see: the case's team has the case's own
identity page. Every page that shows a bundle logs it (``events``).
"""

from django.db.models import Q, QuerySet

from maatwerk.audit.access import NO_SUCH_OBJECT, NOT_VISIBLE, Refused
from maatwerk.audit.models import ProcessingActivity
from maatwerk.cases.selectors import workable_cases

from .models import Bundle, BundleStatus, Creditor, Upload

VIEW = "early_signals.view_bundle"


def _may_read(user) -> bool:
    return user.is_authenticated and user.is_active and user.has_perm(VIEW)


def _team_scope(user) -> Q:
    return Q(team__in=user.teams.filter(active=True).values("pk"))


def visible_bundles(user) -> QuerySet[Bundle]:
    """The bundles this user may see (see the module's docstring)."""
    if not _may_read(user):
        return Bundle.objects.none()
    return Bundle.objects.filter(
        _team_scope(user) | Q(assigned_to=user) | Q(case__in=workable_cases(user).values("pk"))
    )


def handled_bundles(user) -> QuerySet[Bundle]:
    """The bundles the user works on: of their teams, or assigned to them (the triage
    queue, and every change of a bundle)."""
    if not _may_read(user):
        return Bundle.objects.none()
    return Bundle.objects.filter(_team_scope(user) | Q(assigned_to=user))


def may_see_details(user, bundle: Bundle) -> bool:
    """Whether the user sees the signals' person and address details."""
    return handled_bundles(user).filter(pk=bundle.pk).exists()


def bundle_refused(pk, *, detail: str = NOT_VISIBLE) -> Refused:
    exists = Bundle.objects.filter(pk=pk).exists() if isinstance(pk, int) else False
    return Refused(
        object_type=Bundle._meta.label_lower,
        object_id=pk if pk is not None else "",
        household=f"VS-{pk}" if exists else "",
        detail=detail if exists else NO_SUCH_OBJECT,
        processing_activity=ProcessingActivity.EARLY_SIGNALS,
    )


def bundle_for(user, pk, *, for_change: bool = False) -> Bundle:
    """One bundle the user may see (``for_change``: work on), else the logged 404."""
    scope = handled_bundles(user) if for_change else visible_bundles(user)
    bundle = (
        scope.select_related("team", "tray", "assigned_to", "rule", "rule_version", "case")
        .filter(pk=pk)
        .first()
    )
    if bundle is None:
        raise bundle_refused(pk)
    return bundle


def hidden_bundle(kwarg: str):
    """For ``permission_required(..., hide=hidden_bundle("pk"))``."""

    def hide(kwargs):
        return bundle_refused(kwargs.get(kwarg))

    return hide


def triage_queue(user, *, tray=None, status=None) -> QuerySet[Bundle]:
    """The bundles to work on, most urgent first: by priority, then deadline."""
    bundles = handled_bundles(user).select_related("tray", "assigned_to", "team")
    if tray is not None:
        bundles = bundles.filter(tray=tray)
    if status:
        bundles = bundles.filter(status=status)
    else:
        bundles = bundles.exclude(status=BundleStatus.CLOSED)
    return bundles.order_by("priority", "contact_due_on", "pk")


def intake_teams(user):
    """The teams a user may take signals in for: their own active teams."""
    return user.teams.filter(active=True).order_by("name")


def active_creditors() -> QuerySet[Creditor]:
    """Reference data: every creditor that still sends signals."""
    return Creditor.objects.filter(active=True).select_related("organisation")


def visible_uploads(user) -> QuerySet[Upload]:
    """The uploads of the user's teams (no personal data: file name, counts, problems
    by row and column)."""
    if not (user.is_authenticated and user.has_perm("early_signals.intake_signal")):
        return Upload.objects.none()
    return Upload.objects.filter(
        Q(team__in=user.teams.filter(active=True).values("pk")) | Q(uploaded_by=user)
    ).select_related("creditor__organisation", "team", "uploaded_by")


def assignable(bundle: Bundle):
    """Who a bundle can be assigned to: the active members of its team who may see
    bundles and open cases (professionals)."""
    from maatwerk.accounts.roles import users_with_permission

    return (
        users_with_permission(VIEW)
        .filter(pk__in=users_with_permission("cases.add_case").values("pk"))
        .filter(teams=bundle.team)
        .order_by("last_name", "first_name", "pk")
    )


def team_leads(team):
    """Who an overdue bundle of ``team`` escalates to: its active members holding
    ``early_signals.lead_signals`` (the team lead)."""
    from maatwerk.accounts.roles import users_with_permission

    return users_with_permission("early_signals.lead_signals").filter(teams=team).order_by("pk")


def overdue_q(today):
    """The bundles whose first contact is overdue on ``today`` (the one definition)."""
    return Q(status=BundleStatus.OPEN, first_contact_on__isnull=True, contact_due_on__lt=today)


def signals_of(bundle: Bundle):
    """The signals of a bundle the caller got through ``bundle_for``."""
    return bundle.signals.select_related("creditor__organisation").order_by("signal_date", "pk")


def case_bundles(user, case):
    """The bundles linked to a case the user sees (the case page's section): only
    those the policy shows the user."""
    return list(visible_bundles(user).filter(case=case).select_related("tray").order_by("-pk")[:20])
