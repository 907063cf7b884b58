"""Every refused attempt on a page of one case is logged with the household's pseudonym
(NEN 7513: every attempt, by anyone); the answer stays a plain 404."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from maatwerk.cases.models import EmergencyAccess
from maatwerk.cases.plans import GoalInput, PlanContent, plan_save_version
from maatwerk.testing.cases import make_cases
from maatwerk.testing.refusals import assert_refused

pytestmark = pytest.mark.django_db

MISSING = 999_999


@pytest.fixture
def case(teams, professional):
    return make_cases(teams[0], professional, 1)[0]


@pytest.fixture
def plan(case, professional):
    version = plan_save_version(
        request=None,
        user=professional,
        case=case,
        content=PlanContent(title="Rust", goals=[GoalInput(text="Geen beslag meer")]),
        plan=None,
        based_on=0,
    )
    return version.plan


def emergency_access(user, case):
    """Break-the-glass for ``user`` on ``case``, running now (cases.services has the
    full flow; here only the visibility it gives matters)."""
    now = timezone.now()
    return EmergencyAccess.objects.create(
        user=user,
        case=case,
        reason="test: the case manager is ill today",
        started_at=now,
        expires_at=now + timedelta(hours=1),
    )


def page_without_token(response, url):
    """The page as the user sees it, but for the per-request token and its own URL."""
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return page.replace(url, "<url>")


def case_urls(pk, plan_id):
    plain = ["case_detail", "perspective_add", "identity_edit", "case_status", "plan_create"]
    of_plan = ["plan_detail", "plan_edit", "plan_pdf", "agreement_add"]
    return [reverse(f"cases:{name}", args=[pk]) for name in plain] + [
        reverse(f"cases:{name}", args=[pk, plan_id]) for name in of_plan
    ]


def test_another_teams_professional_is_refused_and_logged_on_every_case_page(
    client, login, outsider, case, plan
):
    login(outsider)
    pseudonym = case.household.pseudonym
    for url in case_urls(case.pk, plan.pk):
        for method in ("get", "post"):
            row = assert_refused(client, url, household=pseudonym, method=method)
            assert (row.actor, row.object_type, row.object_id) == (
                outsider,
                "cases.case",
                str(case.pk),
            )


def test_a_case_that_does_not_exist_is_logged_without_household(
    client, login, outsider, case, plan
):
    login(outsider)
    refused_url = reverse("cases:case_detail", args=[case.pk])
    missing_url = reverse("cases:case_detail", args=[MISSING])
    row = assert_refused(client, missing_url, household="")
    assert (row.object_type, row.object_id) == ("cases.case", str(MISSING))
    assert "no such object" in row.detail
    # No existence oracle: the same answer for a case one may not see and none at all.
    assert page_without_token(client.get(missing_url), missing_url) == page_without_token(
        client.get(refused_url), refused_url
    )


def test_a_role_without_case_access_is_logged_with_the_household(
    client, login, make_user, teams, case
):
    analyst = make_user("analyst", teams=[teams[0]])
    login(analyst)
    row = assert_refused(
        client, reverse("cases:case_detail", args=[case.pk]), household=case.household.pseudonym
    )
    assert row.detail.startswith("cases.view_case; ")


def test_a_missing_permission_on_a_case_page_is_logged_with_the_household(
    client, login, make_user, case
):
    admin = make_user("admin")  # sees the case only through an emergency access: read-only
    emergency_access(admin, case)
    login(admin, verified=True)
    assert client.get(reverse("cases:case_detail", args=[case.pk])).status_code == 200
    row = assert_refused(
        client, reverse("cases:identity_edit", args=[case.pk]), household=case.household.pseudonym
    )
    assert row.detail.startswith("cases.change_case; ")


def test_identifiers_refused_outside_the_owning_team_are_logged(
    client, login, make_user, teams, case
):
    # An emergency access and a professional's permissions, in another team: the case is
    # visible, its direct identifiers are not.
    user = make_user("professional", "admin", teams=[teams[1]])
    emergency_access(user, case)
    login(user, verified=True)
    row = assert_refused(
        client, reverse("cases:identity_edit", args=[case.pk]), household=case.household.pseudonym
    )
    # Changing them needs the policy itself (an emergency access is read-only).
    assert row.detail.startswith("not visible to this user")


def test_the_owning_team_is_not_refused(client, login, professional, case, plan):
    login(professional)
    for url in case_urls(case.pk, plan.pk)[:2]:
        assert client.get(url).status_code == 200
