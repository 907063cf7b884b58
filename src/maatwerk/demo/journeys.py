"""Demo journeys for the demo cases (maatwerk demo): redirects (one forwarded to the
organisation it named), refusals, conditions, escalation and approval, with realistic
dates. Written through the services, so the state machine and the access log see them
like real work. Idempotent: a case that already has requests is left alone."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from maatwerk.accounts.models import User
from maatwerk.cases.audience import plan_excerpt_for_organisation
from maatwerk.cases.models import Case
from maatwerk.journeys.models import Request
from maatwerk.journeys.services import record_event, request_create, request_forward
from maatwerk.register.models import LegalGround, Organisation, Regulation


def _case(plan_title: str) -> Case | None:
    return Case.objects.filter(plans__title=plan_title).order_by("id").first()


class _Clock:
    """Dates after the case opened, never in the future, never going back."""

    def __init__(self, case: Case):
        self.opened = case.opened_on
        self.today = timezone.localdate()
        self.last = self.opened

    def at(self, days: int) -> date:
        day = min(self.opened + timedelta(days=days), self.today)
        self.last = max(day, self.last)
        return self.last


def _request(case, organisation, subject, *, kind="exception", regulation=None, ground=None):
    return request_create(
        request=None,
        user=case.owner,
        case=case,
        organisation=Organisation.objects.get(name=organisation),
        subject=subject,
        kind=kind,
        regulation=Regulation.objects.filter(code=regulation).first() if regulation else None,
        legal_ground=LegalGround.objects.filter(code=ground).first() if ground else None,
        # What the request form proposes: only what the whole household may hear.
        plan_excerpt=plan_excerpt_for_organisation(case),
    )


def _steps(req: Request, clock: _Clock, steps, decision_maker: User | None):
    for days, type, fields in steps:
        by = req.case.owner
        behalf = ""
        if type in {
            "approved",
            "refused",
            "redirected",
            "information_requested",
            "condition_added",
        }:
            if decision_maker and decision_maker.organisation_id == req.organisation_id:
                by = decision_maker
            else:
                behalf = f"telefonisch antwoord van {req.organisation.name}"
        if type == "escalated":
            step = req.organisation.escalation_steps.filter(level=fields["level"]).first()
            fields = {**fields, "escalated_to": step.contact if step else None}
        record_event(
            request=None, user=by, req=req, type=type, on=clock.at(days), on_behalf_of=behalf,
            **fields,
        )  # fmt: skip
        req.refresh_from_db()


@transaction.atomic
def create_demo_journeys() -> int:
    decision_maker = User.objects.filter(username="decision_maker").first()
    created = 0

    case = _case("Thuis blijven wonen")
    if case and not case.requests.exists():
        clock = _Clock(case)
        req = _request(
            case, "Woningcorporatie Voorbeeld Wonen",
            "Ontruiming opschorten en de huurachterstand bevriezen zolang het plan loopt.",
            regulation="huurrecht", ground="awb-3-4-2",
        )  # fmt: skip
        _steps(req, clock, [
            (4, "submitted", {}),
            (15, "redirected", {"reason": "wrong_desk", "redirected_to": "Afdeling Incasso"}),
            (17, "submitted", {}),
            (33, "refused", {"reason": "precedent", "text": "Dan wil iedereen dit."}),
            (38, "escalated", {"level": 2}),
            (52, "condition_added", {"text": "Beschermingsbewind", "household_agrees": False}),
            (70, "approved", {"text": "Ontruiming opgeschort; betalingsregeling van 24 maanden."}),
        ], decision_maker)  # fmt: skip
        created += 1

    case = _case("De schuldregeling afmaken")
    if case and not case.requests.exists():
        clock = _Clock(case)
        req = _request(
            case, "UWV",
            "Huur van de kamer niet als inkomen rekenen zolang de schuldregeling loopt.",
            regulation="ww", ground="pw-18-1",
        )  # fmt: skip
        _steps(req, clock, [
            (3, "submitted", {}),
            (12, "information_requested", {"text": "Graag het huurcontract van de kamer."}),
            (16, "information_provided", {"text": "Huurcontract gestuurd."}),
            (30, "refused", {"reason": "not_allowed_by_law", "text": "De wet telt huur mee."}),
            (36, "escalated", {"level": 4}),  # to the national team: the coordinators see it
        ], decision_maker)  # fmt: skip
        created += 1

    case = _case("Rust in eigen huis")
    if case and not case.requests.exists():
        clock = _Clock(case)
        req = _request(
            case, "UWV", "Uitkering met terugwerkende kracht herstellen.", regulation="wia",
            ground="awb-4-84",
        )  # fmt: skip
        _steps(req, clock, [
            (2, "submitted", {}),
            (20, "escalated", {"level": 2}),
            (27, "approved", {"text": "WIA-uitkering hersteld per de eerste van de maand."}),
        ], decision_maker)  # fmt: skip
        # Solved another way: the team pays the arrears from the maatwerk budget
        # (demo.budgets), which appears on this request's lane as the intervention.
        landlord = _request(
            case, "Woningcorporatie Voorbeeld Wonen",
            "De ontruiming opschorten; de huurachterstand wordt betaald.",
        )  # fmt: skip
        _steps(landlord, _Clock(case), [(3, "submitted", {})], decision_maker)  # fmt: skip
        created += 2

    case = _case("Zorg op school")
    if case and not case.requests.exists():
        clock = _Clock(case)
        question = _request(
            case, "Ministerie van Volksgezondheid, Welzijn en Sport",
            "Onder welke regeling valt de medische en niet-medische zorg op school?",
            kind="question", regulation="jeugdwet",
        )  # fmt: skip
        _steps(question, clock, [
            (5, "submitted", {}),
            (26, "approved", {"text": "Grotendeels Jeugdwet: de gemeente regelt het."}),
        ], decision_maker)  # fmt: skip
        insurer = _request(
            case, "Zorgverzekeraar Voorbeeld", "De helft van de zorg op school vergoeden.",
            regulation="zvw",
        )  # fmt: skip
        _steps(insurer, clock, [
            (6, "submitted", {}),
            (20, "refused", {"reason": "who_pays", "text": "Niet onze verantwoordelijkheid."}),
        ], decision_maker)  # fmt: skip
        created += 2

    case = _case("Een schone lei")
    if case and not case.requests.exists():
        clock = _Clock(case)
        req = _request(
            case, "Belastingdienst/Toeslagen",
            "Terugvordering toeslagen matigen met de hardheidsclausule.",
            regulation="awir", ground="awir-hardheid",
        )  # fmt: skip
        _steps(req, clock, [(1, "submitted", {})], decision_maker)
        # An organisation that does not use Maatwerk (its answer was entered on its
        # behalf) redirects to one in the register; the team forwards it in one step.
        energy = _request(
            case, "Energieleverancier Voorbeeld",
            "Afsluiting uitstellen en de achterstand bevriezen tot de schuldregeling start.",
        )  # fmt: skip
        _steps(energy, clock, [
            (2, "submitted", {}),
            (9, "redirected", {
                "reason": "who_pays",
                "redirected_to_organisation": Organisation.objects.get(name="Gemeente Zaanstad"),
                "text": "De gemeente betaalt de noodfondsregeling, niet wij.",
            }),
        ], decision_maker)  # fmt: skip
        forwarded = request_forward(
            request=None, user=case.owner, req=energy,
            organisation=Organisation.objects.get(name="Gemeente Zaanstad"),
            subject=energy.subject, on=clock.at(10), plan_excerpt=energy.plan_excerpt,
        )  # fmt: skip
        _steps(forwarded, clock, [(10, "submitted", {})], decision_maker)
        created += 3

    case = _case("Eerst inkomen, dan de inschrijving")
    if case and not case.requests.exists():
        clock = _Clock(case)
        req = _request(
            case, "Gemeente Zaanstad",
            "Bijstand toekennen op het werkelijke woonadres, ondanks de inschrijving van de ex.",
            regulation="participatiewet", ground="awb-3-4-2",
        )  # fmt: skip
        _steps(req, clock, [
            (2, "submitted", {}),
            (9, "condition_added", {"text": "Eerst aangifte van adresfraude door de ex."}),
        ], decision_maker)  # fmt: skip
        created += 1
    return created
