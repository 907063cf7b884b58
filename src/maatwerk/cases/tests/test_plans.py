import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from maatwerk.audit.models import AccessLogEntry, Action
from maatwerk.cases.models import Case, Plan, PlanVersion
from maatwerk.register.models import LegalGround, ReferenceCost

from .test_cases import open_case

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def plan_data(based_on=0, goals=(), costs=(), **extra):
    data = {
        "title": "Plan voor rust",
        "serves_member": "",
        "intended_effect": "Het gezin blijft in het huis wonen.",
        "impact": "Rust voor moeder en kinderen.",
        "purpose_of_law": "Het beleid wil huurschuld voorkomen, niet gezinnen op straat zetten.",
        "ethics": "Ja.",
        "legal_check": "Afwijken van de beleidsregel mag.",
        "legal_grounds": [LegalGround.objects.get(code="awb-4-84").pk],
        "legality": "Ontruiming is onevenredig voor dit gezin.",
        "safety": "",
        "based_on": based_on,
        "goals-TOTAL_FORMS": "3",
        "goals-INITIAL_FORMS": "0",
        "actions-TOTAL_FORMS": "1",
        "actions-INITIAL_FORMS": "0",
        "actions-0-what": "Betalingsregeling met de verhuurder",
        "actions-0-person": "Priya",
        "actions-0-due_on": TODAY().isoformat(),
        "costs-TOTAL_FORMS": "3",
        "costs-INITIAL_FORMS": "0",
    }
    for i, (text, sentence) in enumerate(goals):
        data[f"goals-{i}-text"] = text
        data[f"goals-{i}-perspective_sentence"] = sentence
    for i, (kind, description, amount, reference) in enumerate(costs):
        data[f"costs-{i}-kind"] = kind
        data[f"costs-{i}-description"] = description
        data[f"costs-{i}-amount"] = amount
        data[f"costs-{i}-reference_cost"] = reference
    data.update(extra)
    return data


GOALS = [
    ("In het huis blijven wonen", "Ik wil in mijn huis blijven en rust in mijn hoofd."),
    ("Een cursus budgetteren volgen", ""),
]


def eviction():
    return ReferenceCost.objects.get(code="eviction")


@pytest.fixture
def case(client, login, professional):
    login(professional)
    return open_case(client)


def save_plan(client, case, data, plan=None):
    url = (
        reverse("cases:plan_edit", args=[case.pk, plan.pk])
        if plan
        else reverse("cases:plan_create", args=[case.pk])
    )
    return client.post(url, data)


def test_plan_with_linked_and_unlinked_goal_costs_and_agreement(client, case):
    costs = [
        ("current", "", "", eviction().pk),
        ("current", "Inzet wijkteam", "5.000,00", ""),  # Dutch thousands point
        ("plan", "Huurachterstand betalen", "1250,50", ""),
    ]
    response = save_plan(client, case, plan_data(goals=GOALS, costs=costs))
    assert response.status_code == 302, response.context and response.context["form"].errors
    plan = Plan.objects.get(case=case)
    version = plan.versions.get()
    assert [g.from_household for g in version.goals.all()] == [True, False]
    case.refresh_from_db()
    assert case.status == Case.Status.PLAN
    detail = client.get(reverse("cases:plan_detail", args=[case.pk, plan.pk]))
    state = detail.context["state"]
    assert state.totals == {"current": eviction().amount + 5000, "plan": Decimal("1250.50")}
    assert state.difference == eviction().amount + 5000 - Decimal("1250.50")
    page = detail.content.decode()
    assert 'data-testid="not-agreed"' in page and 'data-testid="drift-goals"' in page
    response = client.post(
        reverse("cases:agreement_add", args=[case.pk, plan.pk]),
        {"agreed_on": TODAY().isoformat(), "how": "signed", "words": "Ja, zo wil ik het."},
    )
    assert response.status_code == 302
    state = client.get(reverse("cases:plan_detail", args=[case.pk, plan.pk])).context["state"]
    assert state.agreed and not state.perspective_changed
    # The household's perspective changes after it agreed: drift.
    client.post(
        reverse("cases:perspective_add", args=[case.pk]),
        {"text": "Eerst werk, dan het huis.", "confirmation": "phone",
         "recorded_on": TODAY().isoformat(), "based_on_version": 1},
    )  # fmt: skip
    state = client.get(reverse("cases:plan_detail", args=[case.pk, plan.pk])).context["state"]
    assert state.perspective_changed and state.drifted


@pytest.mark.parametrize(
    ("goals", "costs", "field_path"),
    [
        ([("", "Ik wil in mijn huis blijven en rust in mijn hoofd.")], [], ("goals", 0, "text")),
        ([("Doel", "")], [("plan", "Iets", "-5", "")], ("costs", 0, "amount")),
        ([("Doel", "")], [("plan", "Iets", "veel", "")], ("costs", 0, "amount")),
        ([("Doel", "")], [("plan", "Iets", "1,234", "")], ("costs", 0, "amount")),
        ([("Doel", "")], [("plan", "Iets", "1.234", "")], ("costs", 0, "amount")),  # ambiguous
    ],
)
def test_bad_plan_input_gives_field_errors_and_saves_nothing(
    client, case, goals, costs, field_path
):
    response = save_plan(client, case, plan_data(goals=goals, costs=costs))
    assert response.status_code == 200
    formset, index, field = field_path
    assert response.context[formset].forms[index].errors[field]
    assert not PlanVersion.objects.exists()


def test_plan_without_goals_and_safety_rules(client, login, professional):
    login(professional)
    case = open_case(client, safety_concern="on")
    response = save_plan(client, case, plan_data(goals=[]))
    assert response.context["form"].non_field_errors()
    response = save_plan(client, case, plan_data(goals=[("Doel", "")]))
    assert response.context["form"].errors["safety"]
    response = save_plan(client, case, plan_data(goals=[("Doel", "")], safety="Veilig plan"))
    assert response.status_code == 302


def test_concurrent_plan_saves_conflict_and_show_what_changed(client, case):
    save_plan(client, case, plan_data(goals=GOALS))
    plan = Plan.objects.get()
    first = save_plan(client, case, plan_data(based_on=1, goals=GOALS, ethics="Ja, zeker."), plan)
    assert first.status_code == 302
    second = save_plan(client, case, plan_data(based_on=1, goals=GOALS[:1]), plan)
    assert second.status_code == 200
    assert second.context["conflict"].number == 2
    changes = second.context["changes"]
    assert any("4." in c for c in changes)  # ethics differs
    assert plan.versions.count() == 2
    assert plan.versions.get(number=2).ethics == "Ja, zeker."
    assert 'name="based_on" value="2"' in second.content.decode()
    # Saving again after seeing the changes is a deliberate new version on top.
    third = save_plan(client, case, plan_data(based_on=2, goals=GOALS[:1]), plan)
    assert third.status_code == 302
    assert plan.versions.count() == 3


def test_every_version_is_kept(client, case):
    save_plan(client, case, plan_data(goals=GOALS))
    plan = Plan.objects.get()
    save_plan(client, case, plan_data(based_on=1, goals=GOALS[:1], title="Plan 2"), plan)
    assert list(plan.versions.values_list("number", flat=True)) == [1, 2]
    old = client.get(reverse("cases:plan_detail", args=[case.pk, plan.pk]), {"version": 1})
    assert old.context["state"].version.goals.count() == 2


def test_printable_plan_pdf_has_the_households_words_first(client, case):
    save_plan(client, case, plan_data(goals=GOALS))
    plan = Plan.objects.get()
    url = reverse("cases:plan_pdf", args=[case.pk, plan.pk])
    # Without saying for whom, nothing is printed: the page asks.
    choose = client.get(url)
    assert choose["Content-Type"].startswith("text/html")
    assert 'name="for"' in choose.content.decode()
    assert not AccessLogEntry.objects.filter(action=Action.EXPORT).exists()
    response = client.get(url, {"for": "household"})
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "rust in mijn hoofd" in text
    assert text.index("rust in mijn hoofd") < text.index("In het huis blijven wonen")
    assert case.household.pseudonym in text
    export = AccessLogEntry.objects.get(action=Action.EXPORT)
    assert export.household == case.household.pseudonym


def test_other_team_cannot_reach_plans(client, case, login, outsider):
    save_plan(client, case, plan_data(goals=GOALS))
    plan = Plan.objects.get()
    client.logout()
    login(outsider)
    for name in ("plan_detail", "plan_edit", "plan_pdf", "agreement_add"):
        url = reverse(f"cases:{name}", args=[case.pk, plan.pk])
        assert client.get(url).status_code == 404, name
    assert client.get(reverse("cases:plan_create", args=[case.pk])).status_code == 404


def test_new_version_form_keeps_dates_in_the_format_date_pickers_take(client, case):
    save_plan(client, case, plan_data(goals=GOALS))
    plan = Plan.objects.get()
    form_page = client.get(reverse("cases:plan_edit", args=[case.pk, plan.pk])).content.decode()
    assert f'name="actions-0-due_on" value="{TODAY().isoformat()}"' in form_page
    agreement_page = client.get(reverse("cases:agreement_add", args=[case.pk, plan.pk]))
    assert f'value="{TODAY().isoformat()}"' in agreement_page.content.decode()
