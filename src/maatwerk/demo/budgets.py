"""Demo budgets (maatwerk demo): a team budget for this year per demo team, and spends
on the demo cases that fit their stories — booked at once, approved by a second pair of
eyes, one still awaiting approval, a bridging spend that is partly settled, and one
reversal.

Everything goes through :mod:`maatwerk.budgets.services`, so the four-eyes rule, the
balance check and the access log see it like real work (and the journey link, for a
spend given ``solves``: the case's request to that organisation, if it can be solved).

Who acts: the case's owner asks for the spend; the team's budget holder sets the
budget and approves, corrects and settles. A team without a budget holder among its
members (someone with every budget holder's permission who is not the case owner)
gets no demo budget: ``budget_set`` only lets a member of the team set its budget.

Idempotent: a team whose budget for this year already has spends is left alone, and
an existing budget is never changed.

Dates lie in the current year and never in the future (the demo runs on any day,
1 January included), never before the case was opened and — for a spend that solves a
request — never before that request's last step.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from maatwerk.accounts.models import Team, User
from maatwerk.budgets import services
from maatwerk.budgets.models import Budget, PayeeCategory, PurposeCategory, Spend
from maatwerk.cases.models import Case
from maatwerk.journeys.models import Request
from maatwerk.journeys.workflow import SOLVABLE_STATES
from maatwerk.register.models import Organisation

HOLDER_PERMISSIONS = (
    "budgets.change_budget",
    "budgets.approve_spend",
    "budgets.reverse_spend",
    "budgets.settle_spend",
)


@dataclass(frozen=True)
class DemoSpend:
    plan: str  # the title of the case's plan (how journeys.demo finds the demo cases)
    days_ago: int
    amount: str
    purpose: str
    payee: str
    description: str
    approve: bool = True  # above the threshold: approved by the budget holder, or left waiting
    candidates: tuple[str, ...] = ()  # bridging: organisations that may be responsible
    solves: str = ""  # the organisation of the case's request this spend solves, if any
    reversal: tuple[int, str] | None = None  # days ago, reason (the whole spend)
    settlement: tuple[int, str, str, str] | None = None  # days ago, organisation, amount, note


@dataclass(frozen=True)
class DemoBudget:
    team: str
    amount: str
    approval_threshold: str
    spends: tuple[DemoSpend, ...]


BUDGETS = [
    DemoBudget(
        "Wijkteam Zaandam-Oost",
        "25000.00",
        "1000.00",
        (
            # 4. Insurer and municipality each point at the other: the team pays the care
            #    at school now and settles later who pays; the municipality has paid back
            #    part. It does not solve the insurer's refused request (which it could:
            #    solves="Zorgverzekeraar Voorbeeld"), so that the demo keeps one request
            #    whose last step is a refusal, with its counter-arguments.
            DemoSpend(
                "Zorg op school",
                90,
                "2375.00",
                PurposeCategory.HEALTH,
                PayeeCategory.CARE_PROVIDER,
                "Begeleiding op school (bloedsuiker, insuline, glutenvrij eten) voor een "
                "kwartaal, zolang onduidelijk is wie betaalt",
                candidates=("Zorgverzekeraar Voorbeeld", "Gemeente Zaanstad"),
                settlement=(
                    20,
                    "Gemeente Zaanstad",
                    "1500.00",
                    "Jeugdwet: de gemeente betaalt de begeleiding terug; het deel voor de "
                    "verpleegkundige handelingen ligt nog bij de zorgverzekeraar.",
                ),
            ),
            # 1. The car for the oldest son: taxis to the hospital until it is there.
            DemoSpend(
                "Thuis blijven wonen",
                60,
                "864.00",
                PurposeCategory.TRANSPORT,
                PayeeCategory.SUPPLIER,
                "Taxivervoer oudste zoon naar ziekenhuis en dagbesteding, zes weken, tot de "
                "aangepaste auto er is",
            ),
            # 2. She lost her job and wants to work again: dental repair the basic
            #    insurance does not cover, before the job interviews.
            DemoSpend(
                "De schuldregeling afmaken",
                45,
                "685.00",
                PurposeCategory.HEALTH,
                PayeeCategory.CARE_PROVIDER,
                "Tandherstel vóór de sollicitatiegesprekken (niet in de basisverzekering)",
            ),
            # 6. A deposit for a cheaper room near her school; the landlord let the room
            #    to someone else and paid the deposit back: corrected with a reversal.
            DemoSpend(
                "Een schone lei",
                30,
                "950.00",
                PurposeCategory.DEPOSIT,
                PayeeCategory.LANDLORD,
                "Borg voor een goedkopere kamer dicht bij de opleiding",
                reversal=(
                    12,
                    "De verhuurder heeft de kamer aan een ander verhuurd en de borg teruggestort.",
                ),
            ),
            # 7. No benefit yet: two months of rent arrears paid before the eviction
            #    notice, above the threshold, so approved by the budget holder.
            DemoSpend(
                "Eerst inkomen, dan de inschrijving",
                14,
                "1480.00",
                PurposeCategory.HOUSING,
                PayeeCategory.LANDLORD,
                "Huurachterstand van twee maanden, zodat de ontruimingsprocedure stopt",
            ),
            # 6. Tuition and books so she can finish her course: waiting for approval
            #    (the demo budget holder's inbox).
            DemoSpend(
                "Een schone lei",
                3,
                "1240.00",
                PurposeCategory.WORK_EDUCATION,
                PayeeCategory.EDUCATION,
                "Lesgeld en boeken mbo-opleiding voor dit schooljaar",
                approve=False,
            ),
        ),
    ),
    DemoBudget(
        "Buurtteam Overvecht",
        "20000.00",
        "750.00",
        (
            # 3. The rent arrears paid from the budget, so the eviction stops.
            DemoSpend(
                "Rust in eigen huis",
                60,
                "4200.00",
                PurposeCategory.HOUSING,
                PayeeCategory.LANDLORD,
                "Huurachterstand betalen uit het maatwerkbudget, zodat de ontruiming stopt",
                solves="Woningcorporatie Voorbeeld Wonen",
            ),
            # 5. The first session with a debt counsellor she trusts, outside the
            #    municipality's queue: above the threshold, waiting for the second
            #    budget holder's approval (budget_holder2's start page).
            DemoSpend(
                "Eerst praten over de schulden",
                2,
                "960.00",
                PurposeCategory.DEBTS,
                PayeeCategory.OTHER,
                "Vijf gesprekken met een onafhankelijke schuldhulpverlener, vóór de "
                "aanmelding bij de gemeentelijke schuldhulp",
                approve=False,
            ),
        ),
    ),
]


def _holder(team: Team) -> User | None:
    """A member of the team with every budget holder's permission (the demo user
    ``budget_holder`` first). A spend whose case this user owns is skipped (four eyes)."""
    members = team.members.filter(is_active=True).order_by("username")
    candidates = sorted(members, key=lambda user: user.username != "budget_holder")
    for user in candidates:
        if all(user.has_perm(perm) for perm in HOLDER_PERMISSIONS):
            return user
    return None


class _Dates:
    def __init__(self):
        self.today = timezone.localdate()
        self.first = date(self.today.year, 1, 1)

    def ago(self, days: int, *not_before: date) -> date:
        """``days`` before today, but in this year and not before any of ``not_before``."""
        return max(self.first, self.today - timedelta(days=days), *not_before)


def _solvable(case: Case, organisation: str) -> Request | None:
    req = case.requests.filter(organisation__name=organisation).order_by("id").first()
    if req is None or req.state not in SOLVABLE_STATES:
        return None
    return req


def _spend(demo: DemoSpend, budget: Budget, holder: User, dates: _Dates) -> bool:
    case = Case.objects.filter(team=budget.team, plans__title=demo.plan).order_by("id").first()
    if case is None or case.owner == holder:
        return False
    req = _solvable(case, demo.solves) if demo.solves else None
    not_before = [case.opened_on]
    if req is not None:
        last = req.events.order_by("-on").values_list("on", flat=True).first()
        not_before += [last] if last else []
    spend = services.spend_create(
        request=None,
        user=case.owner,
        case=case,
        budget=budget,
        on=dates.ago(demo.days_ago, *not_before),
        amount=Decimal(demo.amount),
        purpose_category=demo.purpose,
        description=demo.description,
        payee_category=demo.payee,
        bridging=bool(demo.candidates),
        responsible_candidates=list(Organisation.objects.filter(name__in=demo.candidates)),
        solves_request=req,
    )
    if spend.state == Spend.State.AWAITING_APPROVAL and demo.approve:
        spend = services.spend_approve(request=None, user=holder, spend=spend)
    if demo.reversal:
        days, reason = demo.reversal
        services.spend_reverse(
            request=None, user=holder, spend=spend, reason=reason, on=dates.ago(days, spend.on)
        )
    if demo.settlement:
        days, organisation, amount, note = demo.settlement
        services.spend_settle(
            request=None,
            user=holder,
            spend=spend,
            responsible=Organisation.objects.get(name=organisation),
            amount=Decimal(amount),
            on=dates.ago(days, spend.on),
            note=note,
        )
    return True


@transaction.atomic
def create_demo_budgets() -> int:
    """Create the demo budgets and spends that do not exist yet; returns the number of
    spends created."""
    dates = _Dates()
    created = 0
    for demo in BUDGETS:
        team = Team.objects.filter(name=demo.team).first()
        holder = _holder(team) if team else None
        if holder is None:
            continue  # nobody in this team may set its budget
        budget = Budget.objects.filter(
            team=team, year=dates.today.year, professional__isnull=True
        ).first()
        if budget is None:
            budget = services.budget_set(
                request=None,
                user=holder,
                team=team,
                year=dates.today.year,
                amount=Decimal(demo.amount),
                approval_threshold=Decimal(demo.approval_threshold),
                reason="Demo: het maatwerkbudget van het team voor dit jaar.",
            )
        elif budget.spends.exists():
            continue
        for spend in demo.spends:
            created += _spend(spend, budget, holder, dates)
    return created
