"""The due jobs, and one run of them.

``run_due_jobs`` is what ``maatwerk scheduler`` runs every few minutes and what
``maatwerk run-jobs`` runs once (for cron). ``DUE_JOBS`` is the explicit list of every
app's jobs, in the order they run; each job is a function taking ``today`` that returns
its counts (a dict of name → number), is safe to repeat, and safe to run in two
processes at once (each keeps its "once" in the database; see the job's module).

A new app adds its job here, not in another app's jobs: the domain apps do not know
each other's jobs (the layer contract, docs/architecture.md).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

from django.db import close_old_connections, connections
from django.utils import timezone

from maatwerk.audit.checkpoints import Refusal, write_checkpoint
from maatwerk.budgets import jobs as budget_jobs
from maatwerk.cases import attention
from maatwerk.cases import jobs as case_jobs
from maatwerk.early_signals import jobs as signal_jobs
from maatwerk.journeys import jobs as journey_jobs
from maatwerk.learning import jobs as learning_jobs
from maatwerk.meetings import jobs as meeting_jobs
from maatwerk.notices import jobs as notice_jobs

logger = logging.getLogger(__name__)


def _overdue(today: date) -> dict:
    return {
        "marked_overdue": journey_jobs.mark_overdue(today=today),
        "no_longer_overdue": journey_jobs.clear_overdue(),
    }


def _attention(today: date) -> dict:
    """The stored "needs attention" of the cases whose reasons start when a date passes
    (a due date, a refusal's follow-up, 14 days of intake): idempotent, a second run
    finds nothing to refresh (cases.attention)."""
    return attention.refresh_timed_attention(today)


def _overdue_notices(today: date) -> dict:
    return journey_jobs.notify_overdue()


def _approval_notices(today: date) -> dict:
    return budget_jobs.notify_awaiting_approval(today=today)


def _emergency_access_notices(today: date) -> dict:
    return case_jobs.notify_emergency_accesses(today=today)


def _learning_point_reminders(today: date) -> dict:
    return learning_jobs.remind_unanswered(today=today)


def _learning_follow_up_round(today: date) -> dict:
    return learning_jobs.yearly_follow_up(today=today)


def _signal_escalations(today: date) -> dict:
    return signal_jobs.escalate_overdue(today=today)


def _signal_retention(today: date) -> dict:
    return signal_jobs.delete_expired(today=today)


def _notice_mails(today: date) -> dict:
    return notice_jobs.mail_notices()


def _notice_digests(today: date) -> dict:
    return notice_jobs.send_digests(today=today)


def _meeting_invitations(today: date) -> dict:
    return meeting_jobs.send_invitations(today=today)


def _audit_checkpoint(today: date) -> dict:
    """The access log's signed head (docs/audit.md); last, so it covers the rows the
    other jobs wrote. Nothing new since the last one: no checkpoint."""
    result = write_checkpoint()
    return {
        "audit_checkpoints": int(result is not None and not isinstance(result, Refusal)),
        "audit_checkpoint_refused": int(isinstance(result, Refusal)),
    }


# (name, job): the order is the order of a run.
DUE_JOBS: list[tuple[str, Callable[[date], dict]]] = [
    ("overdue requests", _overdue),
    ("needs attention", _attention),
    ("overdue notices", _overdue_notices),
    ("approval notices", _approval_notices),
    ("emergency access notices", _emergency_access_notices),
    ("learning point reminders", _learning_point_reminders),
    ("learning point follow-up round", _learning_follow_up_round),
    ("overdue early signals to the team lead", _signal_escalations),
    ("retention of early signals", _signal_retention),
    ("notifications by e-mail", _notice_mails),
    ("daily digest of notifications", _notice_digests),
    ("meeting invitations", _meeting_invitations),
    ("access-log checkpoint", _audit_checkpoint),
]


def run_due_jobs(*, today: date | None = None) -> dict:
    """One run of every due job; safe to repeat and to run in two processes at once."""
    today = today or timezone.localdate()
    counts: dict = {}
    for _name, job in DUE_JOBS:
        counts.update(job(today))
    return counts


def format_counts(counts: dict) -> str:
    return ", ".join(f"{name}={value}" for name, value in counts.items())


def refresh_connections() -> None:
    """Close database connections that are broken or past DATABASE_CONN_MAX_AGE, as
    Django does around each web request; a long-running process must do it itself.
    Not inside a transaction (a test's), which that would end."""
    if not any(c.in_atomic_block for c in connections.all(initialized_only=True)):
        close_old_connections()


def run_scheduled() -> dict | None:
    """``run_due_jobs`` as the scheduler runs it: fresh database connections around
    it, and a failure logged (the next interval tries again) instead of raised."""
    refresh_connections()
    try:
        counts = run_due_jobs()
    except Exception:
        logger.exception("The due jobs failed; the next run tries again")
        return None
    finally:
        refresh_connections()
    logger.info("Due jobs ran: %s", format_counts(counts))
    return counts
