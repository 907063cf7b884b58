"""Refused attempts on the budget pages of a case and on one spend are logged with the
household's pseudonym; the answer stays a plain 404."""

import pytest
from django.utils import timezone

from maatwerk.budgets import services
from maatwerk.testing.refusals import assert_refused

pytestmark = pytest.mark.django_db

SPEND_PAGES = ["", "receipt/", "approve/", "refuse/", "reverse/", "settle/"]


@pytest.fixture
def booked(professional, case, budget, rf_request):
    return services.spend_create(
        request=rf_request(professional),
        user=professional,
        case=case,
        budget=budget,
        amount="100.00",
        on=timezone.localdate(),
        purpose_category="housing",
        description="Huurachterstand oktober",
        payee_category="landlord",
    )


def test_another_team_is_refused_and_logged_on_every_spend_page(
    client, login, make_user, teams, case, booked
):
    pseudonym = case.household.pseudonym
    for user in (
        make_user("professional", teams=[teams[1]]),
        make_user("budget_holder", teams=[teams[1]]),
    ):
        login(user)
        row = assert_refused(client, f"/budget/cases/{case.pk}/spend/", household=pseudonym)
        assert (row.object_type, row.object_id) == ("cases.case", str(case.pk))
        for page in SPEND_PAGES:
            url = f"/budget/spends/{booked.pk}/{page}"
            method = "post" if page not in ("", "receipt/") else "get"
            row = assert_refused(client, url, household=pseudonym, method=method)
            assert (row.actor, row.object_type, row.object_id) == (
                user,
                "budgets.spend",
                str(booked.pk),
            )
        client.logout()


def test_a_spend_that_does_not_exist_is_logged_without_household(client, login, outsider):
    login(outsider)
    row = assert_refused(client, "/budget/spends/999999/", household="")
    assert "no such object" in row.detail
