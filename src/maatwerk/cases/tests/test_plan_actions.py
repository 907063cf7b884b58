"""Plan actions are work: an owner in the team, a date, marked done (dated, by whom,
logged), listed in "Actions to do", and past their date a reason for attention."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from maatwerk.audit.models import AccessLogEntry, Action
from maatwerk.cases.attention import Reason
from maatwerk.cases.models import CaseAttention, PlanAction, PlanActionDone
from maatwerk.cases.plans import (
    ActionInput,
    GoalInput,
    PlanContent,
    plan_action_done,
    plan_save_version,
)
from maatwerk.testing.cases import make_case

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 26)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


def save(case, user, actions, *, plan=None, based_on=0):
    return plan_save_version(
        request=None,
        user=user,
        case=case,
        content=PlanContent(title="Rust", goals=[GoalInput(text="Rust")], actions=actions),
        plan=plan,
        based_on=based_on,
    )


def reasons(case) -> Reason:
    return Reason(CaseAttention.objects.get(case=case).reasons)


@pytest.fixture
def planned(professional, colleague, teams):
    case = make_case(teams[0], professional)
    version = save(
        case,
        professional,
        [
            ActionInput(what="Bellen met Ymere", due_on=TODAY - timedelta(days=1), owner=colleague),
            ActionInput(what="Aanvraag bijzondere bijstand", due_on=TODAY + timedelta(days=5)),
        ],
    )
    return case, version


def test_an_action_has_an_owner_of_the_team_only(professional, outsider, teams):
    case = make_case(teams[0], professional)
    with pytest.raises(ValidationError) as error:
        save(case, professional, [ActionInput(what="Bellen", owner=outsider)])
    assert "actions" in error.value.message_dict
    assert not PlanAction.objects.exists()


def test_marking_done_is_dated_logged_once_and_clears_the_reason(planned, professional):
    case, version = planned
    late = version.actions.get(order=0)
    assert Reason.ACTION in reasons(case)
    done = plan_action_done(request=None, user=professional, action=late, done_on=TODAY)
    assert (done.done_on, done.done_by) == (TODAY, professional)
    assert Reason.ACTION not in reasons(case)
    logged = AccessLogEntry.objects.filter(
        action=Action.UPDATE, object_type="cases.planaction", object_id=str(late.pk)
    )
    assert logged.count() == 1
    with pytest.raises(ValidationError):
        plan_action_done(request=None, user=professional, action=late, done_on=TODAY)
    assert PlanActionDone.objects.count() == 1 and logged.count() == 1


def test_a_kept_action_stays_done_in_the_next_version(planned, professional):
    case, version = planned
    late = version.actions.get(order=0)
    plan_action_done(request=None, user=professional, action=late, done_on=TODAY)
    kept = [ActionInput(what=a.what, due_on=a.due_on, owner=a.owner) for a in version.actions.all()]
    second = save(case, professional, kept, plan=version.plan, based_on=1)
    assert PlanActionDone.objects.get(action__version=second).done_on == TODAY
    assert Reason.ACTION not in reasons(case)
    with pytest.raises(ValidationError) as error:  # only the newest version's actions
        plan_action_done(
            request=None, user=professional, action=version.actions.get(order=1), done_on=TODAY
        )
    assert "__all__" in error.value.message_dict


def test_the_done_page_gives_dutch_errors_and_stores_nothing(client, login, planned, professional):
    case, version = planned
    action = version.actions.get(order=1)
    url = reverse("cases:action_done", args=[case.pk, version.plan_id, action.pk])
    login(professional)
    assert client.get(url).status_code == 200
    future = client.post(url, {"done_on": (TODAY + timedelta(days=3)).isoformat()})
    assert future.status_code == 200 and future.context["form"].errors["done_on"]
    empty = client.post(url, {"done_on": ""})
    assert "Vul de datum in" in empty.content.decode()
    assert not PlanActionDone.objects.exists()
    assert client.post(url, {"done_on": TODAY.isoformat()}).status_code == 302
    assert PlanActionDone.objects.get().action == action


def test_another_team_cannot_mark_an_action_done(client, login, planned, outsider):
    case, version = planned
    action = version.actions.get(order=1)
    login(outsider)
    url = reverse("cases:action_done", args=[case.pk, version.plan_id, action.pk])
    assert client.post(url, {"done_on": TODAY.isoformat()}).status_code == 404
    assert not PlanActionDone.objects.exists()


def test_actions_to_do_lists_mine_and_my_teams(client, login, planned, professional, colleague):
    login(colleague)
    mine = client.get(reverse("cases:my_actions"))
    assert [a.what for a in mine.context["actions"]] == ["Bellen met Ymere"]
    assert "over de datum" in mine.content.decode()
    team = client.get(reverse("cases:my_actions"), {"scope": "team"})
    assert [a.what for a in team.context["actions"]] == [
        "Bellen met Ymere",
        "Aanvraag bijzondere bijstand",
    ]


def test_actions_to_do_needs_constant_queries(
    client, login, professional, teams, assert_constant_queries
):
    def grow(n):
        for i in range(n):
            case = make_case(teams[0], professional)
            save(case, professional, [ActionInput(what=f"Actie {i}", owner=professional)])

    grow(1)
    login(professional)
    runs = assert_constant_queries(
        {
            "mine": lambda: client.get(reverse("cases:my_actions")),
            "team": lambda: client.get(reverse("cases:my_actions"), {"scope": "team"}),
        },
        grow=lambda: grow(4),
    )
    assert len(runs["mine"].after.result.context["actions"]) == 5


def test_the_plan_form_gives_an_action_to_a_team_member(
    client, login, professional, colleague, outsider, teams
):
    case = make_case(teams[0], professional)
    login(professional)
    url = reverse("cases:plan_create", args=[case.pk])
    data = {
        "title": "Rust",
        "serves_member": "",
        "based_on": 0,
        "goals-TOTAL_FORMS": "1",
        "goals-INITIAL_FORMS": "0",
        "goals-0-text": "Rust in huis",
        "actions-TOTAL_FORMS": "1",
        "actions-INITIAL_FORMS": "0",
        "actions-0-what": "Bellen met Ymere",
        "actions-0-due_on": TODAY.isoformat(),
        "costs-TOTAL_FORMS": "0",
        "costs-INITIAL_FORMS": "0",
    }
    refused = client.post(url, {**data, "actions-0-owner": outsider.pk})
    assert refused.status_code == 200
    assert "Selecteer een geldige keuze" in refused.content.decode()
    assert not PlanAction.objects.exists()
    assert client.post(url, {**data, "actions-0-owner": colleague.pk}).status_code == 302
    assert PlanAction.objects.get().owner == colleague
