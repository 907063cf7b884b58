"""The budget pages: who sees what (one access policy), Dutch field errors that store
nothing, four eyes through the pages, receipts only through the checked view, the
exports (aggregates only) and the access log."""

import io
import os
import stat
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook
from PIL import Image

from maatwerk.audit.models import AccessLogEntry, Action
from maatwerk.budgets import services
from maatwerk.budgets.models import LedgerEntry, Spend
from maatwerk.journeys.models import EventType, Request
from maatwerk.journeys.services import record_event, request_create
from maatwerk.testing.cases import make_case
from maatwerk.testing.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def spend(user, case, budget, rf_request, amount="100.00", **kwargs):
    fields = {
        "on": timezone.localdate(),
        "purpose_category": "housing",
        "description": "Huurachterstand oktober",
        "payee_category": "landlord",
    }
    fields.update(kwargs)
    return services.spend_create(
        request=rf_request(user), user=user, case=case, budget=budget, amount=amount, **fields
    )


def form_data(budget, **overrides):
    data = {
        "budget": budget.pk,
        "on": timezone.localdate().isoformat(),
        "amount": "125,50",
        "purpose_category": "transport",
        "description": "Taxi naar het ziekenhuis",
        "payee_category": "supplier",
    }
    data.update(overrides)
    return data


# --- Who may see what ----------------------------------------------------------------


@pytest.mark.parametrize("role", ["decision_maker", "analyst", "privacy_officer", "admin"])
def test_roles_without_budget_permission_get_no_budget_pages(client, make_user, login, role):
    login(make_user(role), verified=True)
    assert client.get("/budget/").status_code == 403
    assert client.get("/budget/export.csv").status_code == 403


def test_professional_sees_only_own_team_figures(
    client, login, budget, case, professional, outsider, rf_request, teams, make_user
):
    spend(professional, case, budget, rf_request, amount="100.00")
    login(professional)
    page = client.get("/budget/").content.decode()
    assert teams[0].name in page and "€\xa0900,00" in page
    client.logout()
    login(outsider)
    page = client.get("/budget/").content.decode()
    assert teams[0].name not in page


def test_coordinator_sees_every_team_but_not_the_case(
    client, login, budget, case, professional, coordinator, rf_request
):
    booked = spend(professional, case, budget, rf_request)
    login(coordinator)
    page = client.get("/budget/").content.decode()
    assert "Wijkteam Oost" in page
    detail = client.get(f"/budget/spends/{booked.pk}/")
    assert detail.status_code == 200
    # The spend's own figures, not the case: no link to it, no pseudonym.
    content = detail.content.decode()
    assert case.household.pseudonym not in content
    assert f"/cases/{case.pk}/" not in content
    assert client.get(f"/cases/{case.pk}/").status_code == 404


def test_other_team_cannot_open_a_spend_or_spend_for_the_case(
    client, login, budget, case, professional, outsider, rf_request, make_user, teams
):
    booked = spend(professional, case, budget, rf_request)
    login(outsider)
    assert client.get(f"/budget/spends/{booked.pk}/").status_code == 404
    assert client.get(f"/budget/cases/{case.pk}/spend/").status_code == 404
    client.logout()
    other_holder = make_user("budget_holder", teams=[teams[1]])
    login(other_holder)
    assert client.get(f"/budget/spends/{booked.pk}/").status_code == 404
    response = client.post(f"/budget/spends/{booked.pk}/reverse/", {"reason": "x"})
    assert response.status_code == 404
    assert LedgerEntry.objects.filter(kind="reversal").count() == 0


def test_reading_a_spend_is_logged_with_the_pseudonym(
    client, login, budget, case, professional, rf_request
):
    booked = spend(professional, case, budget, rf_request)
    login(professional)
    before = AccessLogEntry.objects.count()
    client.get(f"/budget/spends/{booked.pk}/")
    rows = list(AccessLogEntry.objects.order_by("id")[before:])
    assert len(rows) == 1
    assert rows[0].action == Action.READ and rows[0].household == case.household.pseudonym


# --- Spending through the page --------------------------------------------------------


def test_spend_below_threshold_is_booked_and_shows_on_the_case(
    client, login, budget, case, professional
):
    login(professional)
    response = client.post(f"/budget/cases/{case.pk}/spend/", form_data(budget))
    spend_row = Spend.objects.get()
    assert response.status_code == 302 and response.url == f"/budget/spends/{spend_row.pk}/"
    assert spend_row.state == Spend.State.BOOKED and spend_row.amount == Decimal("125.50")
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert spend_row.reference in page and "Taxi naar het ziekenhuis" in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"amount": "0"}, "amount", "Het bedrag moet groter zijn dan nul."),
        ({"amount": "-5"}, "amount", "Een bedrag kan niet negatief zijn"),
        ({"amount": "12,345"}, "amount", "Gebruik hoogstens twee decimalen"),
        ({"amount": "twaalf"}, "amount", "Vul een bedrag in euro"),
        ({"on": "2001-03-01"}, "on", "De datum valt buiten het budgetjaar"),
        ({"description": ""}, "description", "Zeg wat er betaald wordt"),
        ({"bridging": "on"}, "responsible_candidates", "Noem minstens één organisatie"),
    ],
)
def test_bad_input_gives_a_dutch_field_error_and_stores_nothing(
    client, login, budget, case, professional, overrides, field, message
):
    login(professional)
    before = (Spend.objects.count(), LedgerEntry.objects.count())
    response = client.post(f"/budget/cases/{case.pk}/spend/", form_data(budget, **overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert (Spend.objects.count(), LedgerEntry.objects.count()) == before


def test_a_spend_that_empties_the_budget_is_refused_with_the_balance(
    client, login, budget, case, professional, rf_request
):
    spend(professional, case, budget, rf_request, amount="200.00")
    spend(professional, case, budget, rf_request, amount="200.00")
    spend(professional, case, budget, rf_request, amount="200.00")
    spend(professional, case, budget, rf_request, amount="200.00")
    login(professional)
    response = client.post(f"/budget/cases/{case.pk}/spend/", form_data(budget, amount="240,00"))
    assert "maakt het saldo negatief" in " ".join(response.context["form"].errors["amount"])
    assert "€ 200,00" in " ".join(response.context["form"].errors["amount"])
    assert Spend.objects.count() == 4


def test_four_eyes_through_the_pages(client, login, budget, case, make_user, teams, budget_holder):
    # Someone who is both professional and budget holder cannot approve their own spend.
    both = make_user("professional", "budget_holder", teams=[teams[0]])
    login(both)
    client.post(f"/budget/cases/{case.pk}/spend/", form_data(budget, amount="300,00"))
    pending = Spend.objects.get()
    assert pending.state == Spend.State.AWAITING_APPROVAL
    page = client.get(f"/budget/spends/{pending.pk}/").content.decode()
    assert "Uitgave goedkeuren" not in page
    response = client.post(f"/budget/spends/{pending.pk}/approve/", {})
    assert response.status_code == 400
    assert "eigen uitgave" in response.content.decode()
    pending.refresh_from_db()
    assert pending.state == Spend.State.AWAITING_APPROVAL
    client.logout()
    login(budget_holder)
    assert pending.reference in client.get("/budget/approvals/").content.decode()
    response = client.post(f"/budget/spends/{pending.pk}/approve/", {})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.state == Spend.State.BOOKED and pending.decided_by == budget_holder


def test_refusing_needs_a_reason(
    client, login, budget, case, professional, budget_holder, rf_request
):
    pending = spend(professional, case, budget, rf_request, amount="300.00")
    login(budget_holder)
    response = client.post(f"/budget/spends/{pending.pk}/refuse/", {"reason": ""})
    assert response.status_code == 400
    assert "Zeg waarom" in response.content.decode()
    response = client.post(
        f"/budget/spends/{pending.pk}/refuse/", {"reason": "Past beter bij de bijzondere bijstand"}
    )
    pending.refresh_from_db()
    assert pending.state == Spend.State.REFUSED


def test_settling_more_than_was_paid_is_refused_on_the_page(
    client, login, budget, case, professional, coordinator, rf_request
):
    insurer = OrganisationFactory(name="Zorgverzekeraar Test", type="health_insurer")
    bridging = spend(
        professional,
        case,
        budget,
        rf_request,
        amount="200.00",
        bridging=True,
        responsible_candidates=[insurer],
    )
    login(coordinator)
    url = f"/budget/spends/{bridging.pk}/settle/"
    today = timezone.localdate().isoformat()
    response = client.post(url, {"responsible": insurer.pk, "amount": "250", "on": today})
    assert response.status_code == 400
    assert "niet meer verrekenen dan er is betaald" in response.content.decode()
    response = client.post(url, {"responsible": insurer.pk, "amount": "80", "on": today})
    assert response.status_code == 302
    page = client.get("/budget/receivables/").content.decode()
    assert "Zorgverzekeraar Test" in page and "€\xa0120,00" in page


# --- Receipts -------------------------------------------------------------------------


def test_receipt_is_private_and_served_only_through_the_checked_view(
    client, login, budget, case, professional, outsider, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    login(professional)
    upload = SimpleUploadedFile("bon-jansen.pdf", b"%PDF-1.4 test receipt", "application/pdf")
    client.post(f"/budget/cases/{case.pk}/spend/", {**form_data(budget), "receipt": upload})
    row = Spend.objects.get()
    assert row.receipt.name.endswith(".pdf") and "jansen" not in row.receipt.name
    assert str(tmp_path / "receipts") in row.receipt.path
    before = AccessLogEntry.objects.count()
    response = client.get(f"/budget/spends/{row.pk}/receipt/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test receipt"
    assert "attachment" in response["Content-Disposition"]
    assert AccessLogEntry.objects.filter(pk__gt=0).count() == before + 1
    client.logout()
    login(outsider)
    assert client.get(f"/budget/spends/{row.pk}/receipt/").status_code == 404


def test_receipt_of_the_wrong_type_is_refused(
    client, login, budget, case, professional, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    login(professional)
    upload = SimpleUploadedFile("script.exe", b"MZ", "application/octet-stream")
    response = client.post(
        f"/budget/cases/{case.pk}/spend/", {**form_data(budget), "receipt": upload}
    )
    assert "PDF-, JPG- of PNG-bestand" in " ".join(response.context["form"].errors["receipt"])
    assert Spend.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bon.pdf", b"MZ\x90\x00 a program, named as a PDF"),
        ("bon.png", b"%PDF-1.4 a PDF named as an image"),
        ("bon.jpg", b"\xff\xd8\xff\xe0 not really a JPEG after its first bytes"),
    ],
)
def test_a_receipt_whose_content_is_not_what_its_name_says_is_refused(
    client, login, budget, case, professional, settings, tmp_path, name, content
):
    settings.MEDIA_ROOT = tmp_path
    login(professional)
    upload = SimpleUploadedFile(name, content, "application/pdf")
    response = client.post(
        f"/budget/cases/{case.pk}/spend/", {**form_data(budget), "receipt": upload}
    )
    assert "geen echt PDF-, JPG- of PNG-bestand" in " ".join(
        response.context["form"].errors["receipt"]
    )
    assert Spend.objects.count() == 0
    assert not (tmp_path / "receipts").exists() or not any((tmp_path / "receipts").iterdir())


def test_a_real_image_receipt_is_stored_readable_by_the_owner_only(
    client, login, budget, case, professional, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    image = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(image, format="PNG")
    login(professional)
    upload = SimpleUploadedFile("bon.png", image.getvalue(), "image/png")
    client.post(f"/budget/cases/{case.pk}/spend/", {**form_data(budget), "receipt": upload})
    row = Spend.objects.get()
    assert stat.S_IMODE(os.stat(row.receipt.path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(os.path.dirname(row.receipt.path)).st_mode) == 0o700


# --- Journey link ---------------------------------------------------------------------


def test_a_spend_that_solves_a_request_shows_on_the_timeline(
    client, login, budget, case, professional, rf_request
):
    organisation = OrganisationFactory(name="Woningcorporatie Test", type="housing_association")
    req = request_create(
        request=rf_request(professional),
        user=professional,
        case=case,
        organisation=organisation,
        subject="Ontruiming uitstellen",
    )
    today = timezone.localdate()
    record_event(
        request=rf_request(professional),
        user=professional,
        req=req,
        type=EventType.SUBMITTED,
        on=today,
    )
    login(professional)
    client.post(f"/budget/cases/{case.pk}/spend/", form_data(budget, solves_request=req.pk))
    req.refresh_from_db()
    assert req.state == Request.State.SOLVED
    client.cookies["django_language"] = "en"
    page = client.get(f"/journeys/cases/{case.pk}/timeline/").content.decode()
    assert "payment from the maatwerk budget" in page


# --- Overview and exports -------------------------------------------------------------


def test_overview_query_count_does_not_grow_with_spends(
    client,
    login,
    budget,
    case,
    professional,
    coordinator,
    rf_request,
    teams,
    assert_constant_queries,
):
    spend(professional, case, budget, rf_request)
    login(coordinator)
    client.get("/budget/")

    def grow():
        more_cases = [make_case(teams[0], professional) for _ in range(5)]
        for extra in more_cases:
            spend(professional, extra, budget, rf_request, amount="10.00", purpose_category="debts")
            spend(professional, extra, budget, rf_request, amount="300.00")  # awaiting approval

    assert_constant_queries(lambda: client.get("/budget/"), grow)


def test_exports_hold_the_figures_and_nothing_about_households(
    client, login, budget, case, professional, budget_holder, rf_request
):
    spend(professional, case, budget, rf_request, amount="100.00")
    spend(professional, case, budget, rf_request, amount="300.00")  # committed
    login(budget_holder)
    year = timezone.localdate().year
    before = AccessLogEntry.objects.filter(action=Action.EXPORT).count()
    csv_text = client.get(f"/budget/export.csv?year={year}").content.decode("utf-8-sig")
    assert "Wijkteam Oost;" in csv_text and "1000,00;100,00;0,00;100,00;300,00;600,00" in csv_text
    assert case.household.pseudonym not in csv_text and "Huurachterstand" not in csv_text
    response = client.get(f"/budget/export.xlsx?year={year}")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Totalen", "Per maand", "Per doel"]
    totals = list(workbook["Totalen"].iter_rows(values_only=True))
    assert totals[1][0] == "Wijkteam Oost"
    assert [Decimal(str(v)) for v in totals[1][2:8]] == [
        Decimal("1000"),
        Decimal("100"),
        Decimal("0"),
        Decimal("100"),
        Decimal("300"),
        Decimal("600"),
    ]
    assert AccessLogEntry.objects.filter(action=Action.EXPORT).count() == before + 2
    assert client.get("/budget/export.pdf").status_code == 404


def test_budget_holder_sets_and_changes_a_budget_with_conflict_detection(
    client, login, budget_holder, teams
):
    login(budget_holder)
    year = timezone.localdate().year + 1
    response = client.post(
        "/budget/budgets/new/",
        {"team": teams[0].pk, "year": year, "amount": "5000,00", "approval_threshold": "500"},
    )
    assert response.status_code == 302
    created = teams[0].budgets.get(year=year)
    assert created.amount == Decimal("5000.00")
    url = f"/budget/budgets/{created.pk}/"
    first = {"amount": "6000", "approval_threshold": "500", "version": created.version}
    assert client.post(url, first).status_code == 302
    stale = client.post(url, {**first, "amount": "7000"})
    assert "in de tussentijd" in stale.content.decode()
    created.refresh_from_db()
    assert created.amount == Decimal("6000.00") and created.revisions.count() == 2


def test_coordinator_settles_but_never_gets_the_receipt(
    client, login, budget, case, professional, coordinator, budget_holder, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    insurer = OrganisationFactory(name="Zorgverzekeraar Bon", type="health_insurer")
    login(professional)
    upload = SimpleUploadedFile("bon.pdf", b"%PDF-1.4 bon", "application/pdf")
    data = {**form_data(budget, bridging="on", responsible_candidates=[insurer.pk])}
    client.post(f"/budget/cases/{case.pk}/spend/", {**data, "receipt": upload})
    row = Spend.objects.get()
    client.logout()
    login(coordinator)
    page = client.get(f"/budget/spends/{row.pk}/").content.decode()
    assert f"/budget/spends/{row.pk}/receipt/" not in page
    assert client.get(f"/budget/spends/{row.pk}/receipt/").status_code == 404
    client.logout()
    login(budget_holder)  # the team's budget holder checks spends: may see the receipt
    assert client.get(f"/budget/spends/{row.pk}/receipt/").status_code == 200


def test_asking_approval_lets_a_budget_holder_allow_a_negative_balance(
    client, login, budget, case, professional, budget_holder, rf_request
):
    spend(professional, case, budget, rf_request, amount="200.00")
    spend(professional, case, budget, rf_request, amount="200.00")
    spend(professional, case, budget, rf_request, amount="200.00")
    spend(professional, case, budget, rf_request, amount="200.00")
    login(professional)
    client.post(
        f"/budget/cases/{case.pk}/spend/",
        form_data(budget, amount="240,00", ask_approval="on"),
    )
    asked = Spend.objects.get(amount=Decimal("240.00"))
    assert asked.state == Spend.State.AWAITING_APPROVAL  # below the threshold, but asked
    client.logout()
    login(budget_holder)
    response = client.post(f"/budget/spends/{asked.pk}/approve/", {})
    assert "maakt het saldo negatief" in response.content.decode()
    response = client.post(f"/budget/spends/{asked.pk}/approve/", {"override": "on"})
    assert response.status_code == 302
    entry = LedgerEntry.objects.get(spend=asked)
    assert entry.override is True
    assert AccessLogEntry.objects.filter(
        object_type="budgets.ledgerentry", object_id=str(entry.pk), detail__contains="negative"
    ).exists()


def test_lists_of_spends_are_logged_with_what_they_showed(
    client, login, budget, case, professional, budget_holder, coordinator, rf_request
):
    pending = spend(professional, case, budget, rf_request, amount="300.00")
    login(budget_holder)
    before = AccessLogEntry.objects.count()
    client.get("/budget/approvals/")
    (row,) = AccessLogEntry.objects.order_by("id")[before:]
    assert row.action == Action.READ and pending.reference in row.detail
    client.logout()
    insurer = OrganisationFactory(name="Zorgverzekeraar Lijst", type="health_insurer")
    bridging = spend(
        professional, case, budget, rf_request, amount="50.00", bridging=True,
        responsible_candidates=[insurer],
    )  # fmt: skip
    login(coordinator)
    before = AccessLogEntry.objects.count()
    client.get("/budget/receivables/")
    (row,) = AccessLogEntry.objects.order_by("id")[before:]
    assert bridging.reference in row.detail


def test_a_receipt_missing_on_disk_is_a_logged_404(
    client, login, budget, case, professional, settings, tmp_path, caplog
):
    settings.MEDIA_ROOT = tmp_path
    login(professional)
    upload = SimpleUploadedFile("bon.pdf", b"%PDF-1.4 test receipt", "application/pdf")
    client.post(f"/budget/cases/{case.pk}/spend/", {**form_data(budget), "receipt": upload})
    row = Spend.objects.get()
    os.remove(row.receipt.path)
    with caplog.at_level("ERROR", logger="maatwerk.budgets"):
        response = client.get(f"/budget/spends/{row.pk}/receipt/")
    assert response.status_code == 404
    (record,) = [r for r in caplog.records if r.name == "maatwerk.budgets.views"]
    assert record.levelname == "ERROR" and str(row.pk) in record.getMessage()
