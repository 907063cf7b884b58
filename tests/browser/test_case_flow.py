"""A professional opens a case for a new household, writes a maatwerkplan with the
household and records its agreement; the printable plan puts the household's own words
first; a new version of the perspective makes the plan drift.

Translations of the newest strings may still be missing, so the assertions rest on
data (the household's words, amounts, the pseudonym), URLs, test ids and structure,
not on Dutch wording.
"""

import io
import re
from decimal import Decimal

from browser_support import assert_accessible, log_in
from playwright.sync_api import expect
from pypdf import PdfReader

from maatwerk.cases.models import Case, CostLine, Household, Perspective, PlanVersion
from maatwerk.register.models import LegalGround, LifeDomain, Organisation, ReferenceCost

PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}

# The household's words: three sentences (the plan form offers each one to link a goal
# to). Plain ASCII letters without ligature pairs (fi, fl, ff), so the text read back
# from the PDF compares exactly.
WORDS = [
    "We willen in ons huis blijven wonen.",
    "De schulden maken ons gek!",
    "Onze zoon moet weer naar school.",
]
PERSPECTIVE = " ".join(WORDS)
NEEDED = "Een betalingsregeling met de woningcorporatie en uitstel van de beslaglegging."
LINKED_GOAL = "De huur wordt weer elke maand betaald en het huis blijft van het gezin."
UNLINKED_GOAL = "Moeder volgt een cursus budgetteren bij de bibliotheek."
ACTION = "Gesprek met de woningcorporatie over een betalingsregeling"
REVERSE_TEST = {
    "intended_effect": "Het gezin blijft wonen waar het woont en de schulden groeien niet.",
    "impact": "Rust voor de ouders; de zoon kan weer naar school en houdt zijn vrienden.",
    "purpose_of_law": "De wet wil bestaanszekerheid, niet een gezin op straat.",
    "ethics": "Het is niet te verdedigen een gezin uit huis te zetten om een kleine schuld.",
    "legal_check": "Art. 18 lid 1 Participatiewet laat ruimte om de bijstand af te stemmen.",
}
LEGALITY = "De omstandigheden van dit gezin vragen om een afwijking van de standaard."
TYPED_CURRENT = ("Schuldhulpverlening", "1250,50", Decimal("1250.50"))
TYPED_PLAN = ("Betalingsregeling en begeleiding", "3000,25", Decimal("3000.25"))
AGREEMENT_WORDS = "Ja, zo willen we het doen. We doen mee."
NEW_PERSPECTIVE = "We willen in ons huis blijven wonen. We willen zelf weer ons geld beheren."


def euro(amount: Decimal) -> str:
    """An amount as the Dutch pages show it: € 6.250,50."""
    grouped = f"{amount:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"€ {grouped}"


def flat(text: str) -> str:
    return " ".join(text.split())


def pdf_text(path) -> str:
    with open(path, "rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF-"), data[:20]
    reader = PdfReader(io.BytesIO(data))
    return flat("\n".join(page.extract_text() for page in reader.pages))


def field(page, selector: str):
    """The labelled form field (label, description, errors, input) around an input."""
    return page.locator("main .utrecht-form-field", has=page.locator(selector))


def precedes(page, first: str, second: str) -> bool:
    """True when the element ``first`` comes before ``second`` in the document."""
    return page.evaluate(
        """([a, b]) => Boolean(document.querySelector(a).compareDocumentPosition(
            document.querySelector(b)) & Node.DOCUMENT_POSITION_FOLLOWING)""",
        [first, second],
    )


def assert_no_horizontal_page_scroll(page, where: str):
    sizes = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )
    assert sizes["scroll"] <= sizes["inner"] + 1, f"{where} scrolls sideways on a phone: {sizes}"


def test_professional_builds_a_plan_with_the_household(page, site, demo, demo_password):
    from django.utils import timezone

    today = timezone.localdate()
    housing = LifeDomain.objects.get(code="housing")
    finances = LifeDomain.objects.get(code="finances")
    education = LifeDomain.objects.get(code="education")
    uwv = Organisation.objects.get(name="UWV")
    reference = ReferenceCost.objects.get(code="neighbourhood_team", active=True)
    ground = LegalGround.objects.filter(active=True).order_by("title").first()
    assert ground is not None
    cases_before = Case.objects.count()
    households_before = Household.objects.count()

    log_in(page, site, "professional", demo_password)
    expect(page.locator("html")).to_have_attribute("lang", "nl")

    # The intake form, empty.
    page.goto(site.url("/cases/new/"))
    expect(page.locator("#id_perspective")).to_be_visible()
    assert_accessible(page, context="intake form (empty)")

    # Fill it in, with a primary domain that is not among the chosen domains.
    page.locator("#id_perspective").fill(PERSPECTIVE)
    page.locator("#id_needed").fill(NEEDED)
    page.locator("#id_deciding_organisations").select_option(str(uwv.pk))
    page.locator(f"input[name=life_domains][value='{housing.pk}']").check()
    page.locator(f"input[name=life_domains][value='{finances.pk}']").check()
    page.locator("#id_primary_domain").select_option(str(education.pk))
    page.locator("#id_problems_start_domain").select_option(str(finances.pk))
    page.locator("#id_composition").select_option("couple_with_children")
    page.locator("#id_adults").fill("2")
    page.locator("#id_children").fill("1")
    expect(page.locator("#id_safety_concern")).not_to_be_checked()
    page.locator("main form button[type=submit]").click()

    # Refused, with the error at the primary domain field, and nothing saved.
    expect(page).to_have_url(site.url("/cases/new/"))
    primary = page.locator("#id_primary_domain")
    error = page.locator("#id_primary_domain_error_1")
    expect(error).to_be_visible()
    expect(field(page, "#id_primary_domain").locator("#id_primary_domain_error_1")).to_have_count(1)
    expect(primary).to_have_attribute("aria-invalid", "true")
    expect(primary).to_have_attribute("aria-describedby", re.compile(r"id_primary_domain_error_1"))
    expect(page.locator("main .utrecht-form-field-error-message")).to_have_count(1)
    assert Case.objects.count() == cases_before
    assert Household.objects.count() == households_before
    # Everything typed is still there.
    expect(page.locator("#id_perspective")).to_have_value(PERSPECTIVE)
    expect(page.locator("#id_needed")).to_have_value(NEEDED)
    expect(page.locator(f"input[name=life_domains][value='{housing.pk}']")).to_be_checked()
    expect(page.locator(f"input[name=life_domains][value='{finances.pk}']")).to_be_checked()
    expect(page.locator("#id_deciding_organisations")).to_have_values([str(uwv.pk)])
    expect(page.locator("#id_adults")).to_have_value("2")
    assert_accessible(page, context="intake form with an error")

    # Fix it: housing is the primary domain.
    primary.select_option(str(housing.pk))
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/cases/\d+/$"))
    case_pk = int(re.search(r"/cases/(\d+)/$", page.url).group(1))
    case = Case.objects.select_related("household").get(pk=case_pk)
    pseudonym = case.household.pseudonym
    assert re.fullmatch(r"HH-\d+", pseudonym), pseudonym
    assert Case.objects.count() == cases_before + 1
    assert case.owner.username == "professional"
    assert case.team.name == "Wijkteam Zaandam-Oost"
    assert case.primary_domain_id == housing.pk
    assert set(case.life_domains.values_list("pk", flat=True)) == {housing.pk, finances.pk}
    assert list(case.deciding_organisations.all()) == [uwv]
    assert case.household.adults == 2 and case.household.children == 1
    assert not case.safety_concern

    # The case page: the pseudonym in the heading, the household's words at the top.
    case_url = f"/cases/{case_pk}/"
    expect(page.locator("main h1")).to_contain_text(pseudonym)
    voice = page.locator("main .maatwerk-perspective blockquote")
    expect(voice).to_have_count(1)
    expect(voice).to_have_text(PERSPECTIVE)
    assert precedes(page, ".maatwerk-perspective", f"a[href='{case_url}plans/new/']")
    assert precedes(page, ".maatwerk-perspective", "dl.maatwerk-dl")
    box = voice.bounding_box()
    assert box is not None and box["y"] < DESKTOP["height"], box
    expect(page.locator("main dl.maatwerk-dl")).to_contain_text(NEEDED)
    expect(page.locator("main dl.maatwerk-dl")).to_contain_text("UWV")
    expect(page.locator(f"a[href='{case_url}perspective/']")).to_be_visible()
    expect(page.locator(f"a[href='{case_url}identity/']")).to_be_visible()
    assert_accessible(page, context="case page")

    # Write a maatwerkplan.
    page.locator(f"main a[href='{case_url}plans/new/']").click()
    expect(page).to_have_url(site.url(f"{case_url}plans/new/"))
    expect(page.locator("main .maatwerk-perspective blockquote")).to_have_text(PERSPECTIVE)
    # Each goal can be linked to one sentence of the household's words, or to none.
    options = page.locator("#id_goals-0-perspective_sentence option")
    expect(options).to_have_count(1 + len(WORDS))
    assert [options.nth(i).get_attribute("value") for i in range(1 + len(WORDS))] == [
        "",
        *WORDS,
    ]
    # The reverse test, in its five steps and in this order.
    steps = page.locator("main textarea").evaluate_all("(els) => els.map((el) => el.id)")
    reverse_ids = [f"id_{name}" for name in REVERSE_TEST]
    assert [i for i in steps if i in reverse_ids] == reverse_ids, steps
    assert_accessible(page, context="plan form")

    page.locator("#id_title").fill("Blijven wonen")
    page.locator("#id_goals-0-text").fill(LINKED_GOAL)
    page.locator("#id_goals-0-perspective_sentence").select_option(WORDS[0])
    page.locator("#id_goals-1-text").fill(UNLINKED_GOAL)
    expect(page.locator("#id_goals-1-perspective_sentence")).to_have_value("")
    page.locator("#id_actions-0-what").fill(ACTION)
    page.locator("#id_actions-0-organisation").select_option(str(uwv.pk))
    page.locator("#id_actions-0-person").fill("Priya")
    page.locator("#id_actions-0-due_on").fill(today.isoformat())
    for name, text in REVERSE_TEST.items():
        page.locator(f"#id_{name}").fill(text)
    page.locator(f"input[name=legal_grounds][value='{ground.pk}']").check()
    page.locator("#id_legality").fill(LEGALITY)
    # Muddling on: a reference cost (its amount filled in by the app) and a typed line;
    # the plan: a typed line. Amounts with a Dutch decimal comma.
    page.locator("#id_costs-0-kind").select_option("current")
    page.locator("#id_costs-0-reference_cost").select_option(str(reference.pk))
    page.locator("#id_costs-1-kind").select_option("current")
    page.locator("#id_costs-1-description").fill(TYPED_CURRENT[0])
    page.locator("#id_costs-1-amount").fill(TYPED_CURRENT[1])
    page.locator("#id_costs-2-kind").select_option("plan")
    page.locator("#id_costs-2-description").fill(TYPED_PLAN[0])
    page.locator("#id_costs-2-amount").fill(TYPED_PLAN[1])
    page.locator("main form[method=post] button[type=submit]").click()

    # The plan page.
    expect(page).to_have_url(re.compile(rf"{case_url}plans/\d+/$"))
    plan_id = int(re.search(r"/plans/(\d+)/$", page.url).group(1))
    plan_url = f"{case_url}plans/{plan_id}/"
    version = PlanVersion.objects.get(plan_id=plan_id)
    assert version.number == 1 and version.plan.case_id == case_pk
    assert [(g.text, g.perspective_sentence) for g in version.goals.order_by("order")] == [
        (LINKED_GOAL, WORDS[0]),
        (UNLINKED_GOAL, ""),
    ]
    assert [(a.what, a.organisation_id, a.due_on) for a in version.actions.all()] == [
        (ACTION, uwv.pk, today)
    ]
    assert {name: getattr(version, name) for name in REVERSE_TEST} == REVERSE_TEST
    assert list(version.legal_grounds.all()) == [ground]
    costs = list(version.costs.order_by("order"))
    assert [(c.kind, c.description, c.amount, c.reference_cost_id) for c in costs] == [
        (CostLine.Kind.CURRENT, reference.name_nl, reference.amount, reference.pk),
        (CostLine.Kind.CURRENT, TYPED_CURRENT[0], TYPED_CURRENT[2], None),
        (CostLine.Kind.PLAN, TYPED_PLAN[0], TYPED_PLAN[2], None),
    ]

    expect(page.locator("main h1")).to_contain_text(pseudonym)
    expect(page.locator("main .maatwerk-perspective blockquote")).to_have_text(PERSPECTIVE)
    expect(page.get_by_test_id("not-agreed")).to_be_visible()
    expect(page.get_by_test_id("drift-goals")).to_be_visible()
    expect(page.get_by_test_id("drift-goals")).to_contain_text("1")
    expect(page.get_by_test_id("drift-perspective")).to_have_count(0)
    goals = page.locator("main ol.utrecht-ordered-list > li")
    expect(goals).to_have_count(2)
    expect(goals.nth(0)).to_contain_text(LINKED_GOAL)
    expect(goals.nth(0)).to_contain_text(WORDS[0])
    expect(goals.nth(0).locator(".maatwerk-tag")).to_have_count(0)
    expect(goals.nth(1)).to_contain_text(UNLINKED_GOAL)
    expect(goals.nth(1).locator(".maatwerk-tag")).to_have_count(1)
    for text in [ACTION, *REVERSE_TEST.values(), ground.title, LEGALITY]:
        expect(page.locator("main")).to_contain_text(text)

    # Both totals and the difference, from the reference cost as it is in the register.
    current = reference.amount + TYPED_CURRENT[2]
    planned = TYPED_PLAN[2]
    totals = page.get_by_test_id("cost-totals").locator("dd")
    expect(totals).to_have_text([euro(current), euro(planned), euro(current - planned)])
    cost_rows = page.locator("main table:has(caption) tbody tr")
    expect(cost_rows).to_have_count(3)
    expect(cost_rows.nth(0)).to_contain_text(euro(reference.amount))
    expect(cost_rows.nth(1)).to_contain_text(euro(TYPED_CURRENT[2]))
    expect(cost_rows.nth(2)).to_contain_text(euro(TYPED_PLAN[2]))
    assert_accessible(page, context="plan page")

    # On a phone the plan page reflows without sideways scrolling.
    page.set_viewport_size(PHONE)
    assert_no_horizontal_page_scroll(page, "plan page")
    page.set_viewport_size(DESKTOP)

    # Record the household's agreement.
    page.locator(f"main a[href='{plan_url}agreement/']").click()
    expect(page).to_have_url(site.url(f"{plan_url}agreement/"))
    expect(page.locator("main .maatwerk-perspective blockquote")).to_have_text(PERSPECTIVE)
    assert_accessible(page, context="agreement form")
    # The date field should show today; see the report on type=date inputs.
    expect(page.locator("#id_agreed_on")).to_have_value(today.isoformat())  # pre-filled
    page.locator("#id_how").select_option("conversation")
    page.locator("#id_words").fill(AGREEMENT_WORDS)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(site.url(plan_url))
    expect(page.get_by_test_id("not-agreed")).to_have_count(0)
    expect(page.get_by_test_id("drift-goals")).to_be_visible()  # still one unlinked goal
    expect(page.get_by_test_id("drift-perspective")).to_have_count(0)
    expect(page.locator("main")).to_contain_text(AGREEMENT_WORDS)
    agreement = version.agreements.get()
    assert (agreement.agreed_on, agreement.how, agreement.words) == (
        today,
        "conversation",
        AGREEMENT_WORDS,
    )

    # The printable plan: the household's own words first, then the goals.
    # Printed for one reader, chosen on the plan page (no safety concern: no preview).
    print_form = page.get_by_test_id("print")
    print_form.locator("select[name=for]").select_option("household")
    with page.expect_download() as download_info:
        print_form.locator("button[type=submit]").click()
    download = download_info.value
    assert download.failure() is None
    assert download.suggested_filename == f"plan-{pseudonym}-v1-huishouden.pdf"
    text = pdf_text(download.path())
    assert PERSPECTIVE in text, text
    assert LINKED_GOAL in text and UNLINKED_GOAL in text, text
    assert text.index(PERSPECTIVE) < text.index(LINKED_GOAL) < text.index(UNLINKED_GOAL), text
    assert pseudonym in text, text
    assert AGREEMENT_WORDS in text, text
    assert ACTION in text, text
    assert NEW_PERSPECTIVE not in text

    # The household's perspective changes: a new version, confirmed by phone.
    page.goto(site.url(case_url))
    expect(page.locator("main .maatwerk-tag")).to_have_count(1)  # drift: the unlinked goal
    page.locator(f"main a[href='{case_url}perspective/']").click()
    expect(page).to_have_url(site.url(f"{case_url}perspective/"))
    page.locator("#id_text").fill(NEW_PERSPECTIVE)
    page.locator("#id_confirmation").select_option("phone")
    expect(page.locator("#id_recorded_on")).to_have_value(today.isoformat())  # pre-filled
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(site.url(case_url))
    assert list(
        Perspective.objects.filter(case_id=case_pk).order_by("version").values_list("text")
    ) == [(PERSPECTIVE,), (NEW_PERSPECTIVE,)]
    # The current words stand at the top; the first ones are kept, unchanged.
    expect(page.locator("main .maatwerk-voice > blockquote")).to_have_text(NEW_PERSPECTIVE)
    # The history: every version, newest first.
    expect(page.locator("main .maatwerk-voice details blockquote")).to_have_text(
        [NEW_PERSPECTIVE, PERSPECTIVE]
    )

    # Back on the plan page: the plan drifted from the household's perspective.
    page.locator(f"main a[href='{plan_url}']").click()
    expect(page).to_have_url(site.url(plan_url))
    expect(page.get_by_test_id("drift-perspective")).to_be_visible()
    expect(page.get_by_test_id("not-agreed")).to_have_count(0)
    assert_accessible(page, context="plan page with drift")
