"""The notification centre's pages: one notice marked read (and opened), "alles
gelezen", the unread filter, query counts that do not grow with the notices, and the
preferences page (Dutch field errors; required notices cannot be switched off)."""

import pytest
from django.urls import reverse
from django.utils import translation

from maatwerk.audit.models import AccessLogEntry
from maatwerk.notices.models import Kind, Notice, Preference, Profile
from maatwerk.notices.selectors import unread_for
from maatwerk.notices.tests.support import case_notice
from maatwerk.testing.cases import make_case
from maatwerk.testing.factories import TeamFactory

pytestmark = pytest.mark.django_db
LIST = "/notifications/"
PREFERENCES = "/notifications/preferences/"


@pytest.fixture
def world(make_user):
    team = TeamFactory()
    owner = make_user("professional", teams=[team], email="owner@example.org")
    other = make_user("professional", teams=[team])
    return team, owner, other


def grow(team, owner, count, start=0):
    for n in range(start, start + count):
        case_notice(make_case(team, owner), [owner], n=n)


def test_mark_one_as_read_and_open_it(client, login, world):
    team, owner, other = world
    case = make_case(team, owner)
    case_notice(case, [owner])
    case_notice(case, [other])
    mine, theirs = Notice.objects.get(recipient=owner), Notice.objects.get(recipient=other)
    login(owner)
    response = client.post(reverse("notices:read", args=[mine.pk]), {"next": LIST})
    assert response.status_code == 302 and response.url == LIST
    mine.refresh_from_db()
    assert mine.read_at is not None
    # Someone else's notice: nothing happens to it.
    client.post(reverse("notices:read", args=[theirs.pk]))
    theirs.refresh_from_db()
    assert theirs.read_at is None
    # Opening goes on to what it is about.
    response = client.post(reverse("notices:read", args=[mine.pk]), {"open": "1"})
    assert response.url == f"/cases/{case.pk}/"
    # Never to another site.
    response = client.post(
        reverse("notices:read", args=[mine.pk]), {"next": "https://evil.example"}
    )
    assert response.url == LIST
    assert client.get(reverse("notices:read", args=[mine.pk])).status_code == 405


def test_the_unread_filter_and_everything_read(client, login, world):
    team, owner, _other = world
    grow(team, owner, 3)
    first = Notice.objects.order_by("pk").first()
    login(owner)
    client.post(reverse("notices:read", args=[first.pk]))
    response = client.get(LIST + "?unread=1")
    assert len(response.context["rows"]) == 2 and response.context["unread"] == 2
    assert 'data-testid="read-all"' in response.content.decode()
    client.post(reverse("notices:read_all"))
    response = client.get(LIST + "?unread=1")
    assert response.context["rows"] == [] and response.context["unread"] == 0
    assert len(client.get(LIST).context["rows"]) == 3


def test_the_centre_and_the_header_need_the_same_queries_for_more_notices(
    client, login, world, assert_constant_queries
):
    team, owner, _other = world
    grow(team, owner, 2)
    login(owner)
    client.get(LIST)
    assert_constant_queries(
        {
            "centre": lambda: client.get(LIST),
            "unread": lambda: client.get(LIST + "?unread=1"),
            "start page header": lambda: client.get("/"),
        },
        lambda: grow(team, owner, 12, start=2),
    )
    assert len(client.get(LIST).context["rows"]) == 14


def test_the_centre_is_logged_as_a_read_with_what_it_showed(client, login, world):
    team, owner, _other = world
    case = make_case(team, owner)
    case_notice(case, [owner])
    login(owner)
    client.get(LIST)
    (row,) = AccessLogEntry.objects.filter(object_type="notices.notice")
    assert row.actor == owner and case.household.pseudonym in row.detail


def test_unread_for_a_start_page(world):
    team, owner, other = world
    grow(team, owner, 4)
    shown = unread_for(owner, limit=3)
    assert len(shown) == 3 and all(row.unread and row.url.startswith("/cases/") for row in shown)
    assert unread_for(other) == []
    owner.teams.clear()
    assert unread_for(owner) == []


# --- Preferences ------------------------------------------------------------------------


def test_the_preferences_page_stores_the_choices(client, login, world):
    _team, owner, _other = world
    login(owner)
    response = client.get(PREFERENCES)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Meldingsvoorkeuren" in html and "verzoek afgewezen" in html
    data = {kind: "email" for kind in response.context["form"].fields if kind != "team_cases"}
    data.update({Kind.REFUSED: "digest", Kind.APPROVED: "off", "team_cases": "on"})
    response = client.post(PREFERENCES, data)
    assert response.status_code == 302
    stored = dict(Preference.objects.filter(user=owner).values_list("kind", "delivery"))
    assert stored[Kind.REFUSED] == "digest" and stored[Kind.APPROVED] == "off"
    assert Profile.objects.get(user=owner).team_cases is True
    # The overdue notice is not the user's to choose.
    assert Kind.OVERDUE not in response.wsgi_request.POST


def test_a_required_notice_cannot_be_switched_off(client, login, make_user):
    decider = make_user("decision_maker")
    login(decider)
    form = client.get(PREFERENCES).context["form"]
    offered = [value for value, _label in form.fields[Kind.NEW_REQUEST].widget.choices]
    assert offered == ["email", "digest"]  # the digest, not away
    data = {kind: "email" for kind in form.fields if kind != "team_cases"}
    for refused in ("off", "app"):
        data[Kind.NEW_REQUEST] = refused
        response = client.post(PREFERENCES, data)
        assert response.status_code == 200
        errors = response.context["form"].errors[Kind.NEW_REQUEST]
        assert errors == [
            "Deze melding is verplicht voor uw rol: kies e-mail of het dagelijkse overzicht."
        ]
        assert not Preference.objects.exists() and not Profile.objects.exists()  # nothing stored
    data[Kind.NEW_REQUEST] = "digest"
    assert client.post(PREFERENCES, data).status_code == 302
    assert Preference.objects.get(user=decider, kind=Kind.NEW_REQUEST).delivery == "digest"


def test_bad_input_gives_dutch_field_errors_and_stores_nothing(client, login, world):
    _team, owner, _other = world
    login(owner)
    response = client.post(PREFERENCES, {Kind.REFUSED: "loud"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "Selecteer een geldige keuze" in errors[Kind.REFUSED][0]
    assert "Dit veld is verplicht." in errors[Kind.APPROVED]
    assert not Preference.objects.exists()


def test_the_pages_need_a_login(client):
    for url in (LIST, PREFERENCES):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url


# The kinds each role is offered on the preferences page (docs/notices.md).
CASE_OWNER_KINDS = {
    Kind.REFUSED,
    Kind.INFORMATION_REQUESTED,
    Kind.CONDITION_ADDED,
    Kind.REDIRECTED,
    Kind.APPROVED,
    Kind.SPEND_APPROVED,
    Kind.SPEND_REFUSED,
    Kind.MEETING_PLANNED,
    Kind.LEARNING_POINT,
    Kind.PRECEDENT,
}
OFFERED = {
    "professional": CASE_OWNER_KINDS | {"team_cases"},
    "decision_maker": {Kind.NEW_REQUEST, Kind.INFORMATION_PROVIDED, Kind.ESCALATED},
    "coordinator": {Kind.NATIONAL_LEVEL},
    "budget_holder": set(),
    "privacy_officer": set(),
    "admin": set(),
    "analyst": set(),
}


@pytest.mark.parametrize("role", sorted(OFFERED))
def test_the_preferences_page_offers_only_the_kinds_of_the_role(client, login, make_user, role):
    user = make_user(role)
    login(user, verified=True)
    response = client.get(PREFERENCES)
    assert response.status_code == 200
    assert set(response.context["form"].fields) == OFFERED[role]
    if not OFFERED[role]:
        assert 'data-testid="no-preferences"' in response.content.decode()


def test_a_kind_of_another_role_cannot_be_chosen(client, login, make_user):
    """A tampered form, or a direct call, cannot set a kind the role does not get: the
    form ignores the field, the service refuses it with a Dutch error."""
    owner = make_user("professional")
    login(owner)
    data = dict.fromkeys(CASE_OWNER_KINDS, "email")
    data[Kind.NEW_REQUEST] = "off"
    assert client.post(PREFERENCES, data).status_code == 302
    assert not Preference.objects.filter(kind=Kind.NEW_REQUEST).exists()
    from django.core.exceptions import ValidationError

    from maatwerk.notices.services import preferences_save

    with translation.override("nl"), pytest.raises(ValidationError) as error:
        preferences_save(user=owner, choices={Kind.NATIONAL_LEVEL: "off"}, team_cases=False)
    assert error.value.message_dict[Kind.NATIONAL_LEVEL] == ["Uw rol krijgt deze melding niet."]
    decider = make_user("decision_maker")
    with pytest.raises(ValidationError):
        preferences_save(
            user=decider, choices={Kind.INFORMATION_PROVIDED: "off", Kind.ESCALATED: "off"},
            team_cases=False,
        )  # fmt: skip
    assert not Preference.objects.filter(user=decider).exists()


def test_the_coordinator_cannot_switch_off_the_national_level(client, login, make_user):
    coordinator = make_user("coordinator")
    login(coordinator)
    form = client.get(PREFERENCES).context["form"]
    offered = [value for value, _label in form.fields[Kind.NATIONAL_LEVEL].widget.choices]
    assert offered == ["email", "digest"]
    response = client.post(PREFERENCES, {Kind.NATIONAL_LEVEL: "off"})
    assert response.status_code == 200
    assert response.context["form"].errors[Kind.NATIONAL_LEVEL] == [
        "Deze melding is verplicht voor uw rol: kies e-mail of het dagelijkse overzicht."
    ]
    assert not Preference.objects.exists()
    assert client.post(PREFERENCES, {Kind.NATIONAL_LEVEL: "digest"}).status_code == 302
