"""The case list reads the stored attention (cases.attention): the reasons in words per
row, the "needs attention" filter on the indexed column, keyset pages, constant
queries."""

from datetime import date, timedelta
from urllib.parse import parse_qs

import pytest
import time_machine
from django.urls import reverse

from maatwerk.cases.attention import refresh_attention
from maatwerk.cases.models import Case
from maatwerk.testing.cases import make_case, make_cases
from maatwerk.testing.queries import measure_queries

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 26)
URL = reverse("cases:case_list")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


def stale_intakes(team, owner, count, start):
    """``count`` cases opened 30 days ago (intake older than 14 days), stored as the
    daily job would (it runs once a day: here the refresh it does)."""
    with time_machine.travel(TODAY - timedelta(days=30), tick=False):
        cases = make_cases(team, owner, count, start=start)
    refresh_attention([case.pk for case in cases])
    return cases


def test_each_row_names_its_reasons_in_dutch(client, login, professional, teams):
    stale_intakes(teams[0], professional, 1, 0)
    calm = make_case(teams[0], professional)
    login(professional)
    response = client.get(URL)
    page = response.content.decode()
    assert "Intake langer dan 14 dagen" in page
    assert "Aandacht nodig" not in page.split("<tbody")[1]  # never a bare flag
    rows = {case.pk: case for case in response.context["page"].object_list}
    assert rows[calm.pk].attention_reasons == []


def test_needs_attention_filters_on_the_stored_state(client, login, professional, teams):
    (late,) = stale_intakes(teams[0], professional, 1, 0)
    make_case(teams[0], professional)
    login(professional)
    listed = client.get(URL, {"attention": "on"}).context["page"].object_list
    assert [case.pk for case in listed] == [late.pk]


def test_the_attention_list_needs_constant_queries(
    client, login, professional, teams, assert_constant_queries
):
    stale_intakes(teams[0], professional, 3, 0)
    login(professional)
    runs = assert_constant_queries(
        {
            "attention": lambda: client.get(URL, {"attention": "on"}),
            "all": lambda: client.get(URL),
        },
        grow=lambda: stale_intakes(teams[0], professional, 60, 3),
    )
    after = runs["attention"].after.result
    assert after.context["page"].paginator.count == 63
    assert all(case.attention_codes == ["intake"] for case in after.context["page"].object_list)


def follow(client, response, rel):
    query = response.context["page"].next_query if rel == "next" else None
    query = query or response.context["page"].previous_query
    return client.get(URL, {k: v[0] for k, v in parse_qs(query).items()})


def test_keyset_pages_forward_and_back_and_a_deep_page_costs_the_same(
    client, login, professional, teams, assert_queries
):
    make_cases(teams[0], professional, 60)
    # Several cases share a day: the id decides within one.
    Case.objects.filter(pk__in=Case.objects.order_by("pk").values("pk")[:20]).update(
        opened_on=TODAY - timedelta(days=1)
    )
    login(professional)
    expected = list(Case.objects.order_by("-opened_on", "-id").values_list("pk", flat=True))
    first = client.get(URL)
    assert [c.pk for c in first.context["page"].object_list] == expected[:25]
    assert first.context["page"].number == 1 and first.context["page"].paginator.num_pages == 3
    second = follow(client, first, "next")
    assert [c.pk for c in second.context["page"].object_list] == expected[25:50]
    third = follow(client, second, "next")
    page = third.context["page"]
    assert [c.pk for c in page.object_list] == expected[50:]
    assert page.number == 3 and not page.has_next and page.has_previous
    back = follow(client, third, "previous")
    assert [c.pk for c in back.context["page"].object_list] == expected[25:50]
    assert back.context["page"].number == 2
    # A cursor that does not parse is the first page, not an error.
    bad = client.get(URL, {"after": "gisteren", "n": "x"})
    assert bad.status_code == 200 and bad.context["page"].number == 1
    # Page 3 needs as many statements as page 1.
    deep = {k: v[0] for k, v in parse_qs(second.context["page"].next_query).items()}
    with assert_queries(len(measure_queries(lambda: client.get(URL)))):
        client.get(URL, deep)
