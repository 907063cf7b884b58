"""Primer example 5 (issue 10): a man with debts and aggression; his partner has a voice of
her own ("Partner en kinderen"). The professional prints the whole household's plan
twice — for the whole household, which he reads too, and for her — after checking the
preview that a case with a safety concern needs, and downloads both PDFs: the whole
household's copy holds neither her words nor the safety text; hers holds her words and
still not the safety text, which is for the professionals only."""

import io

from browser_support import assert_accessible, log_in
from playwright.sync_api import expect
from pypdf import PdfReader

from maatwerk.audit.models import AccessLogEntry, Action
from maatwerk.cases.models import Case
from maatwerk.demo.cases.debt_and_violence import PARTNER

HER_WORDS = "Ik wil niet dat hij weet waar wij wonen als het weer misgaat"
SAFETY_LINE = "adres van moeder wordt niet gedeeld"
PROFESSIONALS_ACTION = "de wijkagent eerst naar de partner"
HOUSEHOLD_WORDS = "We willen dat de schulden stoppen met groeien."
GOAL = "De deurwaarders stoppen tijdelijk terwijl de schuldhulp loopt."


def pdf_text(path) -> str:
    with open(path, "rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF-"), data[:20]
    reader = PdfReader(io.BytesIO(data))
    return " ".join("\n".join(page.extract_text() for page in reader.pages).split())


def print_for(page, site, plan_url: str, reader: str, label: str):
    """Choose the reader on the plan page, check the preview, confirm, download."""
    page.goto(site.url(plan_url))
    box = page.get_by_test_id("print")
    expect(box.locator("select[name=for] option")).to_have_count(3)  # Kies…, huishouden, zij
    box.locator("select[name=for]").select_option(reader)
    box.locator("button[type=submit]").click()
    # The preview: every piece that will be printed, and what is left out.
    expect(page.locator("main h3#included-heading")).to_contain_text(label)
    assert_accessible(page, context=f"print preview for {label}")
    included = page.get_by_test_id("included").inner_text()
    left_out = page.get_by_test_id("left-out").inner_text()
    assert HOUSEHOLD_WORDS in included and GOAL in included
    assert SAFETY_LINE not in included and PROFESSIONALS_ACTION not in included
    assert "alleen de professionals" in left_out
    # Printing without ticking the box: the preview again, with the error on the box.
    confirm_form = page.locator("main form[method=post]")
    confirm_form.locator("button[type=submit]").click()
    expect(page.locator("#id_confirm")).to_have_attribute("aria-invalid", "true")
    page.locator("#id_confirm").check()
    with page.expect_download() as download_info:
        page.locator("main form[method=post] button[type=submit]").click()
    download = download_info.value
    assert download.failure() is None
    return download, included


def test_the_whole_households_copy_leaves_out_her_words_and_the_safety_text(
    page, site, demo, demo_password
):
    case = Case.objects.get(plans__title="Eerst praten over de schulden")
    plan = case.plans.get(title="Eerst praten over de schulden")
    plan_url = f"/cases/{case.pk}/plans/{plan.pk}/"
    log_in(page, site, "professional2", demo_password)
    page.goto(site.url(plan_url))
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    assert_accessible(page, context="plan page with the print form")
    # The page says of each piece whose it is and who may hear it.
    expect(page.locator("main [data-testid=audience]").first).to_be_visible()
    expect(page.get_by_test_id("safety")).to_contain_text(SAFETY_LINE)  # the team sees it

    download, included = print_for(page, site, plan_url, "household", "het hele huishouden")
    assert HER_WORDS not in included
    pseudonym = case.household.pseudonym
    assert download.suggested_filename == f"plan-{pseudonym}-v1-huishouden.pdf"
    household = pdf_text(download.path())
    assert "Voor: het hele huishouden" in household, household
    assert HOUSEHOLD_WORDS in household and GOAL in household, household
    assert HER_WORDS not in household, household
    assert SAFETY_LINE not in household, household
    assert PROFESSIONALS_ACTION not in household, household
    assert PARTNER not in household, household

    download, included = print_for(page, site, plan_url, f"member:{PARTNER}", PARTNER)
    assert HER_WORDS in included
    hers = pdf_text(download.path())
    assert f"Voor: {PARTNER}" in hers, hers
    assert HER_WORDS in hers and HOUSEHOLD_WORDS in hers, hers
    assert SAFETY_LINE not in hers, hers
    assert PROFESSIONALS_ACTION not in hers, hers

    exports = AccessLogEntry.objects.filter(action=Action.EXPORT, household=pseudonym).order_by(
        "id"
    )
    assert [
        ("for household" in e.detail, "confirmed after preview" in e.detail) for e in exports
    ] == [
        (True, True),
        (False, True),
    ]
