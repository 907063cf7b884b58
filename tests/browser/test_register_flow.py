"""A coordinator finds an organisation in the Maatwerkregister, reads who to call and
how to escalate, and switches the interface to English.

The Dutch translations are not written yet, so the assertions rest on the <html lang>
attribute, on data (organisation and contact names, phone numbers), on URLs and on
structure, not on Dutch wording.
"""

import re

from browser_support import assert_accessible, log_in
from playwright.sync_api import expect

from maatwerk.register.models import Contact, EscalationStep, Organisation

PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def results_table(page):
    return page.locator("main table")


def result_link(page, name: str):
    return results_table(page).get_by_role("link", name=name, exact=True)


def assert_no_horizontal_page_scroll(page, where: str):
    sizes = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )
    assert sizes["scroll"] <= sizes["inner"] + 1, f"{where} scrolls sideways on a phone: {sizes}"


def test_coordinator_register_flow(page, site, demo, demo_password):
    # Login page (Dutch by default, whatever the browser asks for).
    log_in(page, site, "coordinator", demo_password, check_axe=True)

    # Start page with the coordinator's role card (the role name is data, in Dutch).
    expect(page).to_have_url(site.url("/"))
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    cards = page.locator("main [data-testid^=start-role-]")
    expect(cards).to_have_count(1)
    expect(cards.get_by_role("heading", level=3)).to_have_text("Regievoerder")
    expect(cards).to_contain_text("doorbraaktafel")  # the Dutch role description
    assert_accessible(page, context="start page")

    # The register, through the main navigation.
    nav = page.get_by_role("navigation").first
    nav.locator('a[href="/register/"]').click()
    expect(page).to_have_url(site.url("/register/"))
    expect(nav.locator('a[href="/register/"]')).to_have_attribute("aria-current", "page")
    active = Organisation.objects.filter(active=True).count()
    assert active > 10
    expect(results_table(page).locator("tbody tr")).to_have_count(active)
    expect(result_link(page, "UWV")).to_be_visible()
    expect(result_link(page, "DUO")).to_be_visible()
    assert_accessible(page, context="register list")

    # On a phone the page reflows; only the table (in its own wrapper) may scroll.
    page.set_viewport_size(PHONE)
    assert_no_horizontal_page_scroll(page, "register list")
    expect(page.locator("main .maatwerk-table-scroll")).to_have_css("overflow-x", "auto")
    expect(page.locator("#id_q")).to_be_in_viewport()
    page.set_viewport_size(DESKTOP)

    # Search by name.
    search = page.locator("main form[role=search]")
    search.locator("#id_q").fill("UWV")
    search.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/register/\?.*q=UWV"))
    expect(result_link(page, "UWV")).to_be_visible()
    expect(result_link(page, "DUO")).to_have_count(0)
    expect(results_table(page).locator("tbody tr")).to_have_count(1)
    expect(search.locator("#id_q")).to_have_value("UWV")
    assert_accessible(page, context="register search by name")

    # Filter by type and life domain with the select boxes.
    search = page.locator("main form[role=search]")
    search.locator("#id_q").fill("")
    search.locator("#id_type").select_option("national_agency")
    search.locator("#id_domain").select_option("income_work")
    search.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"type=national_agency"))
    expect(page).to_have_url(re.compile(r"domain=income_work"))
    expected = sorted(
        Organisation.objects.filter(
            active=True, type="national_agency", life_domains__code="income_work"
        ).values_list("name", flat=True)
    )
    assert "UWV" in expected and "DUO" not in expected
    expect(results_table(page).locator("tbody tr td:first-child")).to_have_text(expected)
    expect(result_link(page, "DUO")).to_have_count(0)  # a national agency, but education
    expect(result_link(page, "Gemeente Zaanstad")).to_have_count(0)  # income, but municipal
    expect(search.locator("#id_type")).to_have_value("national_agency")
    expect(search.locator("#id_domain")).to_have_value("income_work")
    assert_accessible(page, context="filtered register list")

    # The organisation page: contacts and the escalation route.
    result_link(page, "UWV").click()
    uwv = Organisation.objects.get(name="UWV")
    expect(page).to_have_url(site.url(f"/register/{uwv.slug}/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("UWV")
    expect(page.locator(f'main a[href="mailto:{uwv.email}"]')).to_be_visible()
    expect(page.locator("main")).to_contain_text(uwv.phone)
    assert uwv.phone.startswith("+31 20 000")

    contacts = list(Contact.objects.filter(organisation=uwv, active=True).order_by("name"))
    assert len(contacts) == 3
    contact_cards = page.locator("main .maatwerk-card")
    expect(contact_cards.get_by_role("heading", level=3)).to_have_text(
        [contact.name for contact in contacts]
    )
    for contact, card in zip(contacts, contact_cards.all(), strict=True):
        expect(card.locator(f'a[href="mailto:{contact.email}"]')).to_have_text(contact.email)
        expect(card.locator(f'a[href="tel:{contact.phone.replace(" ", "")}"]')).to_have_text(
            contact.phone
        )

    steps = list(
        EscalationStep.objects.filter(organisation=uwv)
        .select_related("contact__organisation")
        .order_by("level")
    )
    assert [step.level for step in steps] == [1, 2, 3, 4]
    assert steps[3].contact.organisation.name == "Landelijk Escalatieteam"
    levels = page.locator("main ol > li")
    expect(levels).to_have_count(4)
    for step, item in zip(steps, levels.all(), strict=True):
        expect(item).to_contain_text(step.contact.name)
        expect(item.locator(f'a[href="mailto:{step.contact.email}"]')).to_be_visible()
    expect(levels.nth(3)).to_contain_text("Landelijk Escalatieteam")
    assert_accessible(page, context="organisation page (nl)")

    page.set_viewport_size(PHONE)
    assert_no_horizontal_page_scroll(page, "organisation page")
    page.set_viewport_size(DESKTOP)

    # Switch to English with the header button; the app stays on the same page.
    header = page.locator("header")
    expect(header.locator('button[name=language][value="nl"]')).to_have_count(0)
    header.locator('button[name=language][value="en"]').click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(site.url(f"/register/{uwv.slug}/"))
    expect(page.get_by_role("heading", level=2, name="Escalation route")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("UWV")
    expect(page.locator("main ol > li")).to_have_count(4)
    expect(header.locator('button[name=language][value="nl"]')).to_be_visible()
    expect(header.locator('button[name=language][value="en"]')).to_have_count(0)
    assert_accessible(page, context="organisation page (en)")

    # The choice sticks: the register list is English too, role names follow.
    page.get_by_role("navigation").first.locator('a[href="/register/"]').click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Maatwerkregister")
    page.get_by_role("navigation").first.locator('a[href="/"]').click()
    expect(page.locator("main [data-testid=start-role-coordinator] h3")).to_have_text("Coordinator")
