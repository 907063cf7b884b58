import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from maatwerk.audit.models import AccessLogEntry, Action
from maatwerk.cases import services
from maatwerk.cases.models import Case, CaseEvent, Household, Perspective
from maatwerk.cases.services import perspective_record
from maatwerk.core.errors import ConflictError
from maatwerk.register.models import LifeDomain
from maatwerk.testing.cases import make_case, make_cases

pytestmark = pytest.mark.django_db


def domain(code):
    return LifeDomain.objects.get(code=code)


def intake_data(**overrides):
    data = {
        "perspective": "Ik wil in mijn huis blijven en rust in mijn hoofd.",
        "needed": "Huurachterstand bevriezen",
        "life_domains": [domain("finances").pk, domain("housing").pk],
        "primary_domain": domain("finances").pk,
        "problems_start_domain": domain("housing").pk,
        "composition": "single_parent",
        "adults": 1,
        "children": 2,
    }
    data.update(overrides)
    return data


def open_case(client, **overrides):
    response = client.post(reverse("cases:case_create"), intake_data(**overrides))
    assert response.status_code == 302, response.context["form"].errors
    return Case.objects.latest("id")


def test_intake_opens_a_case_with_pseudonym_and_first_perspective(client, login, professional):
    login(professional)
    case = open_case(client, safety_concern="on")
    assert case.household.pseudonym.startswith("HH-")
    assert case.team == professional.teams.get()
    assert case.owner == professional and case.status == Case.Status.INTAKE
    assert case.safety_concern
    first = case.perspectives.get()
    assert (first.version, first.confirmation) == (1, "first")
    assert first.problems_start_domain.code == "housing"
    assert CaseEvent.objects.filter(case=case, kind="opened").exists()
    created = AccessLogEntry.objects.get(action=Action.CREATE, object_type="cases.case")
    assert created.household == case.household.pseudonym
    page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert "rust in mijn hoofd" in page
    assert page.index("rust in mijn hoofd") < page.index("Huurachterstand bevriezen")


def open_by_service(user, team, opened_on=None):
    return services.case_open(
        request=None,
        user=user,
        team=team,
        perspective="Wij willen rust.",
        needed="Rust",
        life_domains=[domain("finances")],
        primary_domain=domain("finances"),
        composition="single",
        adults=1,
        children=0,
        safety_concern=False,
        opened_on=opened_on,
    )


def test_references_are_numbered_per_source_and_year(make_user, professional, teams):
    other = make_user("professional", teams=[teams[1]])
    year = timezone.localdate().year
    last_year = datetime.date(year - 1, 6, 1)
    opened = [
        open_by_service(professional, teams[0]),
        open_by_service(professional, teams[0]),
        open_by_service(other, teams[1]),
        open_by_service(professional, teams[0], opened_on=last_year),
        open_by_service(professional, teams[0]),
    ]
    assert [(c.source, c.reference) for c in opened] == [
        ("Gemeente Zaanstad", f"MW-{year}-00001"),
        ("Gemeente Zaanstad", f"MW-{year}-00002"),
        ("Gemeente Utrecht", f"MW-{year}-00001"),
        ("Gemeente Zaanstad", f"MW-{year - 1}-00001"),
        ("Gemeente Zaanstad", f"MW-{year}-00003"),
    ]


def test_references_continue_after_the_highest_existing_number(professional, teams):
    """Cases numbered before the counter existed keep their numbers: the first
    reference of the year counts on from the highest one (not from how many there are)."""
    year = timezone.localdate().year
    for case, number in zip(make_cases(teams[0], professional, 3), (1, 2, 7), strict=True):
        Case.objects.filter(pk=case.pk).update(reference=f"MW-{year}-{number:05d}")
    assert open_by_service(professional, teams[0]).reference == f"MW-{year}-00008"
    assert open_by_service(professional, teams[0]).reference == f"MW-{year}-00009"


def test_a_case_that_is_not_opened_gives_its_number_back(professional, teams, monkeypatch):
    def failing_log(**kwargs):
        raise RuntimeError("the log is down")

    with monkeypatch.context() as patched:
        patched.setattr(services, "log_access", failing_log)
        with pytest.raises(RuntimeError):
            open_by_service(professional, teams[0])
    assert not Case.objects.exists() and not Household.objects.exists()
    year = timezone.localdate().year
    assert open_by_service(professional, teams[0]).reference == f"MW-{year}-00001"


def test_a_taken_pseudonym_is_drawn_again(professional, teams, monkeypatch):
    Household.objects.create(pseudonym="HH-1000", composition="single", adults=1)
    draws = iter([0, 0, 5])  # HH-1000 twice, then HH-1005
    monkeypatch.setattr(services.secrets, "randbelow", lambda _n: next(draws))
    assert open_by_service(professional, teams[0]).household.pseudonym == "HH-1005"
    assert Household.objects.count() == 2


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"primary_domain": None}, "primary_domain"),
        ({"perspective": ""}, "perspective"),
        ({"life_domains": []}, "life_domains"),
        ({"adults": 0}, "adults"),
        ({"children": "twee"}, "children"),
    ],
)
def test_intake_bad_input_gives_field_errors_and_saves_nothing(
    client, login, professional, overrides, field
):
    if overrides.get("primary_domain", 1) is None:
        overrides = {"primary_domain": domain("safety").pk}  # not among the chosen domains
    login(professional)
    response = client.post(reverse("cases:case_create"), intake_data(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Case.objects.exists() and not Perspective.objects.exists()


def test_primary_domain_error_is_dutch(client, login, professional):
    login(professional)
    response = client.post(
        reverse("cases:case_create"), intake_data(primary_domain=domain("safety").pk)
    )
    assert "leefgebied" in str(response.context["form"].errors["primary_domain"]).lower()


def test_other_team_gets_404_everywhere_and_finds_nothing(client, login, professional, outsider):
    login(professional)
    case = open_case(client)
    client.logout()
    login(outsider)
    for url in (
        reverse("cases:case_detail", args=[case.pk]),
        reverse("cases:perspective_add", args=[case.pk]),
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"text": "x"}).status_code == 404, url
    for params in ({}, {"q": case.household.pseudonym}, {"q": case.reference}):
        response = client.get(reverse("cases:case_list"), params)
        assert response.status_code == 200
        # (the search box echoes what was typed; no result links to the case)
        assert reverse("cases:case_detail", args=[case.pk]) not in response.content.decode()
        assert response.context["page"].paginator.count == 0
    assert case.perspectives.count() == 1


@pytest.mark.parametrize("role", ["decision_maker", "budget_holder", "analyst"])
def test_roles_without_case_access(client, login, make_user, professional, teams, role):
    login(professional)
    case = open_case(client)
    client.logout()
    login(make_user(role, teams=[teams[0]]), verified=True)
    assert client.get(reverse("cases:case_detail", args=[case.pk])).status_code in (403, 404)
    assert client.get(reverse("cases:case_list")).status_code == 403


def test_team_colleague_sees_the_case(client, login, professional, colleague):
    login(professional)
    case = open_case(client)
    client.logout()
    login(colleague)
    assert client.get(reverse("cases:case_detail", args=[case.pk])).status_code == 200
    mine = client.get(reverse("cases:case_list"), {"scope": "mine"})
    assert mine.context["page"].paginator.count == 0
    team = client.get(reverse("cases:case_list"), {"scope": "team"})
    assert team.context["page"].paginator.count == 1


def test_admin_does_not_open_cases_and_the_refusal_is_not_a_read(
    client, login, make_user, professional
):
    # Functional management is not case access (issue 10): only break-the-glass
    # (test_emergency_access.py) opens a case for the admin role.
    login(professional)
    case = open_case(client)
    client.logout()
    admin = make_user("admin")
    login(admin, verified=True)
    assert client.get(reverse("cases:case_detail", args=[case.pk])).status_code == 404
    assert not AccessLogEntry.objects.filter(actor=admin, action=Action.READ).exists()


def test_every_case_page_view_writes_exactly_one_log_row(client, login, professional):
    login(professional)
    case = open_case(client)
    before = AccessLogEntry.objects.count()
    client.get(reverse("cases:case_detail", args=[case.pk]))
    rows = list(AccessLogEntry.objects.order_by("id")[before:])
    assert [(r.action, r.household, r.object_id) for r in rows] == [
        ("read", case.household.pseudonym, str(case.pk))
    ]
    before = AccessLogEntry.objects.count()
    client.get(reverse("cases:case_list"), {"q": case.household.pseudonym})
    rows = list(AccessLogEntry.objects.order_by("id")[before:])
    assert [r.action for r in rows] == ["search"]


def test_perspective_versions_keep_the_first_and_conflict_instead_of_overwriting(
    client, login, professional, colleague, rf
):
    login(professional)
    case = open_case(client)
    url = reverse("cases:perspective_add", args=[case.pk])
    response = client.post(
        url,
        {
            "text": "Eerst de schulden, dan de rest.",
            "confirmation": "conversation",
            "recorded_on": timezone.localdate().isoformat(),
            "based_on_version": 1,
        },
    )
    assert response.status_code == 302
    # A colleague had the form open at version 1 as well: their save must conflict.
    client.logout()
    login(colleague)
    response = client.post(
        url,
        {
            "text": "Een andere tekst",
            "confirmation": "phone",
            "recorded_on": timezone.localdate().isoformat(),
            "based_on_version": 1,
        },
    )
    assert response.status_code == 200
    assert response.context["conflict"].text == "Eerst de schulden, dan de rest."
    assert "Een andere tekst" in response.content.decode()  # their text is not lost
    texts = list(case.perspectives.order_by("version").values_list("text", flat=True))
    assert texts == [
        "Ik wil in mijn huis blijven en rust in mijn hoofd.",
        "Eerst de schulden, dan de rest.",
    ]
    page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert "Eerst de schulden" in page and "rust in mijn hoofd" in page


def test_perspective_service_refuses_future_and_stale(professional, teams, rf):
    case = make_case(teams[0], professional)
    request = rf.get("/")
    request.user = professional
    with pytest.raises(ConflictError):
        perspective_record(
            request=request, user=professional, case=case, text="x", confirmation="phone",
            recorded_on=timezone.localdate(), based_on_version=0,
        )  # fmt: skip
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        perspective_record(
            request=request, user=professional, case=case, text="x", confirmation="phone",
            recorded_on=timezone.localdate() + datetime.timedelta(days=1), based_on_version=1,
        )  # fmt: skip


def test_perspectives_are_append_only(professional, teams):
    case = make_case(teams[0], professional)
    first = case.perspectives.get()
    first.text = "veranderd"
    with pytest.raises(ValueError):
        first.save()
    with pytest.raises(ValueError):
        Perspective.objects.filter(case=case).update(text="veranderd")
    with pytest.raises(ValueError):
        Perspective.objects.filter(case=case).delete()


def test_a_member_gets_a_voice_of_their_own(client, login, professional):
    login(professional)
    case = open_case(client, safety_concern="on")
    url = reverse("cases:perspective_add", args=[case.pk])
    missing = client.post(
        url,
        {"new_voice": "1", "member": "", "text": "x", "confirmation": "conversation",
         "recorded_on": timezone.localdate().isoformat(), "based_on_version": 0},
    )  # fmt: skip
    assert missing.status_code == 200 and missing.context["member_error"]
    response = client.post(
        url,
        {"new_voice": "1", "member": "Moeder", "text": "Ik wil veilig wonen met de kinderen.",
         "confirmation": "conversation", "recorded_on": timezone.localdate().isoformat(),
         "based_on_version": 0},
    )  # fmt: skip
    assert response.status_code == 302
    voices = {p.member: p.version for p in case.perspectives.all()}
    assert voices == {"": 1, "Moeder": 1}


def test_case_list_query_count_is_constant(
    client, login, professional, teams, assert_constant_queries
):
    login(professional)
    # In bulk: a thousand cases opened one by one through case_open would take long.
    make_cases(teams[0], professional, 10)
    runs = assert_constant_queries(
        lambda: client.get(reverse("cases:case_list")),
        grow=lambda: make_cases(teams[0], professional, 990, start=10),
    )
    for run, count in ((runs.before, 10), (runs.after, 1000)):
        assert run.result.status_code == 200
        assert len(run.result.context["page"].object_list) == min(count, 25)


def test_life_cycle_with_outcome_and_conflict(client, login, professional):
    login(professional)
    case = open_case(client)
    url = reverse("cases:case_status", args=[case.pk])
    today = timezone.localdate().isoformat()
    bad = client.post(url, {"status": "executing", "on": today, "loaded_version": 1})
    assert bad.status_code == 200 and bad.context["form"].errors["status"]
    no_outcome = client.post(url, {"status": "closed", "on": today, "loaded_version": 1})
    assert no_outcome.context["form"].errors["outcome"]
    assert client.post(url, {"status": "plan", "on": today, "loaded_version": 1}).status_code == 302
    stale = client.post(url, {"status": "journey", "on": today, "loaded_version": 1})
    assert stale.status_code == 200 and stale.context["form"].non_field_errors()
    closed = client.post(
        url, {"status": "closed", "outcome": "solved", "on": today, "loaded_version": 2}
    )
    assert closed.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.outcome, case.closed_on) == ("closed", "solved", timezone.localdate())
    kinds = list(case.events.values_list("kind", "summary"))
    assert kinds[0][0] == "opened" and [k for k, _summary in kinds[1:]] == ["status", "closed"]


def test_case_list_shows_each_case_once_without_distinct(
    client, login, professional, teams, assert_queries
):
    """The list is built from IN-subqueries, not joins: a case with two matching life
    domains, or listed for a member of two teams, is one row, and no query of the
    page needs DISTINCT over every visible case."""
    make_cases(teams[0], professional, 3)  # each with the domains finances and housing
    professional.teams.add(teams[1])
    make_cases(teams[1], professional, 2, start=3)
    login(professional)
    with assert_queries(30, at_most=True) as context:
        response = client.get(reverse("cases:case_list"), {"domain": "finances"})
    rows = response.context["page"].object_list
    assert len(rows) == len({case.pk for case in rows}) == 5
    assert response.context["page"].paginator.count == 5
    assert not any("DISTINCT" in sql.upper() for sql in context.statements)
    # What a row shows is computed for the shown rows only.
    assert all(hasattr(case, "needs_attention") for case in rows)
