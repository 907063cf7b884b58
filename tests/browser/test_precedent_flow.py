"""A precedent in the browser, with the demo (issue 12, "Done when"): a coordinator
turns a closed demo case into a precedent, is blocked by a phone number left in the
text, removes it; a second coordinator publishes it; a professional of another team,
on another case, finds it by a word form that differs from the text's. The assertions
rest on data, URLs and test ids (the newest strings may not be translated yet)."""

import re

from browser_support import assert_accessible, logged_in
from django.utils import timezone
from playwright.sync_api import expect

from maatwerk.cases.models import Case
from maatwerk.learning.models import Precedent

TITLE = "Onderhuur naast een schuldregeling"
WITH_PHONE = (
    "Een onderhuurder betaalde huur voor een kamer; die huur zou als inkomen tellen en de "
    "schuldregeling laten mislukken. Bel de moeder op 06-12345678 als het misgaat."
)
WITHOUT_PHONE = (
    "Een onderhuurder betaalde huur voor een kamer; die huur zou als inkomen tellen en de "
    "schuldregeling laten mislukken."
)


def save_draft(page, situation: str):
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_situation").fill(situation)
    page.locator("main form:has(input[name=action][value=save]) button[type=submit]").click()


def test_a_precedent_from_a_closed_case_is_screened_published_and_found(
    browser, site, demo, demo_password
):
    # The demo case escalated to the national team (the coordinators work on it), closed:
    # the professional closed it, solved.
    case = Case.objects.get(plans__title="De schuldregeling afmaken")
    Case.objects.filter(pk=case.pk).update(
        status=Case.Status.CLOSED, outcome="solved", closed_on=timezone.localdate()
    )
    before = set(Precedent.objects.values_list("pk", flat=True))

    with logged_in(browser, site, "coordinator", demo_password) as coordinator:
        coordinator.goto(site.url(f"/cases/{case.pk}/"))
        coordinator.locator(
            f"main form[action='/learning/cases/{case.pk}/precedent/'] button"
        ).click()
        expect(coordinator).to_have_url(re.compile(r"/learning/precedents/\d+/$"))
        precedent = Precedent.objects.exclude(pk__in=before).get()
        assert precedent.status == "draft" and precedent.source_case_id == case.pk
        # A phone number left in the text: the screen marks it.
        save_draft(coordinator, WITH_PHONE)
        expect(coordinator.get_by_test_id("personal-data")).to_be_visible()
        expect(coordinator.locator("mark[data-kind=phone]")).to_have_text("06-12345678")
        assert_accessible(coordinator, context="a draft precedent with personal data marked")

        # The second coordinator cannot publish it while the number is there.
        with logged_in(browser, site, "coordinator2", demo_password) as reviewer:
            reviewer.goto(site.url(f"/learning/precedents/{precedent.pk}/"))
            reviewer.locator("main form:has(input[value=publish]) button").click()
            expect(reviewer.locator("mark[data-kind=phone]")).to_be_visible()
            precedent.refresh_from_db()
            assert precedent.status == "draft"

            # The author removes it; the screen finds nothing; the reviewer publishes.
            save_draft(coordinator, WITHOUT_PHONE)
            expect(coordinator.get_by_test_id("personal-data")).to_have_count(0)
            reviewer.goto(site.url(f"/learning/precedents/{precedent.pk}/"))
            expect(reviewer.get_by_test_id("personal-data")).to_have_count(0)
            reviewer.locator("main form:has(input[value=publish]) button").click()
            expect(reviewer.locator("main form:has(input[value=publish])")).to_have_count(0)
    precedent.refresh_from_db()
    assert precedent.status == "published"
    assert precedent.drafted_by.username == "coordinator"
    assert precedent.published_by.username == "coordinator2"

    # A professional of another team, on another case, searches "onderhuurders": the
    # text says "onderhuurder".
    other_case = Case.objects.filter(team__name="Buurtteam Overvecht").exclude(pk=case.pk).first()
    assert other_case is not None
    with logged_in(browser, site, "professional2", demo_password) as pro:
        pro.goto(site.url(f"/cases/{other_case.pk}/"))
        pro.goto(site.url("/learning/precedents/"))
        pro.locator("#q").fill("onderhuurders")
        pro.locator("main form[role=search] button[type=submit]").click()
        link = pro.locator(f"main a[href='/learning/precedents/{precedent.pk}/']")
        expect(link).to_have_text(TITLE)
        assert_accessible(pro, context="precedent search")
        link.click()
        expect(pro.locator("main")).to_contain_text(WITHOUT_PHONE)
        expect(pro.locator("main")).not_to_contain_text(case.household.pseudonym)
