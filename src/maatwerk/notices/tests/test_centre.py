"""The notification centre (its page, read and unread) and the unread count in the
header. Moved here from journeys with the notifications (the overdue notices)."""

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from maatwerk.audit.models import AccessLogEntry, Action
from maatwerk.journeys.jobs import notice_key
from maatwerk.journeys.models import Request
from maatwerk.notices.models import Notice
from maatwerk.testing.cases import make_case
from maatwerk.testing.factories import (
    ContactFactory,
    EscalationStepFactory,
    OrganisationFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db
URL = "/notifications/"
DUE = date(2027, 3, 25)


@pytest.fixture
def world(make_user):
    team = TeamFactory(organisation=OrganisationFactory(name="Gemeente Zaanstad"))
    owner = make_user("professional", teams=[team])
    colleague = make_user("professional", teams=[team])
    uwv = OrganisationFactory(name="UWV")
    contact = ContactFactory(organisation=uwv, name="Anna Contact", function="Teamleider")
    EscalationStepFactory(organisation=uwv, level=1, contact=contact)
    decider = make_user("decision_maker", organisation=uwv)
    cases = [make_case(team, owner) for _ in range(3)]
    requests = Request.objects.bulk_create(
        Request(
            case=case,
            reference="R1",
            organisation=uwv,
            subject="WW ondanks ziekte",
            state=Request.State.WAITING,
            due_on=DUE,
            overdue=True,
            created_by=owner,
        )
        for case in cases
    )
    return owner, colleague, decider, requests


def notify(user, req, level=1, **fields):
    owner = user.pk == req.case.owner_id
    return Notice.objects.create(
        recipient=user,
        case=req.case,
        kind="overdue",
        key=notice_key(req.pk, DUE, level),
        subject="journeys.request",
        object_id=req.pk,
        facts={
            "household": req.case.household.pseudonym,
            "reference": req.reference,
            "organisation": req.organisation.name,
            "due": DUE.isoformat(),
            "since": (DUE + timedelta(days=1)).isoformat(),
            "level": level,
        },
        url_name="journeys:request_detail" if owner else "journeys:decide",
        url_args=[req.pk],
        **fields,
    )


def test_page_lists_only_ones_own_notifications_newest_first(client, login, world):
    owner, colleague, decider, (first, second, third) = world
    with time_machine.travel(timezone.now() - timedelta(days=2)):
        old = notify(owner, first)
    new = notify(owner, second)
    notify(colleague, third)  # someone else's
    notify(decider, first)
    login(owner)
    response = client.get(URL)
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row.notice.pk for row in rows] == [new.pk, old.pk]
    html = response.content.decode()
    assert second.case.household.pseudonym in html and first.case.household.pseudonym in html
    assert third.case.household.pseudonym not in html
    # The proposed step, and the work page link.
    assert "escalatieniveau 1" in html or "escalation level 1" in html
    assert f'href="/journeys/requests/{second.pk}/"' in html
    # What was asked is not on this page.
    assert "WW ondanks" not in html


def test_decision_maker_is_sent_to_the_decide_page(client, login, world):
    _owner, _colleague, decider, (first, *_rest) = world
    notify(decider, first)
    login(decider)
    html = client.get(URL).content.decode()
    assert f'href="{reverse("journeys:decide", args=[first.pk])}"' in html


def test_a_notice_about_a_request_one_can_no_longer_see_is_hidden(client, login, world):
    owner, _colleague, _decider, (first, *_rest) = world
    notify(owner, first)
    owner.teams.clear()  # moved to another team
    login(owner)
    response = client.get(URL)
    assert response.context["rows"] == []
    assert "Notifications (" not in response.content.decode()


def test_mark_all_as_read(client, login, world):
    owner, colleague, _decider, (first, second, third) = world
    mine = [notify(owner, first), notify(owner, second)]
    theirs = notify(colleague, third)
    login(owner)
    assert client.get(URL).context["unread"] == 2
    response = client.post(reverse("notices:read_all"))
    assert response.status_code == 302 and response.url == URL
    for notice in mine:
        notice.refresh_from_db()
        assert notice.read_at is not None
    theirs.refresh_from_db()
    assert theirs.read_at is None
    response = client.get(URL)
    assert response.context["unread"] == 0
    assert "Mark all as read" not in response.content.decode()


def test_mark_as_read_needs_post_and_login(client, login, world):
    owner, *_ = world
    response = client.post(reverse("notices:read_all"))
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert client.get(URL).status_code == 302
    login(owner)
    assert client.get(reverse("notices:read_all")).status_code == 405


def test_header_shows_the_unread_count(client, login, world, settings):
    settings.LANGUAGE_CODE = "en"
    owner, _colleague, _decider, (first, second, _third) = world
    login(owner)
    client.cookies["django_language"] = "en"
    html = client.get("/").content.decode()
    assert 'data-testid="notifications-link"' in html
    assert "Notifications (" not in html  # nothing unread: the plain link
    notify(owner, first)
    notify(owner, second, read_at=timezone.now())
    html = client.get("/").content.decode()
    assert "Notifications (1)" in html
    assert f'href="{URL}"' in html


def test_header_count_is_one_query(client, login, world, assert_queries):
    owner, _colleague, _decider, (first, *_rest) = world
    notify(owner, first)
    login(owner)
    client.get("/cases/")  # not the start page: its own section reads the notices too
    with assert_queries(1, matching="notices_notice") as queries:
        client.get("/cases/")
    assert queries.matching("notices_notice")[0].startswith("SELECT COUNT(*)")


def test_no_link_for_anonymous_visitors(client):
    html = client.get("/accounts/login/").content.decode()
    assert "notifications-link" not in html


def test_no_link_while_the_second_factor_is_owed(client, login, make_user, totp_device):
    user = make_user("admin")  # the admin role needs two-factor login
    totp_device(user)
    login(user)  # password given, second factor not yet
    response = client.get("/accounts/two-factor/", follow=True)
    assert "notifications-link" not in response.content.decode()
    assert client.get(URL).status_code == 302  # sent to the two-factor page


def test_reading_the_notifications_is_logged_with_the_pseudonyms(client, login, world):
    owner, colleague, _decider, (first, second, _third) = world
    notify(owner, first)
    notify(owner, second)
    login(owner)
    assert client.get(URL).status_code == 200
    (row,) = AccessLogEntry.objects.filter(object_type="notices.notice")
    assert (row.actor, row.action) == (owner, Action.READ)
    for req in (first, second):
        assert f"{req.case.household.pseudonym} {req.reference}" in row.detail
    client.logout()
    login(colleague)  # no notices: no case data shown, no row
    assert client.get(URL).status_code == 200
    assert AccessLogEntry.objects.filter(object_type="notices.notice").count() == 1


@pytest.mark.parametrize(
    "back", ["²", "notices:list", "https://elders.example/", "//elders.example/"]
)
def test_a_tampered_next_goes_back_to_the_list(client, login, make_user, back):
    user = make_user("professional")
    login(user)
    response = client.post(reverse("notices:read", args=[999999]), {"next": back})
    assert response.status_code == 302 and response["Location"] == reverse("notices:list")
