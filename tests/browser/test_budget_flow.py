"""The maatwerk budget in the browser, with three logins: the professional spends
above the threshold, the budget holder (a second pair of eyes) approves it, the
professional records a bridging spend, the coordinator settles it with a partial
reimbursement, and the team overview shows the right figures.

The figures are checked against the team's figures before the flow (the demo data
already holds spends) plus what this flow added, and against the page.
"""

from decimal import Decimal

from browser_support import assert_accessible, logged_in
from django.utils import timezone
from playwright.sync_api import expect

from maatwerk.accounts.models import User
from maatwerk.budgets.models import Settlement, Spend
from maatwerk.budgets.selectors import team_overviews
from maatwerk.cases.models import Case
from maatwerk.register.models import Organisation

TEAM = "Wijkteam Zaandam-Oost"


def euro(amount: Decimal) -> str:
    """As the Dutch pages write it: € 1.234,50 (with a non-breaking space)."""
    whole, cents = f"{amount:.2f}".split(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    sign = "−" if amount < 0 else ""
    return f"{sign}€\u00a0{'.'.join(groups).lstrip('-')},{cents}"


def team_figures(year: int):
    coordinator = User.objects.get(username="coordinator")
    return next(o for o in team_overviews(coordinator, year) if o.team == TEAM)


def test_spend_approve_bridge_settle_and_overview(browser, site, demo, demo_password):
    case = Case.objects.filter(team__name=TEAM).order_by("id").first()
    year = timezone.localdate().year
    before = team_figures(year)
    insurer = Organisation.objects.filter(type="health_insurer").order_by("name").first()
    municipality = Organisation.objects.get(name="Gemeente Zaanstad")

    # 1. The professional spends € 1.500,00: above the € 1.000,00 threshold.
    with logged_in(browser, site, "professional", demo_password) as page:
        page.goto(site.url(f"/cases/{case.pk}/"))
        page.locator(f"a[href='/budget/cases/{case.pk}/spend/']").click()
        assert_accessible(page, context="spend form")
        page.fill("#id_amount", "1500,00")
        page.select_option("#id_purpose_category", "transport")
        page.fill("#id_description", "Aangepaste auto voor vervoer van de zoon")
        page.select_option("#id_payee_category", "supplier")
        page.locator("main form button[type=submit]").click()
        expect(page.get_by_test_id("spend-state")).to_contain_text("Wacht op goedkeuring")
        above = Spend.objects.filter(case=case).order_by("-id").first()
        assert above.state == Spend.State.AWAITING_APPROVAL
        assert above.amount == Decimal("1500.00")
        # The requester cannot approve it: no approve button on the page.
        expect(page.get_by_role("button", name="Uitgave goedkeuren")).to_have_count(0)

    # 2. The budget holder approves it (four eyes).
    with logged_in(browser, site, "budget_holder", demo_password) as page:
        page.goto(site.url("/budget/approvals/"))
        page.get_by_role("link", name=above.reference).click()
        assert_accessible(page, context="spend awaiting approval")
        page.get_by_role("button", name="Uitgave goedkeuren").click()
        expect(page.get_by_test_id("spend-state")).to_contain_text("Geboekt")
    above.refresh_from_db()
    assert above.state == Spend.State.BOOKED
    assert above.decided_by.username == "budget_holder"

    # 3. The professional pays € 600,00 now while it is unclear who is responsible.
    with logged_in(browser, site, "professional", demo_password) as page:
        page.goto(site.url(f"/budget/cases/{case.pk}/spend/"))
        page.fill("#id_amount", "600,00")
        page.select_option("#id_purpose_category", "health")
        page.fill("#id_description", "Tandheelkundige behandeling voor een sollicitatie")
        page.select_option("#id_payee_category", "care_provider")
        page.check("#id_bridging")
        page.get_by_label(insurer.name, exact=True).check()
        page.get_by_label(municipality.name, exact=True).check()
        page.locator("main form button[type=submit]").click()
        expect(page.get_by_test_id("open-receivable")).to_contain_text(euro(Decimal("600")))
    bridging = Spend.objects.filter(case=case, bridging=True).order_by("-id").first()
    assert bridging.state == Spend.State.BOOKED
    assert set(bridging.responsible_candidates.all()) == {insurer, municipality}

    # 4. The coordinator settles it: the insurer reimbursed € 250,00 of it so far.
    with logged_in(browser, site, "coordinator", demo_password) as page:
        page.goto(site.url("/budget/receivables/"))
        assert_accessible(page, context="receivables")
        expect(page.locator("main")).to_contain_text(insurer.name)
        page.get_by_role("link", name=bridging.reference).click()
        page.select_option("#id_responsible", str(insurer.pk))
        page.fill("#id_amount", "250,00")
        page.locator("form[action$='/settle/'] button[type=submit]").click()
        expect(page.get_by_test_id("open-receivable")).to_contain_text(euro(Decimal("350")))
        assert_accessible(page, context="settled spend")
    settlement = Settlement.objects.get(spend=bridging)
    assert settlement.amount == Decimal("250.00") and settlement.responsible == insurer
    assert not settlement.final

    # 5. The team overview: exactly what this flow added to the figures before.
    after = team_figures(year)
    assert after.totals.budget == before.totals.budget
    assert after.totals.net_spent == before.totals.net_spent + Decimal("2100.00")
    assert after.totals.committed == before.totals.committed
    assert after.totals.remaining == before.totals.remaining - Decimal("2100.00")
    assert after.bridging_open == before.bridging_open + Decimal("350.00")
    with logged_in(browser, site, "budget_holder", demo_password) as page:
        page.goto(site.url(f"/budget/?year={year}"))
        figures = page.locator(f"dl[data-team='{TEAM}']")
        expect(figures.locator("[data-figure=budget]")).to_have_text(euro(after.totals.budget))
        expect(figures.locator("[data-figure=spent]")).to_have_text(euro(after.totals.net_spent))
        expect(figures.locator("[data-figure=committed]")).to_have_text(
            euro(after.totals.committed)
        )
        expect(figures.locator("[data-figure=remaining]")).to_have_text(
            euro(after.totals.remaining)
        )
        expect(figures.locator("[data-figure=bridging_open]")).to_have_text(
            euro(after.bridging_open)
        )
        assert_accessible(page, context="budget overview")
