"""Writes of the early signals. Every write runs in one transaction with its access-log
row (processing activity ``early_signals``).

``intake_signals`` is the one way in for signals (the upload now, the API of issue 15
later): it deduplicates (the same creditor and reference updates the signal, and keeps
its earlier figures), bundles (signals for one address within the window form one
bundle), computes each bundle's deadline and places it in a tray by the current rules,
set-based: a constant number of queries per chunk of ``CHUNK`` rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maatwerk.audit.models import Action, ProcessingActivity
from maatwerk.audit.services import log_access
from maatwerk.core.money import euro

from . import deadlines, weighing
from .models import (
    Bundle,
    BundleStatus,
    Creditor,
    Intake,
    Outcome,
    OutreachAttempt,
    Rule,
    RuleVersion,
    Signal,
    SignalChange,
)
from .rows import SignalRow

CHUNK = 2000
# The advisory lock that serialises intakes on PostgreSQL (two deliveries at once must
# not open two bundles for one address); SQLite serialises every write transaction.
INTAKE_LOCK = 0x5349474E  # "SIGN"

# The personal details a new delivery of a known signal replaces.
DETAIL_FIELDS = (
    "surname",
    "tussenvoegsel",
    "first_names",
    "date_of_birth",
    "street",
    "house_number",
    "house_number_addition",
    "postcode",
    "city",
    "phone",
    "email",
)
FIGURE_FIELDS = ("type", "amount", "months_in_arrears", "signal_date")


@dataclass(frozen=True)
class IntakeResult:
    intake: Intake
    created: int
    updated: int
    bundles_created: int


def _lock_intake() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [INTAKE_LOCK])


def _chunks(items: Sequence, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def update_rows(model, objs, field_names, *, batch_size: int = 1000) -> None:
    """Write ``field_names`` of ``objs`` in one statement per batch: ``WITH v(...) AS
    (VALUES ...) UPDATE ... FROM v``, on PostgreSQL and SQLite (3.33+). What
    ``bulk_update`` does with a CASE per field and row, which grows with rows × fields
    (seconds per thousand rows here). The values go through each field's
    ``get_db_prep_save``, so encrypted fields are encrypted as on save."""
    if not objs:
        return
    meta = model._meta
    fields = [meta.get_field(name) for name in field_names]
    pk = meta.pk
    quote = connection.ops.quote_name
    postgres = connection.vendor == "postgresql"

    def cell(field):
        return f"CAST(%s AS {field.cast_db_type(connection)})" if postgres else "%s"

    columns = [pk, *fields]
    row_sql = "(" + ", ".join(cell(field) for field in columns) + ")"
    names = ", ".join(quote(f"v_{field.column}") for field in columns)
    assignments = ", ".join(
        f"{quote(field.column)} = v.{quote(f'v_{field.column}')}" for field in fields
    )
    table = quote(meta.db_table)
    with connection.cursor() as cursor:
        for batch in _chunks(list(objs), batch_size):
            params = []
            for obj in batch:
                params.append(pk.get_db_prep_save(obj.pk, connection))
                for field in fields:
                    params.append(field.get_db_prep_save(field.pre_save(obj, False), connection))
            # Only quoted names from the model's metadata in the text; the values are
            # parameters.
            sql = (
                f"WITH v({names}) AS (VALUES {', '.join([row_sql] * len(batch))}) "  # noqa: S608
                f"UPDATE {table} SET {assignments} FROM v "
                f"WHERE {table}.{quote(pk.column)} = v.{quote(f'v_{pk.column}')}"
            )
            cursor.execute(sql, params)


def insert_rows(model, objs, *, batch_size: int = 1000) -> None:
    """``INSERT`` ``objs`` (new rows whose ids are not needed back) with one multi-row
    statement per batch. Django's ``bulk_create`` compiles every value of every row
    through the SQL compiler, which cost more than the encryption itself; here each
    value goes through its field's ``pre_save`` and ``get_db_prep_save`` only (so
    encrypted fields are encrypted and ``auto_now`` is set, as on save)."""
    if not objs:
        return
    meta = model._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    table = quote(meta.db_table)
    with connection.cursor() as cursor:
        for batch in _chunks(list(objs), batch_size):
            params = [
                field.get_db_prep_save(field.pre_save(obj, True), connection)
                for obj in batch
                for field in fields
            ]
            # Only quoted names from the model's metadata; the values are parameters.
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES "  # noqa: S608
                + ", ".join([row_sql] * len(batch)),
                params,
            )


def _figures_of(bundle_ids) -> dict[int, weighing.Figures]:
    """The figures of these bundles from all their signals (one query per chunk; the
    columns read are not encrypted)."""
    figures: dict[int, weighing.Figures] = defaultdict(weighing.Figures)
    ids = list(bundle_ids)
    for chunk in _chunks(ids):
        rows = Signal.objects.filter(bundle_id__in=chunk).values_list(
            "bundle_id",
            "type",
            "creditor_id",
            "amount",
            "months_in_arrears",
            "contact_due_on",
            "signal_date",
            "received_on",
        )
        for bundle_id, kind, creditor_id, amount, months, due, signal_date, received in rows:
            figures[bundle_id].add(
                type=kind,
                creditor_id=creditor_id,
                amount=amount,
                months=months,
                due_on=due,
                signal_date=signal_date,
                received_on=received,
            )
    return figures


PLACED_FIELDS = [
    "signal_count",
    "creditor_count",
    "total_amount",
    "max_months",
    "threatening",
    "contact_due_on",
    "last_signal_on",
    "first_signal_on",
    "tray",
    "priority",
    "rule",
    "rule_version",
]


def refresh_bundles(bundle_ids, *, rules=None) -> int:
    """Recompute the cached figures of these bundles from their signals, and place
    each by the current rules (or ``rules``: ``(version, [rule])``). Returns how many
    bundles changed."""
    version, rule_list = rules if rules is not None else weighing.current_rules()
    figures = _figures_of(bundle_ids)
    changed = []
    for chunk in _chunks(list(bundle_ids)):
        for bundle in Bundle.objects.filter(pk__in=chunk):
            figure = figures.get(bundle.pk)
            if figure is None:
                continue
            values = {
                **figure.bundle_values(),
                "first_signal_on": figure.first_signal_on,
                **weighing.place(figure, version, rule_list),
            }
            if any(getattr(bundle, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(bundle, name, value)
                changed.append(bundle)
    update_rows(Bundle, changed, PLACED_FIELDS)
    return len(changed)


def _row_values(row: SignalRow) -> dict:
    return {
        "type": row.type,
        "amount": row.amount,
        "months_in_arrears": row.months_in_arrears,
        "signal_date": row.signal_date,
        "address_key": row.address_key,
        "person_key": row.person_key,
        **{name: getattr(row, name) for name in DETAIL_FIELDS},
    }


def _duplicate_references(rows: Sequence[SignalRow]) -> dict[int, str]:
    seen: dict[str, int] = {}
    problems = {}
    for index, row in enumerate(rows):
        if row.creditor_reference in seen:
            problems[index] = _("The reference %(reference)s is also in row %(row)s.") % {
                "reference": row.creditor_reference,
                "row": seen[row.creditor_reference] + 1,
            }
        else:
            seen[row.creditor_reference] = index
    return problems


def intake_signals(
    rows: Sequence[SignalRow],
    *,
    creditor: Creditor,
    team,
    user=None,
    request=None,
    source: str = Intake.Source.UPLOAD,
    file_name: str = "",
    today: date | None = None,
) -> IntakeResult:
    """Store validated signals of one creditor for ``team`` (the team that handles the
    municipality's signals). One transaction: all rows or none.

    - A row whose reference the creditor sent before updates that signal: its figures
      and details are replaced, the earlier figures kept as a ``SignalChange``; it
      stays in its bundle unless its address changed.
    - A new row joins the open bundle of the same team with the same address key whose
      first signal is at most ``SIGNAL_BUNDLE_DAYS`` before the row's signal date (and
      not after it by more than that); otherwise it opens a new bundle.
    - Each touched bundle gets its figures, its deadline and its tray refreshed.

    Raises ValidationError when a reference occurs twice in ``rows`` (``referentie``,
    naming the rows) or the creditor is inactive.
    """
    if not creditor.active:
        raise ValidationError(_("This creditor no longer sends signals."))
    duplicates = _duplicate_references(rows)
    if duplicates:
        raise ValidationError({"referentie": list(duplicates.values())})
    today = today or timezone.localdate()
    window = timedelta(days=settings.SIGNAL_BUNDLE_DAYS)
    due_normal = deadlines.contact_due_on("rent", today)
    due_threat = deadlines.contact_due_on("eviction_announced", today)

    def due_for(kind: str) -> date:
        return due_threat if kind in deadlines.THREATENING else due_normal

    with transaction.atomic():
        _lock_intake()
        intake = Intake.objects.create(
            creditor=creditor,
            team=team,
            source=source,
            received_by=user if user is not None and user.is_authenticated else None,
            file_name=file_name[:200],
        )
        rules = weighing.current_rules()
        touched: set[int] = set()
        created = updated = bundles_created = 0
        for chunk in _chunks(list(rows)):
            existing = {
                signal.creditor_reference: signal
                for signal in Signal.objects.filter(
                    creditor=creditor,
                    creditor_reference__in=[row.creditor_reference for row in chunk],
                )
            }
            # Which rows need a bundle: the new ones, and the updates that moved.
            needs_bundle = [
                row
                for row in chunk
                if row.creditor_reference not in existing
                or existing[row.creditor_reference].address_key != row.address_key
            ]
            open_bundles: dict[str, list[Bundle]] = defaultdict(list)
            keys = {row.address_key for row in needs_bundle}
            if keys:
                earliest = min(row.signal_date for row in needs_bundle) - window
                for bundle in Bundle.objects.filter(
                    team=team,
                    address_key__in=keys,
                    outcome="",
                    first_signal_on__gte=earliest,
                ).order_by("-first_signal_on", "-pk"):
                    open_bundles[bundle.address_key].append(bundle)

            def bundle_for(row: SignalRow, open_bundles=open_bundles) -> Bundle | None:
                for bundle in open_bundles.get(row.address_key, ()):
                    start = bundle.first_signal_on
                    if start - window <= row.signal_date <= start + window:
                        return bundle
                return None

            # New bundles for the addresses without an open one (one per address).
            new_bundles: dict[str, Bundle] = {}
            new_figures: dict[str, weighing.Figures] = defaultdict(weighing.Figures)
            for row in needs_bundle:
                if row.address_key in new_bundles or bundle_for(row) is not None:
                    continue
                new_bundles[row.address_key] = Bundle(
                    team=team,
                    address_key=row.address_key,
                    first_signal_on=row.signal_date,
                    received_on=today,
                    status=BundleStatus.OPEN,
                )
            # A new bundle's figures come from its rows here (no refresh needed).
            for row in chunk:
                if (
                    row.creditor_reference not in existing
                    and row.address_key in new_bundles
                    and bundle_for(row) is None
                ):
                    new_figures[row.address_key].add(
                        type=row.type,
                        creditor_id=creditor.pk,
                        amount=row.amount,
                        months=row.months_in_arrears,
                        due_on=due_for(row.type),
                        signal_date=row.signal_date,
                        received_on=today,
                    )
            for key, bundle in new_bundles.items():
                figure = new_figures.get(key)
                if figure is None:  # only moved updates go there: refreshed below
                    continue
                bundle.first_signal_on = figure.first_signal_on
                for name, value in figure.bundle_values().items():
                    setattr(bundle, name, value)
                for name, value in weighing.place(figure, *rules).items():
                    setattr(bundle, name, value)
            Bundle.objects.bulk_create(list(new_bundles.values()), batch_size=1000)
            bundles_created += len(new_bundles)
            touched.update(
                bundle.pk for key, bundle in new_bundles.items() if key not in new_figures
            )

            to_create, to_update, history = [], [], []
            for row in chunk:
                signal = existing.get(row.creditor_reference)
                if signal is None:
                    bundle = bundle_for(row)
                    if bundle is None:
                        bundle = new_bundles[row.address_key]  # figures already set
                    else:
                        touched.add(bundle.pk)
                    to_create.append(
                        Signal(
                            bundle=bundle,
                            creditor=creditor,
                            creditor_reference=row.creditor_reference,
                            received_on=today,
                            contact_due_on=due_for(row.type),
                            **_row_values(row),
                        )
                    )
                    continue
                history.append(
                    SignalChange(
                        signal=signal,
                        version=signal.version,
                        replaced_on=today,
                        **{name: getattr(signal, name) for name in FIGURE_FIELDS},
                    )
                )
                touched.add(signal.bundle_id)
                if signal.address_key != row.address_key:
                    signal.bundle = bundle_for(row) or new_bundles[row.address_key]
                    touched.add(signal.bundle_id)
                for name, value in _row_values(row).items():
                    setattr(signal, name, value)
                signal.received_on = today
                signal.contact_due_on = min(signal.contact_due_on, due_for(row.type))
                signal.version += 1
                signal.updated_at = timezone.now()
                to_update.append(signal)
            insert_rows(Signal, to_create)
            if to_update:
                update_rows(
                    Signal,
                    to_update,
                    [
                        *_row_values(rows[0]).keys(),
                        "bundle",
                        "received_on",
                        "contact_due_on",
                        "version",
                        "updated_at",
                    ],
                    batch_size=500,
                )
                insert_rows(SignalChange, history)
            created += len(to_create)
            updated += len(to_update)

        refresh_bundles(touched, rules=rules)
        intake.created, intake.updated = created, updated
        intake.save(update_fields=["created", "updated"])
        log_access(
            action=Action.CREATE,
            processing_activity=ProcessingActivity.EARLY_SIGNALS,
            request=request,
            actor=user,
            obj=intake,
            detail=(
                f"signals received from {creditor.organisation.name}: {created} new, "
                f"{updated} updated, {bundles_created} new bundles"
            )[:500],
        )
    return IntakeResult(
        intake=intake, created=created, updated=updated, bundles_created=bundles_created
    )


# --- The weighing: a new version of the rules ----------------------------------------


def _log(request, user, action, bundle=None, *, obj=None, detail: str = "") -> None:
    log_access(
        action=action,
        processing_activity=ProcessingActivity.EARLY_SIGNALS,
        request=request,
        actor=user,
        obj=obj if obj is not None else bundle,
        household=bundle.reference if bundle is not None else "",
        detail=detail[:500],
    )


def rules_save(*, request, user, note: str, rules: list[dict]) -> RuleVersion:
    """A new version of the weighing with these rules, in this order (each dict: name,
    tray, priority, signal_types, min_amount, min_months, min_creditors, threatening).
    The earlier versions stay as they were. The open bundles are placed again by the
    new version in the background (``tasks.place_open_bundles``)."""
    from . import tasks  # the task module imports these services

    if not note.strip():
        raise ValidationError({"note": _("Say what changed, and why.")})
    with transaction.atomic():
        last = RuleVersion.objects.select_for_update().order_by("-number").first()
        version = RuleVersion.objects.create(
            number=(last.number + 1) if last else 1, created_by=user, note=note.strip()
        )
        Rule.objects.bulk_create(
            [
                Rule(
                    version=version,
                    position=position,
                    name=rule["name"],
                    tray=rule["tray"],
                    priority=rule["priority"],
                    signal_types=sorted(rule.get("signal_types") or []),
                    min_amount=rule.get("min_amount"),
                    min_months=rule.get("min_months"),
                    min_creditors=rule.get("min_creditors"),
                    threatening=bool(rule.get("threatening")),
                )
                for position, rule in enumerate(rules, start=1)
            ]
        )
        log_access(
            action=Action.CREATE,
            processing_activity=ProcessingActivity.EARLY_SIGNALS,
            request=request,
            actor=user,
            obj=version,
            detail=f"rules version {version.number}: {len(rules)} rules; {note}"[:500],
        )
        transaction.on_commit(lambda: tasks.place_open_bundles.enqueue(version.pk))
    return version


def place_open_bundles() -> int:
    """Place every bundle without an outcome again by the current rules."""
    ids = list(Bundle.objects.filter(outcome="").values_list("pk", flat=True))
    changed = 0
    for chunk in _chunks(ids, 5000):
        with transaction.atomic():
            changed += refresh_bundles(chunk)
    return changed


# --- Triage: assignment, outreach, outcome ------------------------------------------


def _locked(bundle: Bundle) -> Bundle:
    return Bundle.objects.select_for_update().get(pk=bundle.pk)


def bundle_assign(*, request, user, bundle: Bundle, assignee) -> Bundle:
    """Assign the bundle to a professional of its team (``assignable``)."""
    from .selectors import assignable

    if not assignable(bundle).filter(pk=assignee.pk).exists():
        raise ValidationError({"assigned_to": _("Choose a professional of the bundle's team.")})
    with transaction.atomic():
        locked = _locked(bundle)
        locked.assigned_to = assignee
        locked.save(update_fields=["assigned_to"])
        _log(request, user, Action.UPDATE, locked, detail=f"assigned to {assignee.username}")
    return locked


def attempt_record(
    *, request, user, bundle: Bundle, kind: str, on: date, result: str, note: str = ""
) -> OutreachAttempt:
    """Record one attempt to reach the household. The first one that reached it is
    the first contact (what the deadline asks for)."""
    today = timezone.localdate()
    if on > today:
        raise ValidationError({"on": _("The date cannot be in the future.")})
    if on < bundle.received_on:
        raise ValidationError({"on": _("The date cannot be before the signal was received.")})
    if kind == OutreachAttempt.Kind.LETTER and result == OutreachAttempt.Result.REACHED:
        raise ValidationError({"result": _("A letter is sent; record a reply as a call or visit.")})
    if kind != OutreachAttempt.Kind.LETTER and result == OutreachAttempt.Result.SENT:
        raise ValidationError({"result": _("Only a letter is sent.")})
    with transaction.atomic():
        locked = _locked(bundle)
        if locked.status == BundleStatus.CLOSED:
            raise ValidationError(_("This bundle has been closed."))
        attempt = OutreachAttempt.objects.create(
            bundle=locked, kind=kind, on=on, result=result, note=note, recorded_by=user
        )
        if result == OutreachAttempt.Result.REACHED and (
            locked.first_contact_on is None or on < locked.first_contact_on
        ):
            locked.first_contact_on = on
            locked.status = BundleStatus.CONTACTED
            locked.save(update_fields=["first_contact_on", "status"])
        _log(
            request, user, Action.CREATE, locked, obj=attempt, detail=f"outreach: {kind}, {result}"
        )
    return attempt


def _facts(bundle: Bundle) -> str:
    """What the signals say, for a new case's "what is needed": types, creditors,
    amounts and months; no name, no address, no reference of the creditor."""
    lines = [_("Early signals (%(reference)s):") % {"reference": bundle.reference}]
    for signal in bundle.signals.select_related("creditor__organisation").order_by("pk"):
        lines.append(
            _("- %(type)s at %(creditor)s: %(amount)s, %(months)s months in arrears")
            % {
                "type": signal.get_type_display(),
                "creditor": signal.creditor.organisation.name,
                "amount": euro(signal.amount),
                "months": signal.months_in_arrears,
            }
        )
    return "\n".join(lines)


def bundle_close(*, request, user, bundle: Bundle, outcome: str, on: date, case=None) -> Bundle:
    """The outcome of the outreach. Help accepted needs a case (``case_open_for`` or an
    existing case the user works on); already in help may name one."""
    from maatwerk.cases.selectors import workable_cases

    today = timezone.localdate()
    if on > today:
        raise ValidationError({"on": _("The date cannot be in the future.")})
    if on < bundle.received_on:
        raise ValidationError({"on": _("The date cannot be before the signal was received.")})
    if outcome == Outcome.HELP_ACCEPTED and case is None:
        raise ValidationError({"case": _("Help accepted: open a case or choose one.")})
    if case is not None and not workable_cases(user).filter(pk=case.pk).exists():
        raise ValidationError({"case": _("Choose a case you work on.")})
    with transaction.atomic():
        locked = _locked(bundle)
        if locked.status == BundleStatus.CLOSED:
            raise ValidationError(_("This bundle has been closed."))
        locked.outcome, locked.outcome_on, locked.status = outcome, on, BundleStatus.CLOSED
        if case is not None:
            locked.case = case
        locked.save(update_fields=["outcome", "outcome_on", "status", "case"])
        _log(
            request,
            user,
            Action.UPDATE,
            locked,
            detail=f"outcome {outcome}" + (f", case {case.reference}" if case else ""),
        )
    return locked


def case_open_for(
    *,
    request,
    user,
    bundle: Bundle,
    team,
    perspective: str,
    composition: str,
    adults: int,
    children: int,
    copy_identity: bool,
):
    """Help accepted: open a case for the household, with the signals' facts as what is
    needed (types, creditors, amounts; no identifiers), finances (and housing, for
    rent or an eviction) as its life domains, and, with ``copy_identity``, the name and
    address of the first signal as the household's details (encrypted, the team only):
    what the case needs to reach the household; no date of birth, phone or e-mail."""
    from maatwerk.cases.models import HouseholdIdentity
    from maatwerk.cases.services import case_open
    from maatwerk.register.models import LifeDomain

    codes = ["finances"]
    types = set(bundle.signals.values_list("type", flat=True))
    if types & {"rent", "eviction_announced"}:
        codes.append("housing")
    domains = list(LifeDomain.objects.filter(code__in=codes))
    primary = next((domain for domain in domains if domain.code == "finances"), None)
    if primary is None:
        raise ValidationError(_("The life domain finances is missing from the register."))
    with transaction.atomic():
        case = case_open(
            request=request,
            user=user,
            team=team,
            perspective=perspective,
            needed=_facts(bundle),
            life_domains=domains,
            primary_domain=primary,
            composition=composition,
            adults=adults,
            children=children,
            safety_concern=False,
        )
        if copy_identity:
            first = bundle.signals.order_by("pk").first()
            names = " ".join(
                part for part in (first.first_names, first.tussenvoegsel, first.surname) if part
            )
            HouseholdIdentity.objects.create(
                household=case.household,
                names=names[:300],
                street=first.street,
                house_number=first.house_number,
                house_number_addition=first.house_number_addition,
                postcode=first.postcode,
                city=first.city,
            )
        bundle_close(
            request=request,
            user=user,
            bundle=bundle,
            outcome=Outcome.HELP_ACCEPTED,
            on=timezone.localdate(),
            case=case,
        )
    return case
