"""Malformed input on the case pages is a field error or a 404, never a 500, and
nothing is stored (issue 10, "six ways to get a 500")."""

import pytest
from django.urls import reverse
from django.utils import timezone

from maatwerk.cases.models import Perspective, Plan
from maatwerk.register.models import LifeDomain
from maatwerk.testing.cases import make_case

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"


@pytest.fixture
def case(teams, professional):
    return make_case(teams[0], professional)


def perspective_data(**overrides):
    data = {
        "text": "Ik wil dat het rustig wordt.",
        "confirmation": "conversation",
        "recorded_on": timezone.localdate().isoformat(),
        "based_on_version": 1,
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("value", ["abc", "1.5", "²", HUGE, "-1", "7", "0"])
@pytest.mark.parametrize("new_voice", [False, True])
def test_a_tampered_based_on_version_is_a_field_error_or_a_conflict(
    client, login, professional, case, value, new_voice
):
    login(professional)
    before = Perspective.objects.count()
    extra = {"new_voice": "1", "member": "Moeder"} if new_voice else {}
    if new_voice and value == "0":
        pytest.skip("0 is the right version of a new voice")
    if not new_voice and value in ("1",):
        pytest.skip("the right version")
    response = client.post(
        reverse("cases:perspective_add", args=[case.pk]),
        perspective_data(based_on_version=value, **extra),
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Perspective.objects.count() == before


def test_another_cases_version_is_a_conflict_not_a_500(client, login, professional, teams, case):
    other = make_case(teams[0], professional)
    login(professional)
    url = reverse("cases:perspective_add", args=[other.pk])
    data = perspective_data(new_voice="1", member="Vader", based_on_version=0)
    assert client.post(url, data).status_code == 302  # Vader's version 1 on the other case
    before = Perspective.objects.count()
    # That version number, posted for a new voice of this case, is a conflict.
    response = client.post(
        reverse("cases:perspective_add", args=[case.pk]),
        perspective_data(new_voice="1", member="Vader", based_on_version=1),
    )
    assert response.status_code == 200 and response.context["form"].errors
    assert Perspective.objects.count() == before


@pytest.mark.parametrize("field", ["life_domains", "deciding_organisations", "primary_domain"])
def test_a_huge_id_in_a_choice_field_is_a_field_error(client, login, professional, field):
    login(professional)
    finances = LifeDomain.objects.get(code="finances").pk
    data = {
        "perspective": "Ik wil in mijn huis blijven.",
        "needed": "Huurachterstand bevriezen",
        "life_domains": [finances],
        "primary_domain": finances,
        "composition": "single_parent",
        "adults": 1,
        "children": 0,
    }
    data[field] = [HUGE] if field != "primary_domain" else HUGE
    response = client.post(reverse("cases:case_create"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors


@pytest.mark.parametrize("value", ["²", "١", HUGE, "-1", "1e3", " 1"])
def test_an_odd_plan_version_is_a_404(client, login, professional, case, value):
    login(professional)
    plan = Plan.objects.create(case=case, title="Plan", created_by=professional)
    url = reverse("cases:plan_detail", args=[case.pk, plan.pk])
    assert client.get(url, {"version": value}).status_code == 404
    pdf = reverse("cases:plan_pdf", args=[case.pk, plan.pk])
    assert client.get(pdf, {"version": value}).status_code == 404


@pytest.mark.parametrize("param", ["member", "serves_member"])
def test_nul_in_a_voice_is_refused(client, login, professional, case, param):
    login(professional)
    before = Perspective.objects.count(), Plan.objects.count()
    if param == "member":
        response = client.post(
            reverse("cases:perspective_add", args=[case.pk]),
            perspective_data(new_voice="1", member="Moe\x00der", based_on_version=0),
        )
        assert response.status_code == 200
        assert response.context["member_error"]
    else:
        response = client.post(
            reverse("cases:plan_create", args=[case.pk]),
            {"title": "Plan", "serves_member": "Moe\x00der", "based_on": 0},
        )
        assert response.status_code == 200
        assert response.context["form"].errors
        assert (
            client.get(
                reverse("cases:plan_create", args=[case.pk]), {"serves_member": "a\x00b"}
            ).status_code
            == 200
        )
    assert (Perspective.objects.count(), Plan.objects.count()) == before
