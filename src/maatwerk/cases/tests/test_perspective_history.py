"""The perspective on the case pages: every version in a history, the form for a new
version starting from the current text, and a member's words headed with whose they
are."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from maatwerk.cases.services import perspective_record
from maatwerk.testing.cases import make_case

pytestmark = pytest.mark.django_db


def record(user, case, text, version, member=""):
    return perspective_record(
        request=None,
        user=user,
        case=case,
        member=member,
        text=text,
        confirmation="conversation",
        recorded_on=timezone.localdate(),
        based_on_version=version,
    )


@pytest.fixture
def case(teams, professional):
    case = make_case(teams[0], professional)
    record(professional, case, "Tweede: eerst de schulden.", 1)
    record(professional, case, "Derde: de schulden en dan werk.", 2)
    record(professional, case, "Ik wil veilig wonen.", 0, member="Moeder")
    record(professional, case, "Veilig wonen, met de kinderen.", 1, member="Moeder")
    return case


def history(html: str) -> list[list[str]]:
    """Per voice's history: the texts of its versions, in page order."""
    blocks = re.findall(r'data-testid="perspective-history">(.*?)</details>', html, re.S)
    return [re.findall(r"<blockquote[^>]*><p[^>]*>(.*?)</p>", block, re.S) for block in blocks]


def test_every_version_is_in_the_history(client, login, professional, case):
    first = case.perspectives.get(member="", version=1).text
    login(professional)
    html = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    household, mother = history(html)
    assert household == ["Derde: de schulden en dan werk.", "Tweede: eerst de schulden.", first]
    assert mother == ["Veilig wonen, met de kinderen.", "Ik wil veilig wonen."]
    # The history is on every page of the case (the header), e.g. a plan form.
    html = client.get(reverse("cases:plan_create", args=[case.pk])).content.decode()
    assert "Tweede: eerst de schulden." in html


def test_the_new_version_starts_from_the_current_text(client, login, professional, case):
    login(professional)
    url = reverse("cases:perspective_add", args=[case.pk])
    form = client.get(url).context["form"]
    assert form["text"].value() == "Derde: de schulden en dan werk."
    assert form["based_on_version"].value() == 3
    form = client.get(url, {"member": "Moeder"}).context["form"]
    assert form["text"].value() == "Veilig wonen, met de kinderen."
    assert not client.get(url, {"new_voice": "1"}).context["form"]["text"].value()
    # A posted text is kept, not replaced by the current one.
    response = client.post(url, {"text": "", "based_on_version": 3, "confirmation": "phone"})
    assert response.status_code == 200 and not response.context["form"]["text"].value()


def test_a_members_words_are_headed_with_whose_they_are(client, login, professional, teams, case):
    login(professional)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    headings = re.findall(r'<h3 class="utrecht-heading-3 maatwerk-voice__heading">(.*?)</h3>', html)
    assert headings == ["The household as a whole", "In the words of Moeder"]
    client.cookies["django_language"] = "nl"
    html = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert "In de woorden van Moeder" in html
    # One voice only: no heading needed.
    alone = make_case(teams[0], professional)
    html = client.get(reverse("cases:case_detail", args=[alone.pk])).content.decode()
    assert "maatwerk-voice__heading" not in html
