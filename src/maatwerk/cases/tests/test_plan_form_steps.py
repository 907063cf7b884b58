"""The plan form: the voice is chosen first (a GET step, no JavaScript) and the goals
then offer that voice's sentences; the long form has an error summary at the top."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from maatwerk.cases.audience import default_audience
from maatwerk.cases.models import Audience, Plan
from maatwerk.cases.services import perspective_record

from .test_cases import open_case
from .test_plans import plan_data

pytestmark = pytest.mark.django_db

MOTHER = "Moeder"
HERS = "Ik wil veilig wonen met de kinderen. Daarna zoek ik werk."


@pytest.fixture
def case(client, login, professional):
    login(professional)
    case = open_case(client)
    perspective_record(
        request=None,
        user=professional,
        case=case,
        member=MOTHER,
        text=HERS,
        confirmation="conversation",
        recorded_on=timezone.localdate(),
        based_on_version=0,
    )
    return case


def offered(context) -> list[str]:
    return [
        value
        for value, _label in context["goals"].forms[0].fields["perspective_sentence"].choices
        if value
    ]


def test_choosing_the_voice_offers_its_sentences(client, case):
    url = reverse("cases:plan_create", args=[case.pk])
    household = client.get(url).context
    assert offered(household) == ["Ik wil in mijn huis blijven en rust in mijn hoofd."]
    page = client.get(url, {"serves_member": MOTHER})
    context = page.context
    assert offered(context) == [
        "Ik wil veilig wonen met de kinderen.",
        "Daarna zoek ik werk.",
    ]
    assert context["voice_form"]["serves_member"].value() == MOTHER
    assert context["form"]["serves_member"].value() == MOTHER
    assert context["form"]["rendered_voice"].value() == MOTHER
    assert context["goals"].forms[0]["audience"].value() == default_audience(MOTHER)
    html = page.content.decode()
    # The step is a GET form of its own, before the plan's POST form, without an id
    # that the plan form uses too.
    step = html.index('data-testid="voice-step"')
    assert 'method="get"' in html[step - 60 : step] and step < html.index('method="post"', step)
    assert 'id="voice_serves_member"' in html and html.count('id="id_serves_member"') == 1
    # A voice that is not the case's is not taken.
    assert (
        client.get(url, {"serves_member": "Onbekend"}).context["form"]["serves_member"].value()
        == ""
    )


def test_a_new_version_for_another_voice_starts_safe(client, case):
    url = reverse("cases:plan_create", args=[case.pk])
    sentence = "Ik wil in mijn huis blijven en rust in mijn hoofd."
    response = client.post(url, plan_data(goals=[("In het huis blijven", sentence)]))
    assert response.status_code == 302
    plan = Plan.objects.get(case=case)
    edit = reverse("cases:plan_edit", args=[case.pk, plan.pk])
    same = client.get(edit).context
    assert same["goals"].forms[0]["perspective_sentence"].value() == sentence
    context = client.get(edit, {"serves_member": MOTHER}).context
    goal = context["goals"].forms[0]
    assert goal["text"].value() == "In het huis blijven"
    assert goal["perspective_sentence"].value() == ""  # not her words
    assert goal["audience"].value() == Audience.MEMBER
    assert context["form"]["serves_member"].value() == MOTHER
    assert offered(context) == ["Ik wil veilig wonen met de kinderen.", "Daarna zoek ik werk."]


def test_the_long_form_has_an_error_summary_at_the_top(client, case):
    url = reverse("cases:plan_create", args=[case.pk])
    data = plan_data(
        title="",
        goals=[("", "Ik wil in mijn huis blijven en rust in mijn hoofd.")],
        costs=[("current", "Schuldhulp", "veel", "")],
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert not Plan.objects.filter(case=case).exists()
    html = response.content.decode()
    summary = re.search(r'<div[^>]*data-testid="error-summary".*?</div>', html, re.S)
    assert summary, "no error summary"
    assert summary.start() < html.index('name="based_on"')  # above the plan form
    links = re.findall(r'<a class="utrecht-link" href="#([^"]+)">([^<]+)</a>', summary.group(0))
    anchors = [anchor for anchor, _text in links]
    assert anchors == ["id_title", "id_goals-0-text", "id_costs-0-amount"]
    for anchor in anchors:
        assert f'id="{anchor}"' in html  # every link leads to its field
    texts = [text for _anchor, text in links]
    assert texts[0] == "Titel: Geef het plan een titel."
    assert texts[1].startswith("Doel 1 – ")
    assert texts[2].startswith("Kostenregel 1 – ")
    assert 'role="alert"' in summary.group(0)
