"""The catalogue of what is logged: one named helper per kind of event, so that what
Maatwerk writes to the access log can be read in one file (docs/audit.md points here).

Every helper writes one row through ``services.log_access``, inside the caller's
transaction. Rows that are written directly with ``log_access`` are the one-off events
of a single place (a login, an export, an admin change); they name their action and
processing activity where they are written.

The helpers take the objects duck-typed (``case.household.pseudonym``,
``spend.reference``): audit is the bottom layer and imports no app above it.
"""

from .models import Action, ProcessingActivity
from .services import log_access, log_access_many


def case_read(request, case, *, detail: str = "") -> None:
    """A page that shows this case's data was read (every app whose pages show case
    data: cases, journeys, meetings, budgets). ``detail`` names the page."""
    log_access(
        action=Action.READ,
        processing_activity=ProcessingActivity.CASE_WORK,
        request=request,
        obj=case,
        household=case.household.pseudonym,
        detail=detail,
    )


def case_reads(request, cases, *, detail: str = "") -> None:
    """``case_read`` of several cases shown on one page (the doorbraaktafel's agenda):
    one row per case, appended together (``log_access_many``)."""
    log_access_many(
        [
            {
                "action": Action.READ,
                "processing_activity": ProcessingActivity.CASE_WORK,
                "request": request,
                "obj": case,
                "household": case.household.pseudonym,
                "detail": detail,
            }
            for case in cases
        ]
    )


def case_work(request, *, user, action, obj, household: str = "", detail: str = "") -> None:
    """A change in the work on a case outside the case itself (the doorbraaktafel: a
    meeting planned, an attendee added, a case put on the agenda, a decision)."""
    log_access(
        action=action,
        processing_activity=ProcessingActivity.CASE_WORK,
        request=request,
        actor=user,
        obj=obj,
        household=household,
        detail=detail,
    )


def budget_event(request, *, user, action, obj, household: str = "", detail: str = "") -> None:
    """A change in the maatwerkbudget: a budget set or changed, a spend booked, asked
    for approval, approved or refused, reversed, settled, a balance overridden."""
    log_access(
        action=action,
        processing_activity=ProcessingActivity.BUDGET,
        request=request,
        actor=user,
        obj=obj,
        household=household,
        detail=detail,
    )


def spends_listed(request, *, name: str, spends) -> None:
    """A page that lists spends (amounts and descriptions of spends for households) was
    read; the row names the spends it showed."""
    log_access(
        action=Action.READ,
        processing_activity=ProcessingActivity.BUDGET,
        request=request,
        object_type="budgets.spend",
        detail=f"{name}: " + ", ".join(spend.reference for spend in spends)[:480],
    )


def notifications_listed(request, *, notifications) -> None:
    """The user's notifications were read (the centre, or a start page showing the
    unread ones): they show, per notice, the household's pseudonym, a reference, an
    organisation and dates. One row for the page, as for any list of case data; it
    names what the page showed (``HH-1234 R2``), the notices duck-typed
    (``notice.facts``: ``household``, ``reference``). A page without notices shows no
    case data and writes no row."""
    if not notifications:
        return
    shown = ", ".join(
        f"{notice.facts.get('household', '')} {notice.facts.get('reference', '')}".strip()
        for notice in notifications
    )
    log_access(
        action=Action.READ,
        processing_activity=ProcessingActivity.CASE_WORK,
        request=request,
        object_type="notices.notice",
        detail=f"notifications: {shown}"[:500],
    )


def start_page_listed(request, *, name: str, shown: list[str]) -> None:
    """A section of the start page that shows case data (pseudonyms, references, due
    dates, why a case needs attention) was read: one row per section, naming what it
    showed (``HH-1234 R2``), as for any list of case data. A section that shows no
    case data writes no row."""
    if not shown:
        return
    log_access(
        action=Action.READ,
        processing_activity=ProcessingActivity.CASE_WORK,
        request=request,
        object_type="cases.case",
        detail=f"start page, {name}: " + ", ".join(shown)[:450],
    )
