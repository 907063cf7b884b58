"""``maatwerk scheduler``: runs the due jobs (maatwerk.journeys.jobs) at the start and
then every MAATWERK_SCHEDULER_INTERVAL_SECONDS, until SIGINT or SIGTERM.

One run at a time (``max_instances=1``); runs missed while a run took long or the
machine slept are folded into one (``coalesce``). A second scheduler on another
machine is safe: every notice is sent once (see docs/scheduler.md).
"""

import logging
import signal
import threading
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils import timezone

from maatwerk.journeys.jobs import run_scheduled

logger = logging.getLogger("maatwerk.journeys.scheduler")
JOB_ID = "due-jobs"
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
        name="Maatwerk due jobs (overdue requests, escalation notices)",
        next_run_time=timezone.now(),  # once at the start, then every interval
        max_instances=1,
        coalesce=True,
        replace_existing=True,
    )
    return scheduler


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
        stopping = threading.Event()

        def stop(signum, frame):
            if stopping.is_set():
                return
            stopping.set()
            logger.info("Scheduler stopping (%s)", signal.Signals(signum).name)
            scheduler.shutdown(wait=False)

        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            logger.info("Scheduler started: the due jobs run now and every %s seconds", interval)
            scheduler.start()  # blocks until stop() shuts it down
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        with _running:  # let a run that was busy finish
            pass
        connections.close_all()
        logger.info("Scheduler stopped")
