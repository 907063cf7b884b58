"""Reads for the report page: the teams a user may report on, how big a period is, a
user's own jobs; and the one call of the figures (``compute_report``).

The figures themselves (``services.build_report``) count in SQL and put everything
through disclosure control before they return; this module only decides *whether*
and *for which team* a user may ask.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings

from maatwerk.accounts.models import Team
from maatwerk.audit.access import NO_SUCH_OBJECT, Refused
from maatwerk.cases.models import Case

from .models import Job

# Up to this many cases in the period the page computes the report in the request;
# above it, the report is computed by the worker (a job) and the page links to it.
# PDF and XLSX are always made by the worker (docs/report-page.md).
INLINE_MAX_CASES = 20_000


def default_threshold() -> int:
    return settings.DISCLOSURE_THRESHOLD


def may_lower_threshold(user) -> bool:
    return user.has_perm("reports.lower_threshold")


def reportable_teams(user):
    """The teams ``user`` may ask a report for: every team with
    ``reports.view_all_teams``, else their own teams."""
    if user.has_perm("reports.view_all_teams"):
        return Team.objects.select_related("organisation").order_by("name")
    return user.teams.select_related("organisation").order_by("name")


def may_report_all_teams(user) -> bool:
    return user.has_perm("reports.view_all_teams")


def cases_in_period(date_from: date, date_to: date, *, team: Team | None) -> int:
    """The number of cases the report would count (one indexed COUNT)."""
    cases = Case.objects.filter(opened_on__gte=date_from, opened_on__lte=date_to)
    if team is not None:
        cases = cases.filter(team=team)
    return cases.count()


def compute_report(date_from: date, date_to: date, *, team: Team | None, min_cell: int) -> dict:
    """The report object (``maatwerk-report/1``), disclosure-controlled: the one place
    the page, the job and the downloads ask the figures for it."""
    from .services import build_report

    return build_report(date_from, date_to, team=team, min_cell=min_cell)


def report_jobs(user, *, limit: int = 10):
    """The user's own report jobs, newest first (the index job_user_newest)."""
    return list(
        Job.objects.filter(created_by=user, kind=Job.Kind.REPORT)
        .select_related("team")
        .order_by("-created_at", "-id")[:limit]
    )


def job_for(user, pk) -> Job:
    """One job of ``user`` (whoever started it may see it and download its file);
    anyone else gets a 404, logged like a refused object."""
    job = Job.objects.select_related("team").filter(pk=pk).first()
    if job is None:
        raise Refused(object_type="reports.job", object_id=pk, detail=NO_SUCH_OBJECT)
    if job.created_by_id != user.pk:
        raise Refused(object_type="reports.job", object_id=pk, detail="not the user's own job")
    return job
