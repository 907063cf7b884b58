"""A redirect with a typed reason and a target from the register, forwarded in one step;
the letter for the organisation and an attachment — with two logins, every page checked
with axe. The assertions rest on data, URLs and test ids."""

import re

from browser_support import assert_accessible, logged_in
from playwright.sync_api import expect

from maatwerk.journeys.models import Attachment, EventType, Request
from maatwerk.register.models import Organisation

PDF = b"%PDF-1.4\n% een beschikking\n"


def test_redirect_forward_letter_and_attachment(browser, site, demo, demo_password, tmp_path):
    uwv = Organisation.objects.get(name="UWV")
    svb = Organisation.objects.get(name="SVB")
    req = (
        Request.objects.filter(organisation=uwv, state=Request.State.WAITING)
        .select_related("case__owner")
        .order_by("id")
        .first()
    )
    assert req is not None, "the demo has a UWV request waiting for an answer"
    owner = req.case.owner.username

    with (
        logged_in(browser, site, "decision_maker", demo_password) as dm,
        logged_in(browser, site, owner, demo_password) as pro,
    ):
        # --- The decision maker redirects, to an organisation from the register -------
        dm.goto(site.url(f"/journeys/inbox/{req.pk}/"))
        card = dm.get_by_test_id("decision-redirected")
        card.locator("summary").click()
        card.locator("#id_redirected-reason").select_option("wrong_desk")
        card.locator("#id_redirected-organisation").select_option(str(svb.pk))
        card.locator("button[type=submit]").click()
        expect(dm.get_by_test_id("state")).to_be_visible()
        event = req.events.get(type=EventType.REDIRECTED)
        assert event.redirected_to_organisation == svb and event.reason == "wrong_desk"
        assert_accessible(dm, context="decide page after a redirect")

        # --- The professional sees the counter-arguments and forwards it ------------
        pro.goto(site.url(f"/journeys/requests/{req.pk}/"))
        expect(pro.locator("#counter-heading")).to_be_visible()
        assert_accessible(pro, context="request page after a redirect")
        pro.get_by_test_id("forward").click()
        expect(pro).to_have_url(re.compile(rf"/journeys/requests/{req.pk}/forward/$"))
        expect(pro.locator("#id_organisation")).to_have_value(str(svb.pk))
        assert_accessible(pro, context="forward form")
        pro.locator("main form button[type=submit]").click()
        expect(pro).to_have_url(re.compile(r"/journeys/requests/\d+/$"))
        new = Request.objects.get(forwarded_from=req)
        assert new.organisation == svb and new.state == Request.State.WAITING
        assert Request.objects.get(pk=req.pk).state == Request.State.FORWARDED
        expect(pro.get_by_test_id("forwarded-from")).to_be_visible()
        expect(pro.get_by_test_id("due-basis")).to_be_visible()
        expect(pro.get_by_test_id("next-step")).to_be_visible()

        # --- A document, kept in the team ------------------------------------------
        letter_file = tmp_path / "beschikking.pdf"
        letter_file.write_bytes(PDF)
        attachments = pro.get_by_test_id("attachments")
        attachments.locator("summary").click()
        attachments.locator("#id_file").set_input_files(str(letter_file))
        attachments.locator("#id_kind").select_option("decision_letter")
        attachments.locator("form[enctype] button[type=submit]").click()
        expect(pro.get_by_test_id("attachment")).to_have_count(1)
        assert Attachment.objects.get(request=new).content_type == "pdf"
        assert_accessible(pro, context="request page with an attachment")

        # --- The letter for the organisation ---------------------------------------
        pro.get_by_test_id("letter-link").click()
        expect(pro).to_have_url(re.compile(rf"/journeys/requests/{new.pk}/letter/$"))
        expect(pro.get_by_test_id("letter-text")).to_contain_text(
            f"{new.case.household.pseudonym}/{new.reference}"
        )
        assert_accessible(pro, context="letter page")
        pro.get_by_test_id("record-answer").click()
        expect(pro.locator("#id_on_behalf_of")).not_to_have_value("")
