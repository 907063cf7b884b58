"""The tables the generator writes, how their ids are handed out, and the two ways of
writing rows: Django's ``bulk_create`` (every database) and PostgreSQL's ``COPY``.

A row is a plain tuple in the order of its table's columns (``Table.columns``, which
must be the model's concrete fields in their own order: a model that gains a field
makes the generator fail at once, rather than write rows without it). Ids are handed
out by the generator itself (``Ids``: from the highest id in the table, plus one), so
that foreign keys can be filled in before anything is written and the same seed gives
the same rows; the sequences are moved past them afterwards (``reset_sequences``).
"""

from __future__ import annotations

import ipaddress
import itertools
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.management.color import no_style
from django.db import connection, models
from psycopg import postgres
from psycopg.adapt import Dumper
from psycopg.pq import Format
from psycopg.types.net import InetBinaryDumper

from maatwerk.accounts.models import Team, User
from maatwerk.audit.models import AccessLogEntry
from maatwerk.budgets.models import (
    ApprovalNotice,
    Budget,
    BudgetRevision,
    LedgerEntry,
    Settlement,
    Spend,
)
from maatwerk.cases.models import (
    Agreement,
    Case,
    CaseEvent,
    CaseSearchText,
    CostLine,
    Goal,
    Household,
    Perspective,
    Plan,
    PlanAction,
    PlanActionDone,
    PlanVersion,
)
from maatwerk.journeys.models import CaseIntervention, JourneyEvent, Request
from maatwerk.learning.models import (
    Bottleneck,
    ClosingAnalysis,
    LearningPoint,
    LearningStep,
    Precedent,
)
from maatwerk.meetings.models import AgendaItem, Attendee, Meeting, Minutes
from maatwerk.notices.models import Notice
from maatwerk.register.models import Contact, EscalationStep, Organisation


@dataclass
class Table:
    model: type[models.Model]
    columns: tuple[str, ...]
    name: str = ""
    fields: list = field(default_factory=list)
    # Columns left out of COPY (NULL in every generated row, filled in afterwards: the
    # case search's tsvector, which has no binary format in psycopg).
    not_copied: tuple[str, ...] = ()

    def __post_init__(self):
        expected = tuple(f.attname for f in self.model._meta.concrete_fields)
        if self.columns != expected:
            raise RuntimeError(
                f"generate-data: the columns of {self.model._meta.label} changed; "
                f"update demo/generate/tables.py (expected {expected})"
            )
        self.name = self.model._meta.db_table
        self.fields = list(self.model._meta.concrete_fields)


def table(model, columns: str) -> Table:
    return Table(model, tuple(columns.split()))


# --- register and accounts ----------------------------------------------------------
ORGANISATION = table(
    Organisation,
    "id name slug type description email phone response_target_days active version",
)
ORGANISATION_DOMAINS = table(Organisation.life_domains.through, "id organisation_id lifedomain_id")
ORGANISATION_REGULATIONS = table(
    Organisation.regulations.through, "id organisation_id regulation_id"
)
CONTACT = table(Contact, "id organisation_id name function email phone mandate active")
ESCALATION_STEP = table(EscalationStep, "id organisation_id level contact_id response_target_days")
TEAM = table(Team, "id name organisation_id active")
USER = table(
    User,
    "id password last_login is_superuser username first_name last_name email is_staff "
    "is_active date_joined organisation_id",
)
USER_GROUPS = table(User.groups.through, "id user_id group_id")
USER_TEAMS = table(User.teams.through, "id user_id team_id")

# --- cases ---------------------------------------------------------------------------
HOUSEHOLD = table(Household, "id pseudonym composition adults children municipality")
CASE = table(
    Case,
    "id reference source household_id team_id owner_id status outcome opened_on closed_on "
    "needed primary_domain_id safety_concern version created_at updated_at",
)
CASE_DOMAINS = table(Case.life_domains.through, "id case_id lifedomain_id")
CASE_DECIDING = table(Case.deciding_organisations.through, "id case_id organisation_id")
PERSPECTIVE = table(
    Perspective,
    "id case_id member version text audience problems_start_domain_id recorded_on "
    "confirmation recorded_by_id created_at",
)
CASE_EVENT = table(CaseEvent, "id case_id kind happened_on actor_id summary created_at")
PLAN = table(Plan, "id case_id title serves_member created_by_id created_at")
PLAN_VERSION = table(
    PlanVersion,
    "id plan_id number perspective_id intended_effect impact purpose_of_law ethics "
    "legal_check legality safety audience safety_audience created_by_id created_at",
)
PLAN_GROUNDS = table(PlanVersion.legal_grounds.through, "id planversion_id legalground_id")
GOAL = table(Goal, "id version_id order text perspective_sentence audience")
PLAN_ACTION = table(
    PlanAction, "id version_id order what organisation_id person due_on owner_id audience"
)
PLAN_ACTION_DONE = table(PlanActionDone, "id action_id done_on done_by_id created_at")
COST_LINE = table(CostLine, "id version_id kind order description reference_cost_id amount")
AGREEMENT = table(Agreement, "id version_id agreed_on how words recorded_by_id created_at")
CASE_SEARCH_TEXT = table(
    CaseSearchText, "case_id perspective plan requests organisations document updated_at"
)
CASE_SEARCH_TEXT.not_copied = ("document",)

# --- journeys ------------------------------------------------------------------------
REQUEST = table(
    Request,
    "id case_id reference organisation_id kind subject regulation_id rule_text "
    "legal_ground_id share_perspective plan_excerpt extra_shared extra_legal_basis "
    "extra_household_agreed_on state first_submitted_on due_on overdue escalation_level "
    "due_days forwarded_from_id created_by_id created_at",
)
JOURNEY_EVENT = table(
    JourneyEvent,
    "id request_id type on reason text level escalated_to_id redirected_to "
    "redirected_to_organisation_id forwarded_to_id intervention "
    "household_agrees corrects_id entered_by_id on_behalf_of created_at",
)
NOTIFICATION = table(
    Notice,
    "id recipient_id case_id kind key subject object_id facts url_name url_args created_at "
    "read_at delivery mail_state mailed_at",
)

CASE_INTERVENTION = table(
    CaseIntervention, "id case_id intervention recorded_on recorded_by_id created_at"
)

# --- learning ------------------------------------------------------------------------
BOTTLENECK = table(Bottleneck, "id case_id category text regulation recorded_by_id created_at")
BOTTLENECK_ORGS = table(Bottleneck.organisations.through, "id bottleneck_id organisation_id")
CLOSING_ANALYSIS = table(
    ClosingAnalysis, "id case_id no_bottlenecks note completed_by_id completed_at"
)
LEARNING_POINT = table(
    LearningPoint,
    "id reference order text addressee_id addressee_name status status_on created_by_id "
    "created_at version",
)
LEARNING_POINT_CASES = table(LearningPoint.cases.through, "id learningpoint_id case_id")
LEARNING_POINT_BOTTLENECKS = table(
    LearningPoint.bottlenecks.through, "id learningpoint_id bottleneck_id"
)
LEARNING_STEP = table(
    LearningStep, "id learning_point_id status on answer entered_by_id on_behalf_of created_at"
)
PRECEDENT = table(
    Precedent,
    "id reference status title situation asked what_worked outcome lead_time_days "
    "regulation_id regulation_text legal_ground_id refusal_reasons source_case_id "
    "drafted_by_id published_by_id published_at search_a search_b search_d created_at version",
)
PRECEDENT_DOMAINS = table(Precedent.life_domains.through, "id precedent_id lifedomain_id")
PRECEDENT_ORGS = table(Precedent.organisations.through, "id precedent_id organisation_id")

# --- budgets -------------------------------------------------------------------------
BUDGET = table(
    Budget,
    "id team_id year professional_id amount approval_threshold version created_at",
)
BUDGET_REVISION = table(
    BudgetRevision, "id budget_id amount approval_threshold reason set_by_id created_at"
)
SPEND = table(
    Spend,
    "id budget_id case_id on amount purpose_category description payee_category receipt "
    "bridging request_id state requested_by_id decided_by_id decided_at refusal_reason "
    "created_at",
)
SPEND_CANDIDATES = table(Spend.responsible_candidates.through, "id spend_id organisation_id")
LEDGER_ENTRY = table(
    LedgerEntry, "id budget_id spend_id kind on amount reason override entered_by_id created_at"
)
SETTLEMENT = table(
    Settlement, "id spend_id responsible_id amount on final note entered_by_id created_at"
)
APPROVAL_NOTICE = table(ApprovalNotice, "id spend_id recipient_id kind sent_at")

# --- meetings ------------------------------------------------------------------------
MEETING = table(Meeting, "id title starts_at location organiser_id team_id created_at")
AGENDA_ITEM = table(AgendaItem, "id meeting_id case_id order")
ATTENDEE = table(Attendee, "id meeting_id name organisation_id user_id knows_household")
MINUTES = table(Minutes, "id meeting_id case_id text recorded_by_id created_at")

# --- audit ---------------------------------------------------------------------------
ACCESS_LOG = table(
    AccessLogEntry,
    "id occurred_at actor_id actor_username on_behalf_of roles organisation household "
    "object_type object_id action result origin processing_activity detail prev_hash hash",
)

# The order in which a batch is written: every row after the rows it refers to (the
# foreign keys are checked at once on SQLite in bulk_create's transaction too).
WORLD_TABLES = [
    ORGANISATION,
    ORGANISATION_DOMAINS,
    ORGANISATION_REGULATIONS,
    CONTACT,
    ESCALATION_STEP,
    TEAM,
    USER,
    USER_GROUPS,
    USER_TEAMS,
]
CASE_TABLES = [
    HOUSEHOLD,
    CASE,
    CASE_DOMAINS,
    CASE_DECIDING,
    PERSPECTIVE,
    CASE_EVENT,
    PLAN,
    PLAN_VERSION,
    PLAN_GROUNDS,
    GOAL,
    PLAN_ACTION,
    PLAN_ACTION_DONE,
    COST_LINE,
    AGREEMENT,
    REQUEST,
    CASE_SEARCH_TEXT,
    JOURNEY_EVENT,
    NOTIFICATION,
    BUDGET,
    BUDGET_REVISION,
    SPEND,
    SPEND_CANDIDATES,
    LEDGER_ENTRY,
    SETTLEMENT,
    APPROVAL_NOTICE,
    MEETING,
    AGENDA_ITEM,
    ATTENDEE,
    MINUTES,
    CASE_INTERVENTION,
    BOTTLENECK,
    BOTTLENECK_ORGS,
    CLOSING_ANALYSIS,
    LEARNING_POINT,
    LEARNING_POINT_CASES,
    LEARNING_POINT_BOTTLENECKS,
    LEARNING_STEP,
    PRECEDENT,
    PRECEDENT_DOMAINS,
    PRECEDENT_ORGS,
]
ALL_TABLES = [*WORLD_TABLES, *CASE_TABLES, ACCESS_LOG]


class Ids:
    """Hands out ids per table: after the highest id in the table when it started.
    ``counter(t)`` is the fast way (a bound ``next`` of an ``itertools.count``)."""

    def __init__(self, tables=ALL_TABLES):
        self.tables = list(tables)
        self.counters: dict[str, itertools.count] = {}
        self.refresh()

    def refresh(self) -> None:
        """Never below what the table holds now (someone may have written meanwhile)."""
        for t in self.tables:
            highest = t.model._base_manager.aggregate(m=models.Max("pk"))["m"] or 0
            self.counters[t.name] = itertools.count(max(self.peek(t), highest + 1))

    def peek(self, t: Table) -> int:
        """The id the next row of ``t`` gets."""
        counter = self.counters.get(t.name)
        if counter is None:
            return 1
        value = next(counter)
        self.counters[t.name] = itertools.count(value)
        return value

    def counter(self, t: Table):
        return self.counters[t.name].__next__

    def take(self, t: Table) -> int:
        return next(self.counters[t.name])


@contextmanager
def generated_timestamps(tables):
    """bulk_create would stamp ``auto_now``/``auto_now_add`` fields with the current
    time; the generator writes the time each thing happened instead."""
    switched = []
    for t in tables:
        for f in t.fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                switched.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in switched:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


class BulkCreateWriter:
    """Model instances through ``bulk_create``, in batches (any database)."""

    name = "bulk_create"

    def __init__(self, batch_size: int | None = None):
        self.batch_size = batch_size

    def write(self, t: Table, rows: list[tuple]) -> None:
        if not rows:
            return
        model = t.model
        with generated_timestamps([t]):
            model._base_manager.bulk_create(
                [model(*row) for row in rows], batch_size=self.batch_size
            )


class _Packed:
    """An address already in PostgreSQL's binary ``inet`` format (made once per
    address by psycopg's own dumper, then reused for every row)."""

    __slots__ = ("data",)

    def __init__(self, data: bytes):
        self.data = data


class _PackedDumper(Dumper):
    """Registered by oid: ``set_types`` picks dumpers by the column's type."""

    format = Format.BINARY
    oid = postgres.types["inet"].oid

    def dump(self, obj: _Packed) -> bytes:
        return obj.data


class CopyWriter:
    """PostgreSQL's ``COPY … FROM STDIN`` in binary format (psycopg's copy): the
    column types are read from the catalogue once per table."""

    name = "copy"

    def __init__(self):
        self.types: dict[str, list[int]] = {}
        self.inet: dict[str, list[int]] = {}
        self.addresses: dict[str, _Packed] = {}  # binary COPY needs inet in binary
        self.inet_dumper = InetBinaryDumper(ipaddress.IPv4Address)

    def _address(self, text: str) -> _Packed:
        found = self.addresses.get(text)
        if found is None:
            data = bytes(self.inet_dumper.dump(ipaddress.ip_address(text)))
            found = self.addresses[text] = _Packed(data)
        return found

    def _types(self, cursor, t: Table) -> list[int]:
        if t.name not in self.types:
            cursor.execute(
                "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass "
                "AND attnum > 0 AND NOT attisdropped",
                [t.name],
            )
            oids = dict(cursor.fetchall())
            fields = _copied(t)
            self.types[t.name] = [oids[f.column] for f in fields]
            self.inet[t.name] = [
                i for i, f in enumerate(fields) if isinstance(f, models.GenericIPAddressField)
            ]
        return self.types[t.name]

    def write(self, t: Table, rows: list[tuple]) -> None:
        if not rows:
            return
        columns = ", ".join(connection.ops.quote_name(f.column) for f in _copied(t))
        if t.not_copied:
            keep = [i for i, f in enumerate(t.fields) if f.attname not in t.not_copied]
            if any(row[i] is not None for row in rows for i in range(len(row)) if i not in keep):
                raise ValueError(f"{t.name}: {t.not_copied} must be None in generated rows")
            rows = [tuple(row[i] for i in keep) for row in rows]
        with connection.cursor() as cursor:
            types = self._types(cursor, t)
            inet = self.inet[t.name]
            sql = f"COPY {connection.ops.quote_name(t.name)} ({columns}) FROM STDIN (FORMAT BINARY)"
            if inet:
                cursor.adapters.register_dumper(None, _PackedDumper)
            with cursor.copy(sql) as copy:
                copy.set_types(types)
                write = copy.write_row
                if inet:
                    addresses, address = self.addresses, self._address
                    for row in rows:
                        row = list(row)
                        for i in inet:
                            if row[i]:
                                row[i] = addresses.get(row[i]) or address(row[i])
                        write(row)
                else:
                    for row in rows:
                        write(row)


def _copied(t: Table) -> list:
    return [f for f in t.fields if f.attname not in t.not_copied]


def writer(use_copy: bool | None):
    """COPY on PostgreSQL unless told otherwise; bulk_create everywhere else."""
    if use_copy is None:
        use_copy = connection.vendor == "postgresql"
    if use_copy and connection.vendor != "postgresql":
        raise ValueError("COPY needs PostgreSQL")
    return CopyWriter() if use_copy else BulkCreateWriter()


@contextmanager
def indexes_rebuilt(tables):
    """PostgreSQL, inside the caller's transaction: drop the secondary indexes and the
    unique and foreign-key constraints of ``tables``, and create them again at the end —
    building an index in one go is several times cheaper than keeping it up to date
    row by row, and adding a foreign key checks all rows in one query instead of one
    query per row ("Populating a Database" in the PostgreSQL manual). The primary keys
    stay. Everything happens in the caller's transaction, so if anything fails the
    rollback brings the indexes back; meanwhile the tables are locked for others."""
    names = [t.name for t in tables]
    with connection.cursor() as cursor:
        # Check what this transaction wrote so far now (a table with deferred checks
        # still pending, here or at the other end of a foreign key, cannot be altered).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('u', 'f') "
            "ORDER BY contype DESC, conrelid::regclass::text, conname",
            [names],
        )
        constraints = cursor.fetchall()  # unique ones first: they are re-added first too
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = ANY(%s::regclass[]) AND NOT indisprimary AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = indexrelid) ORDER BY 1",
            [names],
        )
        indexes = cursor.fetchall()
        quote = connection.ops.quote_name
        for table, name, _definition in reversed(constraints):
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in constraints:
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")


def reset_sequences(tables) -> None:
    """Move the id sequences past the ids the generator handed out (PostgreSQL; SQLite's
    AUTOINCREMENT follows explicit ids by itself)."""
    models_ = [t.model for t in tables if not t.model._meta.auto_created]
    statements = connection.ops.sequence_reset_sql(no_style(), models_)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
