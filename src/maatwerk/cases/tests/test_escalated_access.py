import pytest
from django.urls import reverse

from maatwerk.cases.selectors import visible_cases
from maatwerk.journeys.models import Request
from maatwerk.journeys.services import record_event, request_create
from maatwerk.testing.cases import make_case
from maatwerk.testing.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def escalate(case, owner, level):
    req = request_create(
        request=None, user=owner, case=case, organisation=OrganisationFactory(), subject="x"
    )
    record_event(request=None, user=owner, req=req, type="submitted")
    record_event(request=None, user=owner, req=req, type="escalated", level=level)
    return Request.objects.get(pk=req.pk)


def test_coordinators_see_cases_escalated_to_the_national_team(
    client, login, make_user, professional, teams
):
    national, regional, quiet = (make_case(teams[0], professional) for _ in range(3))
    escalate(national, professional, 4)
    escalate(regional, professional, 2)
    coordinator = make_user("coordinator")
    assert list(visible_cases(coordinator)) == [national]
    login(coordinator)
    assert client.get(reverse("cases:case_detail", args=[national.pk])).status_code == 200
    for case in (regional, quiet):
        assert client.get(reverse("cases:case_detail", args=[case.pk])).status_code == 404
    # Reading, not changing, and never the household's identifiers.
    assert client.get(reverse("cases:perspective_add", args=[national.pk])).status_code == 404
    assert client.get(reverse("cases:identity_edit", args=[national.pk])).status_code == 404
    listed = client.get(reverse("cases:case_list")).context["page"].object_list
    assert [c.pk for c in listed] == [national.pk]


def test_escalation_does_not_widen_access_for_other_roles(make_user, professional, teams, outsider):
    case = make_case(teams[0], professional)
    escalate(case, professional, 4)
    assert list(visible_cases(outsider)) == []
    assert list(visible_cases(make_user("decision_maker"))) == []
    assert list(visible_cases(make_user("analyst"))) == []
