"""Every demo login gets a start page with real work: the demo is how a new user meets
Maatwerk, so no role may land on an empty page."""

import re

import pytest

from maatwerk.accounts.models import User

# One worker for the module: its demo is loaded once (conftest: module_demo).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo:start_demo")]

# What each demo login must find on the start page: section test ids with at least one
# row in them.
EXPECTED = {
    "professional": ["attention-case", "start-deadline"],
    "professional2": ["start-deadline"],
    "decision_maker": ["start-overdue-request"],
    "coordinator": ["start-escalated-request", "start-meeting", "start-analysis-case"],
    # The second pair of eyes for precedents: the same national work.
    "coordinator2": ["start-escalated-request", "start-analysis-case"],
    "budget_holder": ["start-awaiting-spend"],
    "budget_holder2": ["start-awaiting-spend"],
    "privacy_officer": ["emergency-access-[0-9]+"],
    "admin": ["start-accounts", "start-account"],
    "analyst": ["start-role-analyst"],
}


@pytest.fixture
def demo(module_demo, db):
    return {login.username: login for login in module_demo}


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_every_demo_login_has_real_work_on_the_start_page(client, login, demo, username):
    user = User.objects.get(username=username)
    login(user, verified=demo[username].totp_secret is not None)
    content = client.get("/").content.decode()
    assert "straks" not in content
    for testid in EXPECTED[username]:
        assert re.search(f'data-testid="{testid}"', content), (username, testid)


def test_the_analyst_finds_the_precedents_and_patterns(client, login, demo):
    login(User.objects.get(username="analyst"))
    content = client.get("/").content.decode()
    assert 'href="/learning/precedents/"' in content and 'href="/learning/patterns/"' in content
    assert "Gepubliceerde voorbeelden komen nog." not in content


def test_the_admin_sees_the_accounts_to_look_at(
    client, login, demo, make_user, assert_constant_queries
):
    from maatwerk.accounts.models import User as Account

    admin = Account.objects.get(username="admin")
    login(admin, verified=True)
    make_user()  # an active account without a role
    response = client.get("/")
    section = next(
        s for s in response.context["sections"] if s["template"].endswith("accounts.html")
    )
    assert section["totals"]["without_role"] == 1
    assert "admin" not in section["shown"]["never_logged_in"]  # the admin just logged in
    assert section["totals"]["never_logged_in"] >= 8  # the other demo logins

    def grow():
        for _ in range(5):
            make_user()

    assert_constant_queries(lambda: client.get("/"), grow=grow)


def test_what_one_test_changes_in_the_shared_demo_1(module_demo, db):
    User.objects.filter(username="admin").update(first_name="Veranderd")
    assert User.objects.get(username="admin").first_name == "Veranderd"


def test_what_one_test_changes_in_the_shared_demo_2_the_next_does_not_see(module_demo, db):
    """(conftest's module_demo: every test is a savepoint, rolled back after it)"""
    assert User.objects.get(username="admin").first_name != "Veranderd"


def test_the_coordinator_finds_the_case_exchange(client, login, demo):
    login(User.objects.get(username="coordinator"))
    content = client.get("/").content.decode()
    assert 'href="/reports/exchange/"' in content
