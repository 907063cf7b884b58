"""``maatwerk scheduler``: runs the due jobs (maatwerk.scheduler.jobs) at the start and
then every MAATWERK_SCHEDULER_INTERVAL_SECONDS, until SIGINT or SIGTERM.

One run at a time (``max_instances=1``); runs missed while a run took long or the
machine slept are folded into one (``coalesce``). A second scheduler on another
machine is safe: every notice is sent once (see docs/scheduler.md).

Stopping: SIGINT and SIGTERM are blocked in every thread and taken by one watcher
thread (``signal.sigwait``), which shuts the scheduler down; a run that is busy
finishes first. A Python signal handler could not do that safely: it runs in the
middle of whatever the main thread is doing, possibly while that holds a lock the
shutdown needs.
"""

import logging
import signal
import threading
import time
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers import SchedulerNotRunningError
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils import timezone

from maatwerk.scheduler.jobs import run_scheduled

logger = logging.getLogger("maatwerk.scheduler")
JOB_ID = "due-jobs"
STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}
# Held while a run is busy, so a stop waits for it instead of cutting it off.
_running = threading.Lock()


def run_job():
    with _running:
        return run_scheduled()


def build_scheduler(interval: int) -> BlockingScheduler:
    zone = ZoneInfo(settings.TIME_ZONE)
    scheduler = BlockingScheduler(
        executors={"default": ThreadPoolExecutor(max_workers=1)},
        job_defaults={"max_instances": 1, "coalesce": True, "misfire_grace_time": None},
        timezone=zone,
    )
    scheduler.add_job(
        run_job,
        trigger=IntervalTrigger(seconds=interval, timezone=zone),
        id=JOB_ID,
        name="Maatwerk due jobs (scheduler.jobs.DUE_JOBS)",
        next_run_time=timezone.now(),  # once at the start, then every interval
        max_instances=1,
        coalesce=True,
        replace_existing=True,
    )
    return scheduler


def _stop_on_signal(scheduler: BlockingScheduler, done: threading.Event) -> None:
    """The watcher thread: wait for SIGINT or SIGTERM, then shut the scheduler down
    (retrying while it has not started yet)."""
    signum = signal.sigwait(STOP_SIGNALS)
    if done.is_set():
        return
    logger.info("Scheduler stopping (%s)", signal.Signals(signum).name)
    while not done.is_set():
        try:
            scheduler.shutdown(wait=False)
            return
        except SchedulerNotRunningError:
            time.sleep(0.05)  # the signal came before the scheduler started


class Command(BaseCommand):
    help = (
        "Run the due jobs (overdue requests, escalation notices) at the start and then "
        "every MAATWERK_SCHEDULER_INTERVAL_SECONDS, until stopped with Ctrl+C or SIGTERM."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Run the due jobs once and stop (for tests)."
        )
        parser.add_argument(
            "--interval",
            type=int,
            default=None,
            help="Seconds between runs. Default: MAATWERK_SCHEDULER_INTERVAL_SECONDS.",
        )

    def handle(self, *args, once=False, interval=None, **options):
        interval = interval or settings.SCHEDULER_INTERVAL_SECONDS
        if interval < 1:
            raise CommandError("The interval must be at least 1 second.")
        if once:
            if run_job() is None:
                raise CommandError("The due jobs failed; see the log above.")
            return

        scheduler = build_scheduler(interval)
        done = threading.Event()
        # Blocked here, the stop signals stay blocked in every thread started from now
        # on (the job's worker too), so only the watcher's sigwait takes them.
        previous_mask = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        watcher = threading.Thread(
            target=_stop_on_signal, args=(scheduler, done), name="stop-signals", daemon=True
        )
        try:
            watcher.start()
            logger.info("Scheduler started: the due jobs run now and every %s seconds", interval)
            scheduler.start()  # blocks until the watcher shuts it down
        finally:
            done.set()
            if watcher.is_alive():  # stopped by an error, not a signal: end the watcher
                signal.pthread_kill(watcher.ident, signal.SIGTERM)
                watcher.join(5)
            signal.pthread_sigmask(signal.SIG_SETMASK, previous_mask)
        with _running:  # let a run that was busy finish
            pass
        connections.close_all()
        logger.info("Scheduler stopped")
