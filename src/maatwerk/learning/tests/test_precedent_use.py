"""Precedents where the work is: next to a recorded refusal (journeys' request page,
through journeys.extensions), on the case page, linked to a case with a notice to its
owner; the coordinator's closing analyses on the start page; re-indexing; the demo's
dozen published precedents."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from maatwerk.cases.models import Case
from maatwerk.journeys.services import record_event, request_create
from maatwerk.learning import services
from maatwerk.learning.models import Precedent, PrecedentLink
from maatwerk.learning.selectors import search_precedents
from maatwerk.notices.models import Kind, Notice
from maatwerk.notices.selectors import notices_for
from maatwerk.register.models import LifeDomain, Regulation
from maatwerk.testing.cases import make_case
from maatwerk.testing.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def ago(days):
    return timezone.localdate() - timedelta(days=days)


@pytest.fixture
def coordinators(make_user):
    return make_user("coordinator"), make_user("coordinator")


@pytest.fixture
def uwv(db):
    return OrganisationFactory(name="UWV", type="national_agency")


def published(author, reviewer, **fields):
    domains = fields.pop("domains", [])
    organisations = fields.pop("organisations", [])
    draft = services.precedent_write(
        request=None,
        user=author,
        title=fields.pop("title"),
        situation=fields.pop("situation"),
        outcome=fields.pop("outcome", "solved"),
        life_domains=LifeDomain.objects.filter(code__in=domains),
        organisations=organisations,
        **fields,
    )
    return services.precedent_publish(request=None, user=reviewer, precedent=draft)


def refused_request(professional, case, organisation, reason="not_allowed_by_law"):
    req = request_create(
        request=None,
        user=professional,
        case=case,
        organisation=organisation,
        subject="WW-uitkering ondanks de kostendelersnorm",
        rule_text="kostendelersnorm",
    )
    record_event(request=None, user=professional, req=req, type="submitted", on=ago(10))
    record_event(
        request=None,
        user=professional,
        req=req,
        type="refused",
        on=ago(2),
        reason=reason,
        text="Mag niet van de wet",
    )
    return req


# --- Next to a refusal ----------------------------------------------------------------


def test_the_refusal_lists_similar_precedents_as_links_the_same_refusal_first(
    client, login, teams, professional, coordinators, uwv
):
    author, reviewer = coordinators
    case = make_case(
        teams[0], professional, on=ago(30), needed="Uitkering gekort door de kostendelersnorm."
    )
    same_refusal = published(
        author,
        reviewer,
        title="Kostendelersnorm buiten toepassing",
        situation="De kostendelersnorm kortte de uitkering; de gemeente week af.",
        regulation_text="kostendelersnorm",
        organisations=[uwv],
        refusal_reasons=["not_allowed_by_law"],
    )
    other = published(
        author,
        reviewer,
        title="Uitkering hersteld",
        situation="UWV herstelde een uitkering na de kostendelersnorm.",
        organisations=[uwv],
        refusal_reasons=["wrong_desk"],
    )
    published(author, reviewer, title="Schoolkeuze", situation="Een school voor een kind.")
    req = refused_request(professional, case, uwv)
    login(professional)
    page = client.get(reverse("journeys:request_detail", args=[req.pk]))
    content = page.content.decode()
    section = page.context["refusal"]["sections"][0]
    assert [p.pk for p in section["precedents"]] == [same_refusal.pk, other.pk]
    for precedent in (same_refusal, other):
        link = reverse("learning:precedent_detail", args=[precedent.pk])
        assert f'href="{link}">{precedent.title}</a>' in content
    assert "Schoolkeuze" not in content
    assert "eerder verzoek" not in content  # no bare count any more
    # Linking one from here: back on the request page, and on the case page after.
    response = client.post(
        reverse("learning:precedent_link", args=[case.pk]),
        {"precedent": other.pk, "next": reverse("journeys:request_detail", args=[req.pk])},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("journeys:request_detail", args=[req.pk])
    assert PrecedentLink.objects.filter(case=case, precedent=other).exists()
    case_page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert 'data-testid="linked-precedents"' in case_page and other.title in case_page


def test_without_a_matching_precedent_the_refusal_points_to_the_search(
    client, login, teams, professional, uwv
):
    case = make_case(teams[0], professional, on=ago(30))
    req = refused_request(professional, case, uwv)
    login(professional)
    content = client.get(reverse("journeys:request_detail", args=[req.pk])).content.decode()
    assert reverse("learning:precedent_search") in content


def test_a_decision_maker_sees_no_precedent_section_without_the_permission(make_user, uwv):
    from maatwerk.learning.selectors import refusal_section

    nobody = make_user()
    assert refusal_section(nobody, None, None) is None


# --- On the case page, and linked to a case ----------------------------------------------


def test_the_case_page_links_the_similar_precedents(
    client, login, teams, professional, coordinators
):
    case = make_case(teams[0], professional, needed="Schulden door een gestopte uitkering.")
    similar = published(
        *coordinators,
        title="Lijkt erop",
        situation="Een schuld na een stopgezette uitkering.",
        domains=["finances"],
    )
    login(professional)
    content = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    link = reverse("learning:precedent_detail", args=[similar.pk])
    assert 'data-testid="similar-precedents"' in content
    assert f'href="{link}">Lijkt erop</a>' in content
    assert reverse("learning:precedent_link", args=[case.pk]) in content  # may link it


def test_linking_tells_the_case_owner_once_and_not_the_one_who_linked(
    make_user, teams, professional, colleague, coordinators
):
    case = make_case(teams[0], professional)
    precedent = published(*coordinators, title="Voorbeeld", situation="Schuld geregeld.")
    services.precedent_link(request=None, user=colleague, precedent=precedent, case=case)
    notice = Notice.objects.get(recipient=professional)
    assert notice.kind == Kind.PRECEDENT
    assert notice.facts["household"] == case.household.pseudonym
    assert not Notice.objects.filter(recipient=colleague).exists()
    with pytest.raises(Exception, match=r"already|al aan"):
        services.precedent_link(request=None, user=colleague, precedent=precedent, case=case)
    assert Notice.objects.filter(recipient=professional).count() == 1
    assert list(notices_for(professional)) == [notice]
    # The owner leaves the team: the notice is no longer shown (the case's policy).
    professional.teams.clear()
    assert list(notices_for(professional)) == []


def test_no_link_to_a_closed_case_nor_to_a_case_one_does_not_work_on(
    teams, professional, outsider, coordinators
):
    case = make_case(teams[0], professional)
    precedent = published(*coordinators, title="Voorbeeld", situation="Schuld geregeld.")
    with pytest.raises(Exception, match=r"work on|werkt"):
        services.precedent_link(request=None, user=outsider, precedent=precedent, case=case)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)
    case.refresh_from_db()
    with pytest.raises(Exception, match=r"closed|gesloten"):
        services.precedent_link(request=None, user=professional, precedent=precedent, case=case)
    assert not PrecedentLink.objects.exists() and not Notice.objects.exists()


def test_a_draft_cannot_be_linked(teams, professional, coordinators):
    case = make_case(teams[0], professional)
    draft = services.precedent_write(
        request=None, user=coordinators[0], title="Concept", situation="x", outcome="solved"
    )
    with pytest.raises(Exception, match=r"published|gepubliceerd"):
        services.precedent_link(request=None, user=professional, precedent=draft, case=case)


def test_the_precedent_page_links_it_to_one_of_my_cases(
    client, login, teams, professional, outsider, coordinators
):
    mine = make_case(teams[0], professional)
    theirs = make_case(teams[1], outsider)
    precedent = published(*coordinators, title="Voorbeeld", situation="Schuld geregeld.")
    login(professional)
    url = reverse("learning:precedent_detail", args=[precedent.pk])
    page = client.get(url)
    choices = [case.pk for case in page.context["link_form"].fields["case"].queryset]
    assert choices == [mine.pk]
    refused = client.post(url, {"action": "link", "case": theirs.pk})
    assert refused.status_code == 200 and refused.context["link_form"].errors["case"]
    assert not PrecedentLink.objects.exists()
    assert client.post(url, {"action": "link", "case": mine.pk}).status_code == 302
    assert PrecedentLink.objects.get().case == mine
    assert client.get(url).context["link_form"] is None  # nothing left to link


# --- The coordinator's start page ----------------------------------------------------------


def test_the_coordinator_start_page_lists_the_analyses_to_do(
    client, login, make_user, teams, professional
):
    coordinator = make_user("coordinator", teams=[teams[0]])
    closed = make_case(teams[0], professional)
    Case.objects.filter(pk=closed.pk).update(status=Case.Status.CLOSED, closed_on=ago(3))
    make_case(teams[0], professional)  # open, not escalated: nothing to analyse yet
    login(coordinator)
    content = client.get("/").content.decode()
    assert 'data-testid="start-analyses"' in content
    assert content.count('data-testid="start-analysis-case"') == 1
    assert reverse("learning:analysis", args=[closed.pk]) in content
    services.closing_analysis_complete(
        request=None, user=coordinator, case=closed, no_bottlenecks=True
    )
    content = client.get("/").content.decode()
    assert 'data-testid="start-analysis-case"' not in content
    login(professional)  # the section is the coordinator's
    assert 'data-testid="start-analyses"' not in client.get("/").content.decode()


def test_the_analyses_section_needs_a_constant_number_of_queries(
    rf, make_user, teams, professional, django_assert_max_num_queries
):
    from maatwerk.learning.start import analyses_section

    coordinator = make_user("coordinator", teams=[teams[0]])
    for _ in range(3):
        case = make_case(teams[0], professional)
        Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)
    request = rf.get("/")
    request.user = coordinator
    analyses_section(request)  # permissions cached
    with django_assert_max_num_queries(4):
        shown = analyses_section(request)
    assert shown["total"] == 3 and len(shown["cases"]) == 3


# --- Re-indexing, ranking within a filter ----------------------------------------------------


def test_reindexing_rebuilds_the_stems_and_the_index(coordinators, capsys):
    precedent = published(*coordinators, title="Voorbeeld", situation="Een huurachterstand.")
    Precedent.objects.filter(pk=precedent.pk).update(search_a="", search_b="", search_d="")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM learning_precedent_fts")
    assert search_precedents(coordinators[0], "huurachterstanden").total == 0
    call_command("learning-reindex")
    assert "1 precedents re-indexed" in capsys.readouterr().out
    assert search_precedents(coordinators[0], "huurachterstanden").total == 1
    call_command("learning-reindex")  # again: the same index
    assert search_precedents(coordinators[0], "huurachterstanden").total == 1


def test_a_filtered_search_fills_its_page_with_the_best_matches_of_the_filter(coordinators):
    from maatwerk.learning.selectors import PRECEDENT_PAGE

    norm = Regulation.objects.get(code="participatiewet")
    # Better matches outside the filter must not push the filtered ones off the page.
    for i in range(PRECEDENT_PAGE + 5):
        published(
            *coordinators,
            title=f"Buiten {i}",
            situation="schuld schuld schuld",
            regulation=norm,
        )
    for i in range(3):
        published(*coordinators, title=f"Binnen {i}", situation="schuld", domains=["housing"])
    found = search_precedents(coordinators[0], "schuld", filters={"domain": "housing"})
    assert found.total == 3
    assert sorted(p.title for p in found.results) == ["Binnen 0", "Binnen 1", "Binnen 2"]


# --- The demo -----------------------------------------------------------------------------


def test_the_demo_publishes_a_dozen_precedents_once_with_four_eyes():
    from maatwerk.demo.load import create_demo_data
    from maatwerk.demo.precedents import PRECEDENTS

    create_demo_data()
    create_demo_data()  # safe to run twice
    rows = Precedent.objects.filter(status="published")
    assert rows.count() == len(PRECEDENTS) == 12
    assert {p.drafted_by.username for p in rows} == {"coordinator"}
    assert {p.published_by.username for p in rows} == {"coordinator2"}
    assert all(services.precedent_screen(p) == {} for p in rows)
    from maatwerk.accounts.models import User

    professional = User.objects.get(username="professional")
    titles = [p.title for p in search_precedents(professional, "kostendelersnormen").results]
    assert "Kostendelersnorm niet toegepast bij een zoon in crisisopvang" in titles
