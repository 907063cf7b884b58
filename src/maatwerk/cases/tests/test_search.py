"""Finding a case (cases.search): by a part of the pseudonym or reference, the
municipality, the organisations asked, and words in the perspective, plan and requests;
only among the cases the user may see; saying why each case matched; logged without
the words; bounded queries."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from maatwerk.audit.models import AccessLogEntry, Action
from maatwerk.cases import search
from maatwerk.cases.models import Case, CaseSearchText, Household
from maatwerk.cases.plans import ActionInput, GoalInput, PlanContent, plan_save_version
from maatwerk.cases.selectors import case_search
from maatwerk.cases.services import emergency_access_open, perspective_record
from maatwerk.journeys.services import request_create
from maatwerk.testing.cases import make_case, make_cases
from maatwerk.testing.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
URL = reverse("cases:case_list")


def rename(case, pseudonym, municipality=""):
    Household.objects.filter(pk=case.household_id).update(
        pseudonym=pseudonym, municipality=municipality
    )


@pytest.fixture
def world(teams, professional, make_user):
    uwv = OrganisationFactory(name="UWV")
    debts = make_case(teams[0], professional, perspective="Wij willen van de schulden af")
    rename(debts, "HH-3991", "Zaanstad")
    housing = make_case(teams[0], professional)
    rename(housing, "HH-1200", "Purmerend")
    plan_save_version(
        request=None,
        user=professional,
        case=housing,
        content=PlanContent(
            title="Thuis blijven wonen",
            goals=[GoalInput(text="Een betalingsregeling met de woningcorporatie")],
            actions=[ActionInput(what="Ontruiming uitstellen")],
            safety="Geheim vluchtadres",
        ),
        plan=None,
        based_on=0,
    )
    benefit = make_case(teams[0], professional)
    rename(benefit, "HH-5500", "Zaandam")
    request_create(
        request=None, user=professional, case=benefit, organisation=uwv, subject="WW ondanks ziekte"
    )
    other_owner = make_user("professional", teams=[teams[1]])
    elsewhere = make_case(teams[1], other_owner, perspective="Schulden en ruzie")
    rename(elsewhere, "HH-3992", "Zaanstad")
    return {
        "uwv": uwv,
        "debts": debts,
        "housing": housing,
        "benefit": benefit,
        "elsewhere": elsewhere,
    }


def found(user, text, **filters) -> list[int]:
    return sorted(case_search(user=user, query=text, **filters).values_list("pk", flat=True))


def ids(*cases) -> list[int]:
    return sorted(case.pk for case in cases)


def test_a_part_of_the_pseudonym_or_reference_finds_the_case(world, professional):
    assert found(professional, "3991") == ids(world["debts"])
    assert found(professional, "hh-12") == ids(world["housing"])
    reference = world["benefit"].reference
    assert world["benefit"].pk in found(professional, reference[-4:])


def test_the_municipality_finds_the_case(world, professional):
    assert found(professional, "Purmerend") == ids(world["housing"])
    assert found(professional, "zaanstad") == ids(world["debts"])  # not the other team's


def test_words_in_the_perspective_plan_and_requests(world, professional):
    assert found(professional, "schulden") == ids(world["debts"])
    assert found(professional, "betalingsregeling") == ids(world["housing"])
    assert found(professional, "ziekte") == ids(world["benefit"])
    assert found(professional, "UWV") == ids(world["benefit"])  # the organisation asked


def test_the_safety_text_is_never_searched(world, professional):
    assert found(professional, "vluchtadres") == []


def test_all_words_must_be_found(world, professional):
    assert found(professional, "schulden ziekte") == []
    assert found(professional, "ww ziekte") == ids(world["benefit"])


def test_only_the_current_words_of_a_voice_are_searched(world, professional):
    perspective_record(
        request=None,
        user=professional,
        case=world["debts"],
        text="Wij willen een tuin",
        confirmation="conversation",
        recorded_on=timezone.localdate(),
        based_on_version=1,
    )
    assert found(professional, "schulden") == []
    assert found(professional, "tuin") == ids(world["debts"])


def test_the_organisation_filter_and_the_other_filters_combine(world, professional):
    assert found(professional, "", organisation=world["uwv"]) == ids(world["benefit"])
    assert found(professional, "Zaan", organisation=world["uwv"]) == ids(world["benefit"])
    assert found(professional, "Zaan", status="plan") == []
    assert found(professional, "Purmerend", status="plan") == ids(world["housing"])


def test_another_teams_case_is_never_found(world, make_user, teams):
    stranger = make_user("professional", teams=[teams[1]])
    assert found(stranger, "schulden") == ids(world["elsewhere"])
    assert found(stranger, "3991") == []


def test_through_an_emergency_access_only_by_pseudonym_or_reference(world, make_user, teams):
    coordinator = make_user("coordinator")
    emergency_access_open(
        request=None,
        user=coordinator,
        query="HH-3991",
        reason="De politie belt: acute zorg om de veiligheid van de kinderen vannacht.",
    )
    assert found(coordinator, "3991") == ids(world["debts"])
    assert found(coordinator, "schulden") == []


def test_the_list_says_why_each_case_matched(client, login, world, professional):
    login(professional)
    response = client.get(URL, {"q": "zaan"})
    matched = {case.pk: case.matched.fields for case in response.context["page"].object_list}
    assert matched == {world["debts"].pk: ["municipality"], world["benefit"].pk: ["municipality"]}
    response = client.get(URL, {"q": "uwv ziekte"})
    (case,) = response.context["page"].object_list
    assert case.matched.fields == ["requests", "organisations"]
    assert 'data-testid="matched"' in response.content.decode()


def test_the_search_is_logged_with_its_hits_but_not_its_words(client, login, world, professional):
    login(professional)
    client.get(URL, {"q": "schulden", "status": "intake"})
    row = AccessLogEntry.objects.filter(action=Action.SEARCH).latest("id")
    assert "schulden" not in row.detail
    assert "hits=1" in row.detail and "status=intake" in row.detail
    client.get(URL, {"q": "3991"})
    row = AccessLogEntry.objects.filter(action=Action.SEARCH).latest("id")
    assert "search=3991" in row.detail and "hits=1" in row.detail


def test_a_too_long_or_odd_query_gives_a_page_not_an_error(client, login, world, professional):
    login(professional)
    assert client.get(URL, {"q": "x" * 500}).status_code == 200
    assert client.get(URL, {"q": "'; drop table --"}).status_code == 200
    assert client.get(URL, {"organisation": "nope"}).status_code == 200


def test_the_index_is_rebuilt_by_the_command(world, professional):
    CaseSearchText.objects.all().delete()
    assert found(professional, "schulden") == []
    out = StringIO()
    call_command("search-index", stdout=out)
    assert "rebuilt" in out.getvalue()
    assert found(professional, "schulden") == ids(world["debts"])


def test_dutch_full_text_finds_other_forms_of_a_word(client, login, world, professional):
    """The same Dutch full-text search as the precedents (core.textsearch, ADR 0008), on
    SQLite and PostgreSQL alike: "schuld" finds "schulden", "ontruimingen" finds
    "ontruiming", and the page says where the stem was found."""
    assert found(professional, "schuld") == ids(world["debts"])
    assert found(professional, "Schulden") == ids(world["debts"])
    assert found(professional, "woon") == ids(world["housing"])  # "wonen" in the title
    assert found(professional, "betalingsregelingen") == ids(world["housing"])
    assert found(professional, "ontruimingen") == ids(world["housing"])  # an action
    login(professional)
    response = client.get(URL, {"q": "schuld"})
    (case,) = response.context["page"].object_list
    assert case.pk == world["debts"].pk and case.matched.fields == ["perspective"]


def test_the_stored_text_is_stems_not_the_words(world):
    row = CaseSearchText.objects.get(case=world["debts"])
    assert row.perspective == " wij will schuld af "  # "van" and "de" are stop words
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT document::text FROM cases_casesearchtext WHERE case_id = %s",
                [world["debts"].pk],
            )
            assert "'schuld':" in cursor.fetchone()[0]


def test_stop_words_and_syntax_find_nothing_by_text(world, professional):
    assert found(professional, "de van het") == []
    assert found(professional, "schuld & | ! ( ) : * '") == ids(world["debts"])
    assert found(professional, "schuld'); DROP TABLE cases_case; --") == []


def test_searching_needs_as_many_queries_with_more_cases(
    client, login, world, professional, teams, assert_constant_queries
):
    login(professional)

    def grow():
        cases = make_cases(teams[0], professional, 60)
        search.refresh([case.pk for case in cases])
        Household.objects.filter(case__in=cases).update(municipality="Zaanstad")

    runs = assert_constant_queries(
        {
            "words": lambda: client.get(URL, {"q": "wij willen"}),
            "place": lambda: client.get(URL, {"q": "zaanstad"}),
            "organisation": lambda: client.get(URL, {"organisation": world["uwv"].pk}),
        },
        grow,
    )
    page = runs["place"].after.result.context["page"]
    assert page.paginator.count == 61 and len(page.object_list) == 25
    assert all(case.matched.fields == ["municipality"] for case in page.object_list)
    assert Case.objects.count() == 64
