"""Every write of budgets, spends, ledger entries and settlements: keyword-only,
atomic, validating (field by field, in Dutch), and logged in the same transaction.

Money only moves through :func:`_book` and :func:`spend_reverse`, which run with the
budget's row locked (``_lock``, taken first in every write), so two simultaneous spends
can never both take the last euros.
"""

from datetime import date
from decimal import Decimal
from pathlib import Path
from uuid import uuid4

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maatwerk.audit import events
from maatwerk.audit.models import Action
from maatwerk.cases.selectors import workable_cases
from maatwerk.core.dates import date_problem
from maatwerk.core.errors import ConflictError
from maatwerk.core.money import euro, parse_amount
from maatwerk.journeys.models import EventType, JourneyEvent, Request
from maatwerk.journeys.services import record_event
from maatwerk.journeys.workflow import SOLVABLE_STATES
from maatwerk.notices.models import Kind
from maatwerk.notices.services import notify, owner_and_team

from .models import (
    Budget,
    BudgetRevision,
    LedgerEntry,
    PayeeCategory,
    PurposeCategory,
    Settlement,
    Spend,
    private_storage,
)
from .selectors import balance_of, visible_budgets, with_receivable

K = LedgerEntry.Kind


def _amount(errors: dict, field: str, raw, **kwargs) -> Decimal | None:
    try:
        return parse_amount(raw, **kwargs)
    except ValidationError as error:
        errors[field] = error.messages
        return None


def _manages(user, budget_team_id: int, permission: str) -> bool:
    return (
        user.has_perm(f"budgets.{permission}")
        and visible_budgets(user).filter(team_id=budget_team_id).exists()
    )


# --- Budgets -----------------------------------------------------------------------


def budget_set(
    *,
    request,
    user,
    team,
    year: int,
    amount,
    approval_threshold,
    professional=None,
    reason: str = "",
    version: int | None = None,
) -> Budget:
    """Create a team's (or one professional's) budget for a year, or change its amount
    or threshold. ``version`` is the version the user saw (compare-and-set)."""
    errors: dict = {}
    amount = _amount(errors, "amount", amount, allow_zero=True)
    approval_threshold = _amount(errors, "approval_threshold", approval_threshold, allow_zero=True)
    if not 2000 <= int(year) <= 2100:
        errors["year"] = [_("Give a year between 2000 and 2100.")]
    if not user.has_perm("budgets.change_budget") or not user.teams.filter(pk=team.pk).exists():
        errors["team"] = [_("You can only set the budgets of your own team.")]
    if professional is not None and not team.members.filter(pk=professional.pk).exists():
        errors["professional"] = [_("This professional is not a member of the team.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        budget = (
            Budget.objects.select_for_update()
            .filter(team=team, year=year, professional=professional)
            .order_by()
            .first()
        )
        if budget is not None:
            if version is not None and budget.version != version:
                raise ConflictError(
                    _("Someone else changed this budget in the meantime."), current=budget
                )
            spent = budget.amount - balance_of(budget.pk)
            if amount < spent:
                raise ValidationError(
                    {
                        "amount": _(
                            "The budget cannot be lower than what has been spent from it "
                            "(%(spent)s)."
                        )
                        % {"spent": euro(spent)}
                    }
                )
            old = (budget.amount, budget.approval_threshold)
            budget.amount, budget.approval_threshold = amount, approval_threshold
            budget.version += 1
            budget.save(update_fields=["amount", "approval_threshold", "version"])
            action = Action.UPDATE
            detail = f"{euro(old[0])} → {euro(amount)}; threshold {euro(old[1])} → " + euro(
                approval_threshold
            )
        else:
            budget = Budget.objects.create(
                team=team,
                year=year,
                professional=professional,
                amount=amount,
                approval_threshold=approval_threshold,
            )
            action = Action.CREATE
            detail = f"{euro(amount)}; threshold {euro(approval_threshold)}"
        BudgetRevision.objects.create(
            budget=budget,
            amount=amount,
            approval_threshold=approval_threshold,
            reason=reason.strip()[:300],
            set_by=user,
        )
        events.budget_event(request, user=user, action=action, obj=budget, detail=detail)
    return budget


# --- Spends -----------------------------------------------------------------------


def _check_journey_link(errors: dict, case, req: Request | None, on: date) -> None:
    if req is None:
        return
    if req.case_id != case.pk:
        errors["request"] = [_("Choose a request of this case.")]
        return
    if req.state not in SOLVABLE_STATES:
        errors["request"] = [
            _("A request that is “%(state)s” cannot be solved by a spend any more.")
            % {"state": req.get_state_display()}
        ]
        return
    last = JourneyEvent.objects.filter(request=req).order_by("-on").values_list("on", flat=True)
    if last and on < last[0]:
        errors["on"] = [
            _("The request's last step was on %(date)s; a spend that solves it cannot be earlier.")
            % {"date": last[0].strftime("%d-%m-%Y")}
        ]


def spend_create(
    *,
    request,
    user,
    case,
    budget: Budget,
    on: date,
    amount,
    purpose_category: str,
    description: str,
    payee_category: str,
    bridging: bool = False,
    responsible_candidates=(),
    receipt=None,
    solves_request: Request | None = None,
    ask_approval: bool = False,
) -> Spend:
    """Record a spend for a case. Up to the budget's threshold it is booked at once
    (refused when it would make the balance negative); above it — or when the
    professional asks for it, for example because the balance is not enough — it
    waits for a second budget holder's approval. Nothing is stored when anything is
    wrong."""
    if (
        not user.has_perm("budgets.add_spend")
        or not workable_cases(user).filter(pk=case.pk).exists()
    ):
        raise PermissionDenied("only a professional who may work on the case spends for it")
    errors: dict = {}
    amount = _amount(errors, "amount", amount)
    description = (description or "").strip()
    if not description:
        errors["description"] = [_("Say what is paid, for example “rent arrears March”.")]
    if purpose_category not in PurposeCategory.values:
        errors["purpose_category"] = [_("Choose a purpose.")]
    if payee_category not in PayeeCategory.values:
        errors["payee_category"] = [_("Choose who is paid.")]
    if budget.team_id != case.team_id or budget.professional_id not in (None, user.pk):
        errors["budget"] = [_("Choose a budget of this case's team.")]
    if on is None:
        errors["on"] = [_("Give the date.")]
    elif on.year != budget.year:
        errors["on"] = [
            _("The date falls outside the budget year %(year)s.") % {"year": budget.year}
        ]
    elif problem := date_problem(on):
        errors["on"] = [problem]
    candidates = list(responsible_candidates) if bridging else []
    if bridging and not candidates:
        errors["responsible_candidates"] = [
            _("Name at least one organisation that may be responsible.")
        ]
    if on is not None and "on" not in errors:
        _check_journey_link(errors, case, solves_request, on)
    if errors:
        raise ValidationError(errors)
    # The file is stored first and removed again when the database refuses the spend.
    stored = ""
    if receipt:
        today = timezone.localdate()
        extension = Path(receipt.name).suffix.lower()  # the name itself may name someone
        stored = private_storage.save(f"{today:%Y/%m}/{uuid4().hex}{extension}", receipt)
    try:
        return _spend_store(
            request=request,
            user=user,
            case=case,
            budget=budget,
            on=on,
            amount=amount,
            purpose_category=purpose_category,
            description=description,
            payee_category=payee_category,
            bridging=bridging,
            candidates=candidates,
            receipt=stored,
            solves_request=solves_request,
            ask_approval=ask_approval,
        )
    except BaseException:
        if stored:
            private_storage.delete(stored)
        raise


def _spend_store(
    *,
    request,
    user,
    case,
    budget,
    on,
    amount,
    purpose_category,
    description,
    payee_category,
    bridging,
    candidates,
    receipt,
    solves_request,
    ask_approval,
) -> Spend:
    with transaction.atomic():
        _lock(budget.pk, solves_request.pk if solves_request else None)
        # The threshold as it is now, under the lock (a budget holder may have changed it).
        budget.refresh_from_db(fields=["approval_threshold"])
        needs_approval = ask_approval or amount > budget.approval_threshold
        spend = Spend.objects.create(
            budget=budget,
            case=case,
            on=on,
            amount=amount,
            purpose_category=purpose_category,
            description=description,
            payee_category=payee_category,
            bridging=bridging,
            request=solves_request,
            receipt=receipt,
            state=Spend.State.AWAITING_APPROVAL if needs_approval else Spend.State.BOOKED,
            requested_by=user,
        )
        if candidates:
            spend.responsible_candidates.set(candidates)
        events.budget_event(
            request,
            user=user,
            action=Action.CREATE,
            obj=spend,
            household=case.household.pseudonym,
            detail=f"{spend.reference}: {euro(amount)}"
            + (" (awaiting approval)" if needs_approval else "")
            + (" bridging" if bridging else ""),
        )
        if not needs_approval:
            _book(request=request, user=user, spend=spend, override=False)
    return spend


def _lock(budget_id: int, request_id: int | None = None) -> None:
    """Lock the budget's row (and the request the spend solves) before anything is
    written: the access log takes a lock of its own that it holds until the end of
    the transaction, so a row lock taken after a log row can deadlock with a write that
    took the row first (a reversal, a budget change, a journey step)."""
    Budget.objects.select_for_update().filter(pk=budget_id).values_list("pk").get()
    if request_id is not None:
        Request.objects.select_for_update().filter(pk=request_id).values_list("pk").get()


def _book(*, request, user, spend: Spend, override: bool) -> LedgerEntry:
    """Book a spend in the ledger. Both callers (``_spend_store``, and ``spend_approve``
    through ``_decidable``) hold the budget's row lock already, so the balance read here
    cannot change until this transaction ends."""
    balance = balance_of(spend.budget_id)
    goes_negative = spend.amount > balance
    if goes_negative and not override:
        raise ValidationError(
            {
                "amount": _(
                    "This spend would make the balance negative: %(balance)s is left. Only a "
                    "budget holder can allow that: ask for a budget holder's approval."
                )
                % {"balance": euro(balance)}
            }
        )
    entry = LedgerEntry.objects.create(
        budget_id=spend.budget_id,
        spend=spend,
        kind=K.SPEND,
        on=spend.on,
        amount=spend.amount,
        override=goes_negative,
        entered_by=user,
    )
    household = spend.case.household.pseudonym
    if goes_negative:
        events.budget_event(
            request,
            user=user,
            action=Action.UPDATE,
            obj=entry,
            household=household,
            detail=f"{spend.reference}: negative balance allowed ({euro(balance)} → "
            f"{euro(balance - spend.amount)})",
        )
    if spend.request_id:
        try:
            record_event(
                request=request,
                user=user,
                req=spend.request,
                type=EventType.SOLVED,
                on=spend.on,
                intervention=spend.intervention,
                # Only the spend's reference: the organisation that sees this request
                # learns that it was solved, not what was paid for whom.
                text=spend.reference,
            )
        except ValidationError as error:
            raise ValidationError({"request": error.messages}) from None
    return entry


def _decidable(user, spend: Spend) -> Spend:
    """Lock the spend and check that this user may decide on it now. The budget (and
    the request the spend solves) is locked first, in the same order as every other
    budget write, so that two writes never wait for each other."""
    budget_id, request_id = (
        Spend.objects.filter(pk=spend.pk).values_list("budget_id", "request_id").get()
    )
    _lock(budget_id, request_id)
    spend = (
        Spend.objects.select_for_update(of=("self",))
        .select_related("case__household", "budget", "request")
        .get(pk=spend.pk)
    )
    if spend.state != Spend.State.AWAITING_APPROVAL:
        raise ValidationError(
            _("This spend has already been decided: %(state)s.")
            % {"state": spend.get_state_display()}
        )
    if spend.requested_by_id == user.pk:
        raise ValidationError(
            _("You cannot approve or refuse your own spend: a second budget holder decides.")
        )
    if not _manages(user, spend.budget.team_id, "approve_spend"):
        raise ValidationError(_("Only a budget holder of this team can decide on this spend."))
    return spend


def _decided(*, request, user, spend: Spend, state: str, **fields) -> None:
    """Record the budget holder's decision on the spend's row, and log it."""
    Spend.objects.filter(pk=spend.pk).update(
        state=state, decided_by=user, decided_at=timezone.now(), **fields
    )
    outcome = "approved" if state == Spend.State.BOOKED else "refused"
    _announce(user=user, spend=spend, approved=state == Spend.State.BOOKED)
    events.budget_event(
        request,
        user=user,
        action=Action.UPDATE,
        obj=spend,
        household=spend.case.household.pseudonym,
        detail=f"{spend.reference}: {outcome}",
    )


def _announce(*, user, spend: Spend, approved: bool) -> None:
    """The requester and the case owner (and, by preference, the team) hear of the
    decision: a notice in this transaction, delivered by the scheduler
    (docs/notices.md). The reference, the pseudonym and the date only."""
    kind = Kind.SPEND_APPROVED if approved else Kind.SPEND_REFUSED
    notify(
        kind=kind,
        recipients=[spend.requested_by, *owner_and_team(spend.case)],
        case=spend.case,
        subject="budgets.spend",
        object_id=spend.pk,
        key=f"{kind}:{spend.pk}",
        facts={
            "household": spend.case.household.pseudonym,
            "reference": spend.reference,
            "date": timezone.localdate(),
        },
        url_name="budgets:spend_detail",
        url_args=[spend.pk],
        actor=user,
    )


def spend_approve(*, request, user, spend: Spend, override: bool = False) -> Spend:
    """The second pair of eyes: a budget holder who is not the requester approves a
    spend above the threshold, which books it. ``override`` allows a negative balance
    (budget holders with ``budgets.override_balance`` only; logged)."""
    with transaction.atomic():
        spend = _decidable(user, spend)
        if override and not user.has_perm("budgets.override_balance"):
            raise ValidationError({"override": _("You may not allow a negative balance.")})
        _book(request=request, user=user, spend=spend, override=override)
        _decided(request=request, user=user, spend=spend, state=Spend.State.BOOKED)
    spend.refresh_from_db()
    return spend


def spend_refuse(*, request, user, spend: Spend, reason: str) -> Spend:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the spend is refused.")})
    with transaction.atomic():
        spend = _decidable(user, spend)
        _decided(
            request=request,
            user=user,
            spend=spend,
            state=Spend.State.REFUSED,
            refusal_reason=reason[:500],
        )
    spend.refresh_from_db()
    return spend


def spend_reverse(
    *, request, user, spend: Spend, reason: str, amount=None, on: date | None = None
) -> LedgerEntry:
    """Correct a booked spend with a reversal entry that refers to it (all of it, or
    part). The original entry stays as it was."""
    errors: dict = {}
    on = on or timezone.localdate()
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("Say why the spend is corrected.")]
    parsed = _amount(errors, "amount", amount) if amount not in (None, "") else None
    with transaction.atomic():
        Budget.objects.select_for_update().filter(pk=spend.budget_id).values_list("pk").get()
        Spend.objects.select_for_update().filter(pk=spend.pk).values_list("pk").get()
        spend = (
            with_receivable(Spend.objects.filter(pk=spend.pk))
            .select_related("budget", "case__household")
            .get()
        )
        if not _manages(user, spend.budget.team_id, "reverse_spend"):
            raise ValidationError(_("Only a budget holder of this team can correct a spend."))
        if spend.state != Spend.State.BOOKED:
            raise ValidationError(_("Only a booked spend can be corrected."))
        # What may still be reversed: what was paid and not yet reversed, and — for a
        # bridging spend — not already reimbursed by the responsible organisation.
        reversible = spend.booked - spend.reversed - (spend.reimbursed if spend.bridging else 0)
        if parsed is None and "amount" not in errors:
            parsed = reversible
        if parsed is not None and parsed > reversible:
            errors["amount"] = [
                _("At most %(amount)s can be reversed.") % {"amount": euro(reversible)}
            ]
        if parsed is not None and parsed <= 0 and "amount" not in errors:
            errors["amount"] = [_("Nothing is left to reverse.")]
        if on.year != spend.budget.year:
            errors["on"] = [
                _("The date falls outside the budget year %(year)s.") % {"year": spend.budget.year}
            ]
        elif on < spend.on:
            errors["on"] = [_("A correction cannot be dated before the spend.")]
        elif problem := date_problem(on):
            errors["on"] = [problem]
        if errors:
            raise ValidationError(errors)
        entry = LedgerEntry.objects.create(
            budget_id=spend.budget_id,
            spend=spend,
            kind=K.REVERSAL,
            on=on,
            amount=parsed,
            reason=reason[:500],
            entered_by=user,
        )
        events.budget_event(
            request,
            user=user,
            action=Action.UPDATE,
            obj=entry,
            household=spend.case.household.pseudonym,
            detail=f"{spend.reference}: reversal {euro(parsed)}",
        )
    return entry


def spend_settle(
    *,
    request,
    user,
    spend: Spend,
    responsible,
    amount,
    on: date | None,
    final: bool = False,
    note: str = "",
) -> Settlement:
    """Record who turned out to be responsible for a bridging spend and what they paid
    back (partial reimbursements add up; ``final`` closes the receivable)."""
    errors: dict = {}
    parsed = _amount(errors, "amount", amount, allow_zero=True)
    if parsed == 0 and not final:
        errors["amount"] = [
            _("Enter the reimbursed amount, or mark the receivable as settled in full.")
        ]
    if responsible is None:
        errors["responsible"] = [_("Choose the organisation that turned out to be responsible.")]
    with transaction.atomic():
        Spend.objects.select_for_update().filter(pk=spend.pk).values_list("pk").get()
        spend = (
            with_receivable(Spend.objects.filter(pk=spend.pk))
            .select_related("budget", "case__household")
            .get()
        )
        if not _manages(user, spend.budget.team_id, "settle_spend"):
            raise ValidationError(_("You may not settle this spend."))
        if not spend.bridging or spend.state != Spend.State.BOOKED:
            raise ValidationError(_("Only a booked bridging spend can be settled."))
        if spend.closed:
            raise ValidationError(_("This receivable has already been settled in full."))
        if parsed is not None and parsed > spend.open_amount and "amount" not in errors:
            errors["amount"] = [
                _("You cannot settle more than was paid: %(open)s is still open.")
                % {"open": euro(spend.open_amount)}
            ]
        if on is None:
            errors["on"] = [_("Give the date.")]
        elif on < spend.on:
            errors["on"] = [_("A reimbursement cannot be dated before the spend.")]
        elif problem := date_problem(on):
            errors["on"] = [problem]
        if errors:
            raise ValidationError(errors)
        settlement = Settlement.objects.create(
            spend=spend,
            responsible=responsible,
            amount=parsed,
            on=on,
            final=final,
            note=(note or "").strip()[:500],
            entered_by=user,
        )
        events.budget_event(
            request,
            user=user,
            action=Action.UPDATE,
            obj=settlement,
            household=spend.case.household.pseudonym,
            detail=f"{spend.reference}: {euro(parsed)} reimbursed by {responsible}"
            + (" (settled in full)" if final else ""),
        )
    return settlement
