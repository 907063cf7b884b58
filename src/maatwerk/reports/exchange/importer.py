"""Import of ``maatwerk-case/1`` JSON Lines onto the ordinary models (docs/exchange.md).

Two passes over the file, each reading it line by line in binary (a 1 GB file is never
in memory at once):

1. **validate** every line (``validate``): UTF-8, one JSON object, the schema, the
   rules; ``source`` + ``ref`` unique within the file. Nothing is written.
2. **store** the valid lines in batches of ``BATCH`` cases, each batch a handful of
   bulk INSERTs, all in one transaction: a failure stores nothing. Without
   ``skip_invalid`` pass 2 only runs when pass 1 found no problem at all.

A ``source`` + ``ref`` already in the database is a duplicate: counted and listed,
nothing of the line is stored, and it does not block the other lines.

Lock order (ADR 0006, ``cases.numbering``): the learning-point counter is locked at
the start, budgets as they are met, and the access-log rows (one ``create`` per case)
are written at the very end, so the chain lock is the last lock the import takes.
"""

import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connection, models, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_noop

from maatwerk.accounts.models import Team
from maatwerk.audit.models import Action, ProcessingActivity
from maatwerk.audit.services import log_access_many
from maatwerk.budgets.models import (
    Budget,
    BudgetRevision,
    LedgerEntry,
    PayeeCategory,
    PurposeCategory,
    Spend,
)
from maatwerk.cases import search
from maatwerk.cases.attention import refresh_attention
from maatwerk.cases.models import Audience, Case, CaseEvent, Confirmation, Household, Perspective
from maatwerk.cases.services import new_pseudonyms
from maatwerk.journeys.models import CaseIntervention, JourneyEvent, Request
from maatwerk.journeys.selectors import response_target
from maatwerk.journeys.workflow import replay
from maatwerk.learning.models import Bottleneck, LearningPoint, LearningStep
from maatwerk.learning.services import next_references
from maatwerk.register.models import LifeDomain, Organisation, OrganisationType

from . import validate
from .validate import Problem

BATCH = 500
# Problems kept for the report (all are counted); a file that is wrong on every line
# would otherwise fill the memory with its problems.
MAX_PROBLEMS = 10_000

IMPORT_USERNAME = "maatwerk-import"
LEDGER_REASON = "import maatwerk-case/1"

Progress = Callable[[str, int, int | None], None]


def _no_progress(phase: str, done: int, total: int | None) -> None:
    return None


@dataclass
class ImportResult:
    lines: int = 0  # non-empty lines read
    valid: int = 0
    imported: int = 0
    duplicates: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    bad_lines: list[int] = field(default_factory=list)
    refused: bool = False
    teams: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "format": validate.FORMAT,
            "lines": self.lines,
            "valid": self.valid,
            "imported": self.imported,
            "duplicates": self.duplicates,
            "bad_lines": self.bad_lines,
            "problem_count": self.problem_count,
            "problems": [p.as_dict() for p in self.problems],
            "refused": self.refused,
            "teams": self.teams,
        }


def import_account():
    """The account that owns imported cases and enters their history (docs/exchange.md
    #the-import-account): it cannot log in (no usable password, not active), has no
    role and no team, so it never sees anything; it only names who entered the rows."""
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=IMPORT_USERNAME,
        defaults={"first_name": "Import", "last_name": "maatwerk-case/1", "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def read_lines(path: Path | str) -> Iterator[tuple[int, bytes, int]]:
    """``(line number, bytes, bytes read so far)`` of every line that is not empty
    (a line of only spaces, or the file's last line end, is skipped)."""
    with open(path, "rb") as handle:
        read = 0
        for number, raw in enumerate(handle, start=1):
            read += len(raw)
            if raw.strip():
                yield number, raw.rstrip(b"\r\n"), read


def validate_file(path, *, progress: Progress = _no_progress, result: ImportResult | None = None):
    """Pass 1: every line checked; returns the result (problems, bad lines) and the
    set of good line numbers' count. Nothing is written."""
    result = result or ImportResult()
    size = Path(path).stat().st_size
    seen: dict[tuple[str, str], int] = {}
    bad: list[int] = []
    for number, raw, read in read_lines(path):
        result.lines += 1
        record, problems = validate.parse(raw, number)
        if record is not None:
            problems = validate.check(record, number)
            key = validate.key_of(record)
            if key is not None:
                if key in seen:
                    problems.append(
                        Problem(
                            number,
                            "ref",
                            gettext_noop(
                                "The ref %(ref)s of %(source)s is already on line %(first)s."
                            ),
                            {"ref": key[1], "source": key[0], "first": seen[key]},
                        )
                    )
                else:
                    seen[key] = number
        if problems:
            bad.append(number)
            result.problem_count += len(problems)
            room = MAX_PROBLEMS - len(result.problems)
            if room > 0:
                result.problems.extend(problems[:room])
        if result.lines % 1000 == 0:
            progress("validating", read, size)
    progress("validating", size, size)
    result.bad_lines = bad
    result.valid = result.lines - len(bad)
    return result


def import_file(
    path,
    *,
    team: Team | None = None,
    skip_invalid: bool = False,
    actor=None,
    request=None,
    progress: Progress = _no_progress,
    today: date | None = None,
) -> ImportResult:
    """Validate ``path`` and, when every line is good (or ``skip_invalid``), store it.

    ``team``: the team that gets every case (the UI: the importing user's team; the
    command line: ``--team``). ``None``: each case goes to the team named after its
    ``source``, created with its organisation when missing. ``actor`` is who is
    logged in the access log (the command line: none, logged as the command)."""
    result = validate_file(path, progress=progress)
    if result.bad_lines and not skip_invalid:
        result.refused = True
        return result
    bad = set(result.bad_lines)
    store = _Store(team=team, actor=actor, request=request, today=today or timezone.localdate())
    with transaction.atomic():
        store.lock_first()
        batch: list[tuple[int, dict]] = []
        done = 0
        for number, raw, _read in read_lines(path):
            if number in bad:
                continue
            record, _problems = validate.parse(raw, number)
            batch.append((number, record))
            if len(batch) >= BATCH:
                store.batch(batch, result)
                done += len(batch)
                progress("importing", done, result.valid)
                batch = []
        if batch:
            store.batch(batch, result)
            done += len(batch)
        store.log()
        progress("importing", done, result.valid)
    return result


# Exactly these classes (not their subclasses: an encrypted text field converts).
PLAIN_FIELDS = {
    models.AutoField, models.BigAutoField, models.BooleanField, models.CharField,
    models.DateField, models.DateTimeField, models.DecimalField, models.ForeignKey,
    models.IntegerField, models.PositiveIntegerField, models.PositiveSmallIntegerField,
    models.SmallIntegerField, models.TextField, models.SlugField,
}  # fmt: skip


def _insert(model, objs: list) -> list:
    """``bulk_create``, and on PostgreSQL the same rows by ``COPY`` with ids taken from
    the table's sequence first (the rows keep their order, so ids ascend in file order):
    several times faster for the tens of thousands of rows of an import. Only for the
    plain columns of the models below (no field here converts its value on save)."""
    if not objs:
        return objs
    if connection.vendor != "postgresql":
        return model.objects.bulk_create(objs)
    meta = model._meta
    fields = list(meta.concrete_fields)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objs)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        for obj, pk in zip(objs, ids, strict=True):
            obj.pk = pk
        stamped = [
            f for f in fields if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False)
        ]
        columns = ", ".join(quote(f.column) for f in fields)
        # Plain values go as they are; any other field (a file) through its own
        # conversion to the database value.
        convert = [None if type(f) in PLAIN_FIELDS else f for f in fields]
        with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                for field in stamped:
                    field.pre_save(obj, True)
                copy.write_row(
                    [
                        getattr(obj, f.attname)
                        if c is None
                        else c.get_db_prep_save(getattr(obj, f.attname), connection)
                        for f, c in zip(fields, convert, strict=True)
                    ]
                )
    for obj in objs:
        obj._state.adding = False
        obj._state.db = DEFAULT_DB_ALIAS
    return objs


def _int(value):
    """A JSON integer may be written 2.0 (JSON Schema counts it as an integer)."""
    return None if value is None else int(value)


def _organisation_type(name: str, types: dict[str, str]) -> str:
    if name in types:
        return types[name]
    if name.lower().startswith("gemeente "):
        return OrganisationType.MUNICIPALITY
    return OrganisationType.OTHER


class _Store:
    """Writes batches of valid records, with the caches that span batches."""

    def __init__(self, *, team, actor, request, today):
        self.team = team
        self.actor = actor
        self.request = request
        self.today = today
        self.user = import_account()
        self.domains = dict(LifeDomain.objects.values_list("code", "pk"))
        self.organisations: dict[str, Organisation] = {}
        self.teams: dict[str, Team] = {}
        self.budgets: dict[tuple[int, int], int] = {}
        self.targets: dict[tuple[int, int], int] = {}
        self.logged: list[tuple[int, str]] = []

    def lock_first(self) -> None:
        # The learning-point counter before anything else (see the module docstring).
        next_references(0, self.today)

    # --- reference data -------------------------------------------------------------

    def _register(self, wanted: dict[str, str]) -> None:
        """The organisations named ``wanted`` (name → type for a new one)."""
        missing = [name for name in wanted if name not in self.organisations]
        if not missing:
            return
        for organisation in Organisation.objects.filter(name__in=missing):
            self.organisations[organisation.name] = organisation
        new = [name for name in missing if name not in self.organisations]
        if not new:
            return
        slugs = set(
            Organisation.objects.filter(
                slug__in=[slugify(name)[:190] or "organisation" for name in new]
            ).values_list("slug", flat=True)
        )
        rows = []
        for name in new:
            slug = slugify(name)[:190] or "organisation"
            while slug in slugs:
                slug = f"{slugify(name)[:180] or 'organisation'}-{secrets.token_hex(3)}"
            slugs.add(slug)
            rows.append(Organisation(name=name, slug=slug, type=wanted[name]))
        for organisation in Organisation.objects.bulk_create(rows):
            self.organisations[organisation.name] = organisation

    def _team_for(self, source: str) -> Team:
        if self.team is not None:
            return self.team
        if source not in self.teams:
            organisation = self.organisations[source]
            team, _created = Team.objects.get_or_create(organisation=organisation, name=source)
            self.teams[source] = team
        return self.teams[source]

    def _target(self, organisation: Organisation, level: int) -> int:
        key = (organisation.pk, level or 0)
        if key not in self.targets:
            self.targets[key] = response_target(organisation, level or 0)
        return self.targets[key]

    def _budget(self, team: Team, year: int) -> int:
        key = (team.pk, year)
        if key not in self.budgets:
            budget = (
                Budget.objects.select_for_update()
                .filter(team=team, year=year, professional__isnull=True)
                .order_by("pk")  # no join to the ordering's tables: FOR UPDATE of the row
                .first()
            )
            if budget is None:
                budget = Budget.objects.create(
                    team=team, year=year, amount=Decimal("0.00"), approval_threshold=Decimal("0.00")
                )
                BudgetRevision.objects.create(
                    budget=budget,
                    amount=budget.amount,
                    approval_threshold=budget.approval_threshold,
                    reason="created by the import of maatwerk-case/1 (imported spends)",
                    set_by=self.user,
                )
            self.budgets[key] = budget.pk
        return self.budgets[key]

    # --- one batch --------------------------------------------------------------------

    def batch(self, batch: list[tuple[int, dict]], result: ImportResult) -> None:
        keys = {(r["source"], r["ref"]) for _n, r in batch}
        existing = set(
            Case.objects.filter(
                source__in={k[0] for k in keys}, reference__in={k[1] for k in keys}
            ).values_list("source", "reference")
        )
        records = []
        for number, record in batch:
            key = (record["source"], record["ref"])
            if key in existing:
                result.duplicates.append({"line": number, "source": key[0], "ref": key[1]})
            else:
                records.append(record)
        if not records:
            return
        types: dict[str, str] = {}
        for record in records:
            for req in record["requests"]:
                types.setdefault(req["organisation"], req["organisation_type"])
        wanted = {name: types[name] for name in types}
        if self.team is None:
            for record in records:
                wanted.setdefault(record["source"], _organisation_type(record["source"], types))
        self._register(wanted)
        teams = [self._team_for(record["source"]) for record in records]
        for team in teams:
            result.teams[team.name] = result.teams.get(team.name, 0) + 1

        households = _insert(
            Household,
            [
                Household(
                    pseudonym=pseudonym,
                    composition=r["household"]["composition"],
                    adults=int(r["household"]["adults"]),
                    children=int(r["household"]["children"]),
                    municipality=r["household"].get("municipality") or "",
                )
                for pseudonym, r in zip(new_pseudonyms(len(records)), records, strict=True)
            ],
        )
        cases = _insert(
            Case,
            [
                Case(
                    reference=r["ref"],
                    source=r["source"],
                    household=household,
                    team=team,
                    owner=self.user,
                    status=(
                        Case.Status.CLOSED
                        if r["closed_on"]
                        else Case.Status.JOURNEY
                        if r["requests"]
                        else Case.Status.INTAKE
                    ),
                    outcome=r["outcome"] or "",
                    opened_on=date.fromisoformat(r["opened_on"]),
                    closed_on=date.fromisoformat(r["closed_on"]) if r["closed_on"] else None,
                    needed="",
                    primary_domain_id=self.domains[r["primary_domain"]],
                    safety_concern=r["safety_concern"],
                )
                for r, household, team in zip(records, households, teams, strict=True)
            ],
        )
        through = Case.life_domains.through
        _insert(
            through,
            [
                through(case_id=case.pk, lifedomain_id=self.domains[code])
                for r, case in zip(records, cases, strict=True)
                for code in r["life_domains"]
            ],
        )
        _insert(
            Perspective,
            [
                Perspective(
                    case=case,
                    member="",
                    version=1,
                    text=r["perspective"]["text"],
                    audience=Audience.HOUSEHOLD,
                    recorded_on=date.fromisoformat(r["perspective"]["recorded_on"]),
                    confirmation=Confirmation.FIRST,
                    recorded_by=self.user,
                )
                for r, case in zip(records, cases, strict=True)
            ],
        )
        case_events = []
        for r, case in zip(records, cases, strict=True):
            case_events.append(
                CaseEvent(
                    case=case,
                    kind=CaseEvent.Kind.OPENED,
                    happened_on=case.opened_on,
                    actor=self.user,
                    summary="maatwerk-case/1",
                )
            )
            if case.closed_on:
                case_events.append(
                    CaseEvent(
                        case=case,
                        kind=CaseEvent.Kind.CLOSED,
                        happened_on=case.closed_on,
                        actor=self.user,
                        summary=str(r["outcome"]),
                    )
                )
        _insert(CaseEvent, case_events)

        # Requests, with the row's cache derived from the events (journeys.workflow).
        requests, request_events = [], []
        for r, case in zip(records, cases, strict=True):
            for req in r["requests"]:
                organisation = self.organisations[req["organisation"]]
                events = [
                    (e["type"], date.fromisoformat(e["on"]), _int(e.get("level")))
                    for e in req["events"]
                ]
                row = replay(
                    events, target_days=lambda level, o=organisation: self._target(o, level)
                )
                requests.append(
                    Request(
                        case=case,
                        reference=req["ref"],
                        organisation=organisation,
                        kind=req.get("kind") or Request.Kind.EXCEPTION,
                        subject=req["subject"],
                        rule_text=req.get("regulation") or "",
                        created_by=self.user,
                        **row,
                    )
                )
                request_events.append(req["events"])
        requests = _insert(Request, requests)
        _insert(
            JourneyEvent,
            [
                JourneyEvent(
                    request=request,
                    type=e["type"],
                    on=date.fromisoformat(e["on"]),
                    reason=e.get("reason") or "",
                    text=e.get("text") or "",
                    level=_int(e.get("level")),
                    redirected_to=e.get("to") or "",
                    household_agrees=e.get("household_agrees"),
                    entered_by=self.user,
                )
                for request, events in zip(requests, request_events, strict=True)
                for e in events
            ],
        )

        _insert(
            Bottleneck,
            [
                Bottleneck(
                    case=case,
                    category=b["category"],
                    text=b["text"],
                    regulation=b.get("regulation") or "",
                    recorded_by=self.user,
                )
                for r, case in zip(records, cases, strict=True)
                for b in r["bottlenecks"]
            ],
        )
        _insert(
            CaseIntervention,
            [
                CaseIntervention(
                    case=case,
                    intervention=code,
                    recorded_on=case.closed_on or case.opened_on,
                    recorded_by=self.user,
                )
                for r, case in zip(records, cases, strict=True)
                for code in r["interventions"]
            ],
        )
        self._learning_points(records, cases)
        self._spends(records, cases)

        ids = [case.pk for case in cases]
        refresh_attention(ids)
        search.refresh(ids)
        self.logged.extend(
            (case.pk, household.pseudonym)
            for case, household in zip(cases, households, strict=True)
        )
        result.imported += len(cases)

    def _learning_points(self, records, cases) -> None:
        pairs = [
            (case, lp)
            for r, case in zip(records, cases, strict=True)
            for lp in r["learning_points"]
        ]
        if not pairs:
            return
        names = {lp["addressee"] for _c, lp in pairs if lp.get("addressee")}
        known = {
            o.name: o for o in Organisation.objects.filter(name__in=names - set(self.organisations))
        }
        known.update({n: o for n, o in self.organisations.items() if n in names})
        references = next_references(len(pairs), self.today)
        points = []
        for (case, lp), reference in zip(pairs, references, strict=True):
            addressee = known.get(lp.get("addressee") or "")
            points.append(
                LearningPoint(
                    reference=reference,
                    order=int(lp["order"]),
                    text=lp["text"],
                    addressee=addressee,
                    addressee_name="" if addressee else (lp.get("addressee") or ""),
                    status=lp["status"],
                    status_on=case.closed_on or case.opened_on,
                    created_by=self.user,
                )
            )
        points = _insert(LearningPoint, points)
        through = LearningPoint.cases.through
        _insert(
            through,
            [
                through(learningpoint_id=point.pk, case_id=case.pk)
                for point, (case, _lp) in zip(points, pairs, strict=True)
            ],
        )
        _insert(
            LearningStep,
            [
                LearningStep(
                    learning_point=point,
                    status=point.status,
                    on=point.status_on,
                    entered_by=self.user,
                )
                for point in points
            ],
        )

    def _spends(self, records, cases) -> None:
        spends = []
        now = timezone.now()
        for r, case in zip(records, cases, strict=True):
            for s in r["budget_spends"]:
                on = date.fromisoformat(s["on"])
                spends.append(
                    Spend(
                        budget_id=self._budget(case.team, on.year),
                        case=case,
                        on=on,
                        amount=Decimal(s["amount"]),
                        purpose_category=PurposeCategory.OTHER,
                        description=s["purpose"],
                        payee_category=PayeeCategory.OTHER,
                        bridging=s["bridging"],
                        state=Spend.State.BOOKED,
                        requested_by=self.user,
                        decided_by=self.user,
                        decided_at=now,
                    )
                )
        if not spends:
            return
        spends = _insert(Spend, spends)
        _insert(
            LedgerEntry,
            [
                LedgerEntry(
                    budget_id=spend.budget_id,
                    spend=spend,
                    kind=LedgerEntry.Kind.SPEND,
                    on=spend.on,
                    amount=spend.amount,
                    reason=LEDGER_REASON,
                    override=True,
                    entered_by=self.user,
                )
                for spend in spends
            ],
        )

    def log(self) -> None:
        """One ``create`` row per imported case in the access log, at the end."""
        for start in range(0, len(self.logged), BATCH):
            log_access_many(
                [
                    {
                        "action": Action.CREATE,
                        "processing_activity": ProcessingActivity.CASE_WORK,
                        "request": self.request,
                        "actor": self.actor,
                        "actor_username": "" if self.actor else "import-cases (command line)",
                        "object_type": "cases.case",
                        "object_id": case_id,
                        "household": pseudonym,
                        "detail": "imported (maatwerk-case/1)",
                    }
                    for case_id, pseudonym in self.logged[start : start + BATCH]
                ]
            )
