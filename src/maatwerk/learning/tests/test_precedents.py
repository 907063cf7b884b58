"""Precedents: drafted from a closed case, screened for personal data, published by a
second coordinator, and found by Dutch full-text search with stemming, ranking and
facets, the same on SQLite and PostgreSQL."""

import pytest
from django.urls import reverse

from maatwerk.audit.models import AccessLogEntry, Action
from maatwerk.cases.models import Case
from maatwerk.core.textsearch import query_terms, stems
from maatwerk.learning import services
from maatwerk.learning.models import Precedent
from maatwerk.learning.selectors import search_precedents, similar_precedents
from maatwerk.register.models import LifeDomain, Regulation
from maatwerk.testing.cases import make_case
from maatwerk.testing.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinators(make_user):
    return make_user("coordinator"), make_user("coordinator")


def publish(author, reviewer, **fields):
    domains = fields.pop("domains", [])
    organisations = fields.pop("organisations", [])
    number = Precedent.objects.count() + 1
    precedent = Precedent.objects.create(
        reference=f"PR-T-{number:05d}",
        title=fields.pop("title", "Voorbeeld"),
        situation=fields.pop("situation", "Een huishouden liep vast."),
        outcome=fields.pop("outcome", "solved"),
        drafted_by=author,
        **fields,
    )
    precedent.life_domains.set(LifeDomain.objects.filter(code__in=domains))
    precedent.organisations.set(organisations)
    services._index(precedent)
    return services.precedent_publish(request=None, user=reviewer, precedent=precedent)


def titles(found):
    return [p.title for p in found.results]


def test_the_stemmer_is_postgresqls_dutch_one():
    assert stems("schulden schuld") == ["schuld", "schuld"]
    assert stems("uitkeringen uitkering") == ["uitker", "uitker"]
    assert stems("De huur is niet betaald") == ["hur", "betaald"]  # as PostgreSQL: stop words go
    # Operators and punctuation are no syntax: only words, in the order typed.
    assert query_terms('"schulden" AND (uitkering) OR -- ; DROP TABLE') == [
        "schuld",
        "and",
        "uitker",
        "or",
        "drop",
        "tabl",
    ]


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("schulden", "Een schuld bij de gemeente werd kwijtgescholden."),
        ("uitkeringen", "De uitkering werd met terugwerkende kracht toegekend."),
        ("uitkering", "Twee uitkeringen liepen door elkaar."),
        ("huurachterstanden", "De huurachterstand werd bevroren."),
    ],
)
def test_a_word_form_finds_another_form_of_it(coordinators, query, text):
    publish(*coordinators, title="Gevonden", situation=text)
    publish(*coordinators, title="Niet gevonden", situation="Iets heel anders over zorg.")
    assert titles(search_precedents(coordinators[0], query)) == ["Gevonden"]


def test_a_match_on_the_rule_and_the_domain_outranks_a_single_word(coordinators):
    norm = Regulation.objects.get(code="participatiewet")
    publish(
        *coordinators,
        title="Alleen een woord",
        situation="Er was ook sprake van de participatiewet, zijdelings, en van wonen.",
    )
    publish(
        *coordinators,
        title="Regel en leefgebied",
        situation="Maatwerk in de bijstand.",
        regulation=norm,
        domains=["income_work"],
    )
    found = search_precedents(coordinators[0], "participatiewet inkomen werk")
    assert titles(found) == ["Regel en leefgebied", "Alleen een woord"]


def test_facets_count_the_matches_and_filter_them(coordinators):
    uwv = OrganisationFactory(name="UWV")
    cak = OrganisationFactory(name="CAK")
    publish(*coordinators, title="A", situation="schuld", domains=["finances"], organisations=[uwv])
    publish(
        *coordinators,
        title="B",
        situation="schulden",
        domains=["finances", "housing"],
        organisations=[cak],
        outcome="partly_solved",
    )
    publish(*coordinators, title="C", situation="zorg", domains=["housing"])
    found = search_precedents(coordinators[0], "schuld")
    assert found.total == 2
    domains = {code: n for code, _label, n in found.facets["domain"]}
    assert domains == {"finances": 2, "housing": 1}
    assert {label: n for _v, label, n in found.facets["organisation"]} == {"UWV": 1, "CAK": 1}
    assert {value: n for value, _l, n in found.facets["outcome"]} == {
        "solved": 1,
        "partly_solved": 1,
    }
    narrowed = search_precedents(coordinators[0], "schuld", filters={"domain": "housing"})
    assert titles(narrowed) == ["B"]
    assert titles(search_precedents(coordinators[0], "", filters={"organisation": uwv.pk})) == ["A"]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "de het een",
        '"',
        "'; DROP TABLE learning_precedent; --",
        "NEAR(a b)",
        "*",
        "x" * 10000,
        "a AND OR NOT",
    ],
)
def test_odd_queries_give_a_normal_page(client, login, coordinators, query):
    publish(*coordinators, title="Iets", situation="schuld")
    login(coordinators[0])
    response = client.get(reverse("learning:precedent_search"), {"q": query})
    assert response.status_code == 200


@pytest.mark.parametrize("domain", ["fin\x00ances", "x" * 200, "²", "finances'--"])
def test_an_odd_domain_filter_gives_a_normal_page(client, login, coordinators, domain):
    publish(*coordinators, title="Iets", situation="schuld")
    login(coordinators[0])
    response = client.get(reverse("learning:precedent_search"), {"q": "schuld", "domain": domain})
    assert response.status_code == 200


def test_search_is_logged_with_the_number_of_hits_not_the_query(client, login, coordinators):
    publish(*coordinators, title="Iets", situation="schuld bij de verhuurder")
    login(coordinators[0])
    client.get(reverse("learning:precedent_search"), {"q": "verhuurder"})
    row = AccessLogEntry.objects.filter(
        action=Action.SEARCH, object_type="learning.precedent"
    ).get()
    assert row.detail == "1 hits" and "verhuurder" not in row.detail


def closed_case(teams, professional, *, needed="Huurachterstand na het stoppen van de uitkering."):
    case = make_case(teams[0], professional, needed=needed)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED, outcome="solved")
    case.refresh_from_db()
    return case


def test_a_draft_from_a_closed_case_is_prefilled_and_cannot_be_published_with_a_phone_number(
    client, login, teams, professional, coordinators
):
    author, reviewer = coordinators
    case = closed_case(teams, professional)
    author.teams.add(teams[0])  # a coordinator of the team's organisation who sees the case
    precedent = services.precedent_draft_from_case(request=None, user=author, case=case)
    assert precedent.status == "draft" and precedent.situation == case.needed
    assert set(precedent.life_domains.all()) == set(case.life_domains.all())
    services.precedent_save(
        request=None,
        user=author,
        precedent=precedent,
        title="Ontruiming voorkomen",
        situation="Bel mevrouw op 06-12345678 als het huis weer in gevaar is.",
    )
    precedent.refresh_from_db()
    # The author may not publish it; the second coordinator is stopped by the screen.
    with pytest.raises(Exception) as own:
        services.precedent_publish(request=None, user=author, precedent=precedent)
    assert "second coordinator" in str(own.value) or "tweede regievoerder" in str(own.value)
    with pytest.raises(services.PersonalDataFound) as caught:
        services.precedent_publish(request=None, user=reviewer, precedent=precedent)
    assert [hit.kind for hit in caught.value.hits["situation"]] == ["phone"]
    login(reviewer)
    page = client.get(reverse("learning:precedent_detail", args=[precedent.pk]))
    assert '<mark data-kind="phone">06-12345678</mark>' in page.content.decode()
    services.precedent_save(
        request=None,
        user=author,
        precedent=precedent,
        title="Ontruiming voorkomen",
        situation="Het huis was in gevaar door een huurachterstand.",
    )
    precedent.refresh_from_db()
    services.precedent_publish(request=None, user=reviewer, precedent=precedent)
    assert Precedent.objects.get(pk=precedent.pk).status == "published"


def test_the_households_pseudonym_blocks_publication(teams, professional, coordinators):
    author, reviewer = coordinators
    case = closed_case(teams, professional)
    author.teams.add(teams[0])
    precedent = services.precedent_draft_from_case(request=None, user=author, case=case)
    services.precedent_save(
        request=None,
        user=author,
        precedent=precedent,
        title="Voorbeeld",
        situation=f"Zoals bij {case.household.pseudonym} eerder.",
    )
    precedent.refresh_from_db()
    with pytest.raises(services.PersonalDataFound):
        services.precedent_publish(request=None, user=reviewer, precedent=precedent)


def test_drafts_are_not_visible_to_professionals_but_published_ones_are(
    client, login, professional, coordinators
):
    author, reviewer = coordinators
    draft = Precedent.objects.create(
        reference="PR-T-1", title="Concept", situation="x", outcome="solved", drafted_by=author
    )
    login(professional)
    assert client.get(reverse("learning:precedent_detail", args=[draft.pk])).status_code == 404
    services._index(draft)
    services.precedent_publish(request=None, user=reviewer, precedent=draft)
    assert client.get(reverse("learning:precedent_detail", args=[draft.pk])).status_code == 200


def test_similar_precedents_for_a_case(teams, professional, coordinators):
    case = make_case(teams[0], professional, needed="Schulden door een gestopte uitkering.")
    domain = case.life_domains.first()
    publish(
        *coordinators,
        title="Lijkt erop",
        situation="Een schuld na een stopgezette uitkering.",
        domains=[domain.code],
    )
    publish(*coordinators, title="Heel anders", situation="Een schoolkeuze.")
    assert [p.title for p in similar_precedents(case)] == ["Lijkt erop"]
