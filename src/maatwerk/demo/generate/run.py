"""``generate``: the whole run — the world first, then the cases in batches, each batch
written in one transaction (every table in order, then its access-log rows on the
chain) — and what it made."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction
from django.utils import timezone, translation

from maatwerk.accounts.roles import sync_roles
from maatwerk.cases.attention import refresh_attention
from maatwerk.cases.extensions import search_text_parts
from maatwerk.cases.models import Case, CaseAttention, CaseSearchText, Household
from maatwerk.cases.search import BATCH as SEARCH_BATCH
from maatwerk.cases.search import CONFIG as SEARCH_CONFIG
from maatwerk.cases.search import TEXT_FIELDS as SEARCH_FIELDS
from maatwerk.cases.search import WEIGHTS as SEARCH_WEIGHTS
from maatwerk.cases.search import refresh as refresh_search
from maatwerk.journeys.selectors import search_text as journeys_search_text
from maatwerk.register.seed import seed_register

from . import audit, budgets, cases, journeys, learning, meetings
from . import tables as T
from .cases import PSEUDONYM_PREFIX
from .context import Clock, Context
from .world import build_world

BATCH = 2000


class AlreadyGenerated(Exception):
    """The database holds generated data already (and ``append`` was not asked)."""


@dataclass
class Summary:
    cases: int = 0
    seconds: float = 0.0
    writer: str = ""
    indexes_rebuilt: bool = False
    rows: dict[str, int] = field(default_factory=dict)
    created: dict[str, int] = field(default_factory=dict)
    users: list[dict] = field(default_factory=list)
    # Submission to approval, over the approved requests: count, total days, within 60.
    approved: list[int] = field(default_factory=lambda: [0, 0, 0])

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    def lead_time_figures(self) -> dict:
        count, days, quick = self.approved
        if not count:
            return {"approved": 0}
        return {
            "approved": count,
            "mean_days": round(days / count, 1),
            "within_60_days": round(quick / count, 3),
        }


def generated_data_exists() -> bool:
    """Generated cases exist (their households' pseudonyms start with ``HG-``). A world
    without cases — left by a run that was stopped — is simply found again."""
    return Household.objects.filter(pseudonym__startswith=PSEUDONYM_PREFIX).exists()


def generate(
    *,
    cases_count: int,
    seed: int = 1,
    today: date | None = None,
    append: bool = False,
    use_copy: bool | None = None,
    rebuild_indexes: bool | None = None,
    batch: int = BATCH,
    progress: Callable[[int, int, float, str], None] | None = None,
) -> Summary:
    """Generate ``cases_count`` cases with everything around them (see the package's
    docstring). Refuses a database with generated data unless ``append``.

    ``use_copy``: COPY instead of bulk_create (default: on PostgreSQL).
    ``rebuild_indexes`` (COPY only): drop the indexes and constraints of the case tables
    and build them again at the end, all in one transaction (default: when the
    database holds fewer cases than will be generated); otherwise every batch of
    ``batch`` cases is a transaction of its own."""
    if not append and generated_data_exists():
        raise AlreadyGenerated(
            "This database already holds generated data; use --append to add more."
        )
    today = today or timezone.localdate()
    writer = T.writer(use_copy)
    if writer.name != "copy":
        rebuild_indexes = False
    elif rebuild_indexes is None:
        rebuild_indexes = Case.objects.count() <= cases_count
    summary = Summary(writer=writer.name, indexes_rebuilt=rebuild_indexes)
    started = time.monotonic()

    def report(done: int, phase: str = "cases") -> None:
        if progress is not None:
            progress(done, cases_count, time.monotonic() - started, phase)

    sync_roles()
    seed_register()
    before = Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with translation.override(settings.LANGUAGE_CODE):
        with transaction.atomic():
            ids = T.Ids()
            world_rows = {t.name: [] for t in T.ALL_TABLES}
            world = build_world(ctx_ids=ids, rows=world_rows, cases=cases_count, today=today)
            for t in T.WORLD_TABLES:
                writer.write(t, world_rows[t.name])
                _count(summary, t, len(world_rows[t.name]))
            T.reset_sequences(T.WORLD_TABLES)
        summary.created = dict(world.created)
        first_case = (Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        ctx = Context(ids=ids, world=world, today=today, seed=seed)
        batches = _Batches(ctx, summary, writer, cases_count)
        tables = [*T.CASE_TABLES, T.ACCESS_LOG]
        if rebuild_indexes:
            with transaction.atomic(), T.indexes_rebuilt(tables):
                for done in batches.run(batch, nullcontext):
                    report(done)
                report(cases_count, "indexes")
        else:
            for done in batches.run(batch, transaction.atomic):
                report(done)
        # The stored "needs attention" of the new cases (cases.attention), computed in
        # set-based SQL once the indexes are there, as of the data's today.
        report(cases_count, "attention")
        if connection.vendor == "postgresql":
            # Fresh statistics first: right after a bulk load the planner knows nothing
            # of the new rows, and the refresh's correlated subqueries (and every page)
            # then get plans for empty tables (minutes instead of seconds at 100,000).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        with transaction.atomic():
            new = Case.objects.filter(pk__gte=first_case).values_list("pk", flat=True)
            refreshed = refresh_attention(list(new), today=today)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # and of the rows just written
                cursor.execute(f"ANALYZE {CaseAttention._meta.db_table}")
        summary.rows[CaseAttention._meta.db_table] = refreshed
    if not batches.search_rows:
        # The case search has parts the generator does not know (an app registered
        # one): index the new cases as ``maatwerk search-index`` does, batch by batch.
        report(cases_count, "search index")
        new_cases = Case.objects.filter(pk__gt=before).order_by("pk").values_list("pk", flat=True)
        last = before
        while chunk := list(new_cases.filter(pk__gt=last)[:SEARCH_BATCH]):
            with transaction.atomic():
                refresh_search(chunk)
            last = chunk[-1]
    summary.users = _logins(world, batches.requests_per_org)
    summary.seconds = time.monotonic() - started
    report(cases_count, "done")
    return summary


class _Batches:
    """The cases, batch after batch: generated, then written table by table, then their
    access-log rows on the chain."""

    def __init__(self, ctx: Context, summary: Summary, writer, cases_count: int):
        self.ctx, self.summary, self.writer, self.total = ctx, summary, writer, cases_count
        world = ctx.world
        total_weight = sum(t.weight for t in world.teams)
        years = max(1.0, (ctx.today - world.start).days / 365.25)
        yearly = {t.id: cases_count * t.weight / total_weight / years for t in world.teams}
        accounts = budgets.load_accounts([t.id for t in world.teams])
        self.money = budgets.Budgets(ctx, accounts, yearly)
        self.labels = {
            s: str(Case.Status(s).label) for s in ("plan", "journey", "executing", "closed")
        }
        self.texts = journeys.Texts()
        self.learning = learning.Learning(ctx)
        # The case search's rows are written with the cases when its texts are the ones
        # the generator knows (cases.search and journeys' part): no reading back.
        self.search_rows = search_text_parts() == [journeys_search_text]
        self.requests_per_org: dict[int, int] = {}

    def run(self, batch: int, transaction_per_batch):
        done = 0
        while done < self.total:
            size = min(batch, self.total - done)
            with transaction_per_batch():
                self.one(size)
            done += size
            self.summary.cases = done
            yield done

    def one(self, size: int) -> None:
        ctx, summary, writer, money = self.ctx, self.summary, self.writer, self.money
        labels, texts, per_org = self.labels, self.texts, self.requests_per_org
        approved = summary.approved
        ctx.ids.refresh()
        batch_seed = f"{ctx.seed}:{ctx.ids.peek(T.CASE)}"
        rng = random.Random(batch_seed)  # noqa: S311 (seeded on purpose)
        ctx.new_batch()
        system = self.learning
        system.new_batch(batch_seed)
        search_rows = self.search_rows
        searched_at = Clock.midnight(ctx.today)
        first_case = ctx.ids.peek(T.CASE)
        candidates: list = []
        for _ in range(size):
            d = cases.open_case(ctx, rng)
            cases.make_plans(ctx, rng, d, labels)
            journeys.make_requests(ctx, rng, d, texts, money.solving)
            money.other_spends(rng, d)
            cases.close_case(ctx, rng, d, labels)
            system.case(d)
            if search_rows:
                cases.search_row(ctx, d, searched_at)
            meetings.note_escalations(ctx, rng, d, candidates)
            for result in d.requests:
                per_org[result.org.id] = per_org.get(result.org.id, 0) + 1
                if result.approved_after is not None:
                    approved[0] += 1
                    approved[1] += result.approved_after
                    approved[2] += result.approved_after <= 60
        meetings.make_meetings(ctx, rng, candidates)
        for t in T.CASE_TABLES:
            rows = ctx.rows[t.name]
            writer.write(t, rows)
            _count(summary, t, len(rows))
        system.end_batch()
        if search_rows and connection.vendor == "postgresql":
            # The Dutch tsvector, as cases.search.refresh computes it, for this batch.
            vector = None
            for name in SEARCH_FIELDS:
                part = SearchVector(name, config=SEARCH_CONFIG, weight=SEARCH_WEIGHTS[name])
                vector = part if vector is None else vector + part
            CaseSearchText.objects.filter(case_id__gte=first_case).update(document=vector)
        _count(summary, T.ACCESS_LOG, audit.chain(ctx.log_rows, writer))
        T.reset_sequences([*T.CASE_TABLES, T.ACCESS_LOG])
        ctx.new_batch()  # let the rows go


def _count(summary: Summary, t: T.Table, n: int) -> None:
    summary.rows[t.name] = summary.rows.get(t.name, 0) + n


def _logins(world, requests_per_org: dict[int, int]) -> list[dict]:
    """A few users per role to log in with: narrow access (one team, a small
    organisation) and broad access (a coordinator: every case escalated to the
    national team; a decision maker of the organisation that gets the most requests)."""
    found = []

    def add(person, scope: str, where: str):
        found.append(
            {"username": person.username, "role": person.role, "scope": scope, "where": where}
        )

    teams = sorted(world.teams, key=lambda t: (-t.weight, t.id))
    for team in (teams[0], teams[-1]):
        add(team.professionals[0], "team", team.name)
        add(team.holders[0], "team", team.name)
    if len(teams[0].professionals) > 1:
        add(teams[0].professionals[1], "team", teams[0].name)
    deciding = sorted(
        (o for o in world.orgs.values() if o.deciders and requests_per_org.get(o.id)),
        key=lambda o: (-requests_per_org.get(o.id, 0), o.id),
    )
    if deciding:
        add(deciding[0].deciders[0], "organisation (most requests)", deciding[0].name)
        add(deciding[-1].deciders[0], "organisation (fewest requests)", deciding[-1].name)
    for person in world.coordinators[:2]:
        add(person, "national (escalated cases)", person.organisation)
    add(world.analysts[0], "aggregates only", world.analysts[0].organisation)
    return found
