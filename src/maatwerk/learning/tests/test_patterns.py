"""The patterns and the exceptions register: counts in SQL, disclosure-controlled for
analysts and in the publishable CSV, candidates for a rule change flagged."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from maatwerk.audit.models import AccessLogEntry, Action
from maatwerk.cases.models import Case
from maatwerk.journeys.models import JourneyEvent, Request
from maatwerk.learning.models import Bottleneck, LearningPoint
from maatwerk.learning.patterns import bottleneck_patterns, exceptions_register
from maatwerk.register.models import LegalGround, Regulation
from maatwerk.testing.cases import make_case
from maatwerk.testing.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def uwv():
    return OrganisationFactory(name="UWV")


def bottlenecks(team, owner, count, *, category="laws_regulations", regulation="Kostendelersnorm"):
    for _ in range(count):
        case = make_case(team, owner)
        Bottleneck.objects.create(
            case=case, category=category, text="Korting door inwonend kind", regulation=regulation
        )


def approvals(team, owner, organisation, count, *, regulation=None, rule_text="", on=None):
    ground = LegalGround.objects.first()
    for _ in range(count):
        case = make_case(team, owner)
        req = Request.objects.create(
            case=case,
            reference="R1",
            organisation=organisation,
            subject="x",
            state=Request.State.APPROVED,
            regulation=regulation,
            rule_text=rule_text,
            legal_ground=ground,
            created_by=owner,
        )
        JourneyEvent.objects.create(
            request=req, type="submitted", on=(on or TODAY()) - timedelta(days=30), entered_by=owner
        )
        JourneyEvent.objects.create(
            request=req, type="approved", on=on or TODAY(), entered_by=owner
        )


def test_bottlenecks_are_counted_per_case_and_grouped_as_written(teams, professional):
    bottlenecks(teams[0], professional, 6, regulation="Kostendelersnorm")
    bottlenecks(
        teams[0], professional, 2, regulation=" kostendelersnorm ", category="collaboration"
    )
    bottlenecks(teams[0], professional, 3, regulation="Fraudeschuld")
    figures = bottleneck_patterns(Case.objects.all(), today=TODAY(), threshold=0)
    by_regulation = {row.label: row.cases for row in figures["by_regulation"]}
    assert by_regulation == {"Kostendelersnorm": 8, "Fraudeschuld": 3}
    by_category = {row.key: row.cases for row in figures["by_category"]}
    assert by_category == {"laws_regulations": 9, "collaboration": 2}
    assert len(figures["quarters"]) == 8
    assert figures["by_category"][0].per_quarter[-1] == 9  # this quarter


def test_small_counts_are_suppressed_for_the_threshold(teams, professional):
    bottlenecks(teams[0], professional, 6, regulation="Kostendelersnorm")
    bottlenecks(teams[0], professional, 3, regulation="Fraudeschuld")
    figures = bottleneck_patterns(Case.objects.all(), today=TODAY(), threshold=5)
    by_regulation = {row.key: row.cases for row in figures["by_regulation"]}
    assert by_regulation == {"kostendelersnorm": 6, "fraudeschuld": None}


def test_a_rule_that_keeps_needing_an_exception_is_a_candidate(teams, professional, uwv, settings):
    settings.EXCEPTION_CANDIDATE_APPROVALS = 5
    wet = Regulation.objects.get(code="participatiewet")
    approvals(teams[0], professional, uwv, 5, regulation=wet)
    approvals(teams[0], professional, uwv, 2, rule_text="Eigen risico Zvw")
    approvals(
        teams[0],
        professional,
        uwv,
        3,
        rule_text="Eigen risico Zvw",
        on=TODAY() - timedelta(days=400),
    )
    register = exceptions_register(Case.objects.all(), today=TODAY(), threshold=0)
    rows = {row.label: row for row in register["by_rule"]}
    assert rows[wet.name].cases == 5 and rows[wet.name].candidate
    assert rows["Eigen risico Zvw"].cases == 5 and not rows["Eigen risico Zvw"].candidate
    assert register["total"] == 10
    assert {row.label: row.cases for row in register["by_organisation"]} == {"UWV": 10}


def test_analysts_see_suppressed_counts_and_coordinators_the_real_ones(
    client, login, make_user, teams, professional, uwv
):
    approvals(teams[0], professional, uwv, 3, rule_text="Eigen risico Zvw")
    login(make_user("analyst"))
    page = client.get(reverse("learning:exceptions"))
    assert page.status_code == 200
    assert 'data-testid="suppressed-note"' in page.content.decode()
    assert page.context["figures"]["by_rule"][0].cases is None
    client.logout()
    login(make_user("coordinator"))
    page = client.get(reverse("learning:exceptions"))
    assert page.context["figures"]["by_rule"][0].cases == 3


def test_the_publishable_csv_is_suppressed_and_logged(
    client, login, make_user, teams, professional, uwv
):
    approvals(teams[0], professional, uwv, 3, rule_text="Eigen risico Zvw")
    approvals(teams[0], professional, uwv, 6, rule_text="Kostendelersnorm")
    login(make_user("coordinator"))
    response = client.get(reverse("learning:exceptions") + "?format=csv")
    text = response.content.decode("utf-8-sig")
    lines = [line.split(";") for line in text.strip().splitlines()]
    counts = {line[1]: line[4] for line in lines[1:]}
    assert counts == {"Eigen risico Zvw": "", "Kostendelersnorm": "6"}
    assert not any(case.household.pseudonym in text for case in Case.objects.all())
    assert AccessLogEntry.objects.filter(
        action=Action.EXPORT, object_type="learning.exceptions_register"
    ).exists()


def test_a_candidate_drafts_an_order_three_learning_point_without_a_case(client, login, make_user):
    coordinator = make_user("coordinator")
    login(coordinator)
    url = reverse("learning:point_create") + "?rule=Kostendelersnorm"
    page = client.get(url)
    assert "Kostendelersnorm" in page.content.decode()
    ministry = OrganisationFactory(name="Ministerie van SZW", type="ministry")
    response = client.post(
        url,
        {
            "point-order": "3",
            "point-text": "Kostendelersnorm niet toepassen op inwonende studerende kinderen.",
            "point-addressee": ministry.pk,
        },
    )
    assert response.status_code == 302
    point = LearningPoint.objects.get()
    assert point.order == 3 and point.addressee == ministry and not point.cases.exists()


def test_the_pages_need_the_permission(client, login, make_user):
    login(make_user("professional"))
    assert client.get(reverse("learning:patterns")).status_code == 403
    assert client.get(reverse("learning:point_create")).status_code == 403


def test_the_pages_query_count_does_not_grow_with_the_data(
    client, login, make_user, teams, professional, uwv, assert_constant_queries
):
    login(make_user("analyst"))

    def grow():
        bottlenecks(teams[0], professional, 4, regulation="Fraudeschuld")
        approvals(teams[0], professional, OrganisationFactory(), 4, rule_text="Iets anders")

    assert_constant_queries(
        {
            "patterns": lambda: client.get(reverse("learning:patterns")),
            "exceptions": lambda: client.get(reverse("learning:exceptions")),
        },
        grow,
    )
