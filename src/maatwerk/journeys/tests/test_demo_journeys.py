import pytest

from maatwerk.accounts.models import User
from maatwerk.cases.selectors import visible_cases
from maatwerk.demo.load import create_demo_data
from maatwerk.journeys.models import JourneyEvent, Request

pytestmark = pytest.mark.django_db


def test_demo_journeys_show_every_kind_of_step_and_are_idempotent():
    create_demo_data()
    counts = (Request.objects.count(), JourneyEvent.objects.count())
    types = set(JourneyEvent.objects.values_list("type", flat=True))
    assert types >= {
        "submitted",
        "redirected",
        "refused",
        "escalated",
        "condition_added",
        "approved",
        "information_requested",
        "information_provided",
    }
    assert JourneyEvent.objects.filter(type="condition_added", household_agrees=False).exists()
    assert set(Request.objects.values_list("state", flat=True)) >= {
        "approved",
        "refused",
        "waiting",
    }
    assert Request.objects.filter(kind="question").exists()
    assert Request.objects.filter(organisation__name="UWV").count() >= 2  # the demo decider's inbox
    for event in JourneyEvent.objects.select_related("request__case"):
        assert event.request.case.opened_on <= event.on
    coordinator = User.objects.get(username="coordinator")
    assert visible_cases(coordinator).count() == 1  # the case escalated to the national team
    create_demo_data()
    assert (Request.objects.count(), JourneyEvent.objects.count()) == counts
