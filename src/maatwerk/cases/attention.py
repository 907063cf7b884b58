"""Why a case needs attention now, stored per case (``CaseAttention``) instead of
computed by every list (docs/cases.md, "What needs attention").

A case needs attention for one or more **reasons** (``Reason``, one bit each in
``CaseAttention.reasons``). What makes a reason hold is a **rule**: the rows that make
it hold today (a queryset with the case's id in ``case_field``). Cases defines the
vocabulary and its own rules (the plan and the intake); the apps above it register
theirs in ``AppConfig.ready()`` (journeys: the requests), because cases may not import
them (the layer contract, docs/architecture.md).

``refresh_attention(case_ids)`` recomputes the stored state of those cases in a few
set-based SQL statements (an UPDATE with a correlated EXISTS per rule), whatever their
number; the services that change what a rule reads call it in their transaction. Some
reasons start when a date passes (a due date, 14 days of intake): the scheduler's
daily job (``refresh_timed_attention``) finds the cases where such a rule holds but
the stored bit is not set yet, and refreshes only those — running it again finds
nothing (idempotent).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import IntFlag

from django.db import IntegrityError, connection, transaction
from django.db.models import (
    BooleanField,
    DateField,
    Exists,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models import Case as CaseWhen
from django.db.models.functions import Coalesce, Least, NullIf
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Agreement, AttentionSweep, Case, CaseAttention, PlanAction, PlanVersion

# A case still in intake (no plan saved, no request sent: both move it on) after this
# many days needs attention.
INTAKE_ATTENTION_DAYS = 14
CHUNK = 1000
FAR_FUTURE = date(9999, 12, 31)


class Reason(IntFlag):
    """The reasons, one bit each (stored: never renumber). In the order they are shown."""

    OVERDUE = 1  # a request waiting for an answer past its due date
    INFORMATION = 2  # the organisation asked for information not yet provided
    CONDITION = 4  # a condition the household has not answered (or not agreed to)
    REFUSAL = 8  # a refusal without a follow-up for REFUSAL_FOLLOW_UP_DAYS
    ACTION = 16  # an action of the current plan past its date and not done
    AGREEMENT = 32  # the newest version of a plan without the household's agreement
    INTAKE = 64  # in intake for more than INTAKE_ATTENTION_DAYS days


LABELS = {
    Reason.OVERDUE: _("request overdue"),
    Reason.INFORMATION: _("information requested, not yet provided"),
    Reason.CONDITION: _("condition without the household's answer"),
    Reason.REFUSAL: _("refusal without follow-up"),
    Reason.ACTION: _("plan action past its date"),
    Reason.AGREEMENT: _("agreement with the plan pending"),
    Reason.INTAKE: _("intake older than 14 days"),
}
CODES = {
    Reason.OVERDUE: "overdue",
    Reason.INFORMATION: "information",
    Reason.CONDITION: "condition",
    Reason.REFUSAL: "refusal",
    Reason.ACTION: "action",
    Reason.AGREEMENT: "agreement",
    Reason.INTAKE: "intake",
}


def reasons_of(bits: int) -> list[Reason]:
    """The reasons in ``bits``, in the order they are shown."""
    return [reason for reason in Reason if bits & reason]


def reason_labels(bits: int) -> list[str]:
    return [str(LABELS[reason]) for reason in reasons_of(bits)]


@dataclass(frozen=True)
class Rule:
    """``rows(today)``: the rows that make ``reason`` hold today; ``case_field``: the
    path to their case's id. ``timed``: the rule can start to hold by the passing of a
    date alone (the daily job looks for those)."""

    reason: Reason
    rows: Callable[[date], QuerySet]
    case_field: str = "case_id"
    timed: bool = False


@dataclass(frozen=True)
class Deadline:
    """``rows()``: open rows with a deadline in ``date_field``; the earliest of all
    deadlines of a case is its ``next_due_on``."""

    rows: Callable[[], QuerySet]
    date_field: str
    case_field: str = "case_id"


_rules: list[Rule] = []
_deadlines: list[Deadline] = []


def register_attention_rule(rule: Rule) -> None:
    if rule not in _rules:
        _rules.append(rule)


def register_deadline(deadline: Deadline) -> None:
    if deadline not in _deadlines:
        _deadlines.append(deadline)


def rules() -> list[Rule]:
    return list(_rules)


# --- Cases' own rules ---------------------------------------------------------------


def current_versions() -> QuerySet[PlanVersion]:
    """The newest version of every plan."""
    newer = PlanVersion.objects.filter(plan=OuterRef("plan"), number__gt=OuterRef("number"))
    return PlanVersion.objects.filter(~Exists(newer))


def open_actions() -> QuerySet[PlanAction]:
    """The actions of the plans' current versions that are not done yet."""
    return PlanAction.objects.filter(
        version__in=current_versions().values("pk"),
        done__isnull=True,
    )


def overdue_actions(today: date) -> QuerySet[PlanAction]:
    return open_actions().filter(due_on__lt=today)


def _stale_intakes(today: date) -> QuerySet[Case]:
    return Case.objects.filter(
        status=Case.Status.INTAKE, opened_on__lte=today - timedelta(days=INTAKE_ATTENTION_DAYS)
    )


def _pending_agreements(today: date) -> QuerySet[PlanVersion]:
    agreed = Agreement.objects.filter(version=OuterRef("pk"))
    return current_versions().filter(~Exists(agreed))


register_attention_rule(
    Rule(Reason.INTAKE, _stale_intakes, case_field="pk", timed=True),
)
register_attention_rule(
    Rule(Reason.ACTION, overdue_actions, case_field="version__plan__case_id", timed=True),
)
register_attention_rule(
    Rule(Reason.AGREEMENT, _pending_agreements, case_field="plan__case_id"),
)
register_deadline(Deadline(open_actions, "due_on", case_field="version__plan__case_id"))


# --- The refresh ----------------------------------------------------------------------


def _reasons_expression(today: date):
    bits = Value(0)
    for rule in _rules:
        rows = rule.rows(today).filter(**{rule.case_field: OuterRef("case_id")})
        bits = bits + CaseWhen(When(Exists(rows), then=Value(int(rule.reason))), default=Value(0))
    closed = Case.objects.filter(pk=OuterRef("case_id"), status=Case.Status.CLOSED)
    return CaseWhen(When(Exists(closed), then=Value(0)), default=bits)


def _next_due_expression():
    if not _deadlines:
        return Value(None, output_field=DateField())
    earliest = []
    for deadline in _deadlines:
        rows = (
            deadline.rows()
            .filter(**{deadline.case_field: OuterRef("case_id")})
            .exclude(**{f"{deadline.date_field}__isnull": True})
            .order_by(deadline.date_field)
            .values(deadline.date_field)[:1]
        )
        earliest.append(
            Coalesce(
                Subquery(rows, output_field=DateField()),
                Value(FAR_FUTURE),
                output_field=DateField(),
            )
        )
    soonest = Least(*earliest) if len(earliest) > 1 else earliest[0]
    closed = Case.objects.filter(pk=OuterRef("case_id"), status=Case.Status.CLOSED)
    return CaseWhen(
        When(Exists(closed), then=Value(None, output_field=DateField())),
        default=NullIf(soonest, Value(FAR_FUTURE)),
        output_field=DateField(),
    )


def _insert_missing(case_ids: list[int] | None) -> int:
    """The attention rows of cases that have none yet, in one INSERT … SELECT."""
    attention = CaseAttention._meta.db_table
    cases = Case._meta.db_table
    sql = (
        f"INSERT INTO {attention} (case_id, reasons, needs_attention) "  # noqa: S608
        f"SELECT c.id, 0, %s FROM {cases} c WHERE NOT EXISTS "
        f"(SELECT 1 FROM {attention} a WHERE a.case_id = c.id)"
    )
    params: list = [False]
    if case_ids is not None:
        sql += f" AND c.id IN ({', '.join(['%s'] * len(case_ids))})"
        params += case_ids
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


def _update(rows: QuerySet[CaseAttention], today: date) -> int:
    count = rows.update(
        reasons=_reasons_expression(today),
        next_due_on=_next_due_expression(),
        refreshed_on=Value(today),
    )
    rows.update(
        needs_attention=CaseWhen(
            When(reasons=0, then=Value(False)), default=Value(True), output_field=BooleanField()
        )
    )
    return count


def refresh_attention(case_ids: Iterable[int] | None = None, *, today: date | None = None) -> int:
    """Recompute the stored attention of these cases (all cases: ``None``); returns how
    many rows were refreshed. Set-based: per thousand cases one INSERT of missing rows,
    one lock, two UPDATEs, whatever the rules. Call it inside the transaction that
    changed what a rule reads: the rows of the cases are locked first, so that two
    transactions refreshing one case one after the other each see the other's
    commit (PostgreSQL's READ COMMITTED takes a new snapshot per statement)."""
    today = today or timezone.localdate()
    if case_ids is None:
        with transaction.atomic():
            _insert_missing(None)
            return _update(CaseAttention.objects.all(), today)
    ids = sorted({int(pk) for pk in case_ids})
    count = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        with transaction.atomic():  # the caller's transaction, or one per chunk
            _insert_missing(chunk)
            rows = CaseAttention.objects.filter(case_id__in=chunk)
            list(rows.select_for_update().order_by("case_id").values_list("case_id", flat=True))
            count += _update(rows, today)
    return count


def refresh_timed_attention(today: date | None = None) -> dict:
    """The daily job, once per day (an ``AttentionSweep`` row per day, created in the
    same transaction: a second run that day, or a second process at the same time,
    finds it and does nothing). It refreshes the cases without an attention row yet,
    and the open cases where a rule that starts when a date passes holds today but the
    stored bit is not set. Nothing else changes by itself."""
    today = today or timezone.localdate()
    try:
        with transaction.atomic():
            sweep = AttentionSweep.objects.create(day=today)
            refreshed = _sweep(today)
            AttentionSweep.objects.filter(pk=sweep.pk).update(refreshed=refreshed)
    except IntegrityError:  # this day's sweep ran (or runs) elsewhere
        refreshed = 0
    return {"attention_refreshed": refreshed}


def _sweep(today: date) -> int:
    # Plain lists of ids, no server-side cursors: a cursor makes PostgreSQL plan for
    # the first rows fast (nested loops), which is minutes here instead of a second.
    missing = set(
        Case.objects.filter(attention__isnull=True).order_by().values_list("pk", flat=True)
    )
    due: set[int] = set()
    for rule in _rules:
        if not rule.timed:
            continue
        stored = CaseAttention.objects.annotate(bit=F("reasons").bitand(int(rule.reason))).filter(
            case_id=OuterRef(rule.case_field), bit__gt=0
        )
        rows = (
            rule.rows(today)
            .filter(~Exists(stored))
            .exclude(**{_case_status(rule): Case.Status.CLOSED})
        )
        due.update(rows.order_by().values_list(rule.case_field, flat=True).distinct())
    return refresh_attention(missing | due, today=today) if missing or due else 0


def _case_status(rule: Rule) -> str:
    """The path from a rule's rows to their case's status."""
    if rule.case_field == "pk":
        return "status"
    return f"{rule.case_field.removesuffix('_id')}__status"


__all__ = [
    "CODES",
    "INTAKE_ATTENTION_DAYS",
    "LABELS",
    "Deadline",
    "Reason",
    "Rule",
    "current_versions",
    "open_actions",
    "overdue_actions",
    "reason_labels",
    "reasons_of",
    "refresh_attention",
    "refresh_timed_attention",
    "register_attention_rule",
    "register_deadline",
]
