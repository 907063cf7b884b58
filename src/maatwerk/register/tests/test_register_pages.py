import pytest
from django.urls import reverse

from maatwerk.register.models import LifeDomain, Regulation
from maatwerk.register.seed import seed_register
from maatwerk.testing.factories import ContactFactory, EscalationStepFactory, OrganisationFactory

pytestmark = pytest.mark.django_db
LIST = reverse("register:organisation_list")


@pytest.fixture
def coordinator_client(client, make_user, login):
    return login(make_user("coordinator", organisation=None))


def names(response):
    return [o.name for o in response.context["page"].object_list]


def test_search_by_name_contact_type_domain_and_regulation(coordinator_client):
    seed_register()
    assert names(coordinator_client.get(LIST, {"q": "uwv"})) == ["UWV"]
    by_type = names(coordinator_client.get(LIST, {"type": "municipality"}))
    assert by_type == ["Gemeente Rotterdam", "Gemeente Utrecht", "Gemeente Zaanstad"]
    by_domain = names(coordinator_client.get(LIST, {"domain": "residence_status"}))
    assert by_domain == ["IND"]
    by_regulation = names(coordinator_client.get(LIST, {"regulation": "awir"}))
    assert by_regulation == ["Belastingdienst/Toeslagen"]
    combined = names(
        coordinator_client.get(LIST, {"type": "national_agency", "domain": "education"})
    )
    assert combined == ["DUO"]


def test_search_finds_an_organisation_by_contact_name_once(coordinator_client):
    organisation = OrganisationFactory(name="Woonstichting Test")
    ContactFactory(organisation=organisation, name="Fatima Zwart")
    ContactFactory(organisation=organisation, name="Fatima Wit")
    assert names(coordinator_client.get(LIST, {"q": "fatima"})) == ["Woonstichting Test"]


def test_inactive_organisations_are_not_listed(coordinator_client):
    OrganisationFactory(name="Opgeheven Dienst", active=False)
    OrganisationFactory(name="Actieve Dienst")
    assert names(coordinator_client.get(LIST)) == ["Actieve Dienst"]


def test_unknown_filter_value_gives_field_error_not_a_crash(coordinator_client):
    OrganisationFactory(name="Actieve Dienst")
    response = coordinator_client.get(LIST, {"type": "spaceship"})
    assert response.status_code == 200
    assert response.context["form"].errors["type"]


def test_list_query_count_does_not_grow_with_rows(coordinator_client, assert_constant_queries):
    domains = list(LifeDomain.objects.all()[:3])
    regulation = Regulation.objects.first()

    def add(count):
        for _ in range(count):
            organisation = OrganisationFactory()
            organisation.life_domains.set(domains)
            organisation.regulations.set([regulation])

    def page():
        assert coordinator_client.get(LIST).status_code == 200

    add(3)
    assert_constant_queries(page, grow=lambda: add(40))


def test_organisation_page_shows_contacts_and_escalation_route(coordinator_client):
    organisation = OrganisationFactory(name="Gemeente Teststad")
    steps = [EscalationStepFactory(organisation=organisation, level=level) for level in (1, 2, 3)]
    national = EscalationStepFactory(
        organisation=organisation,
        level=4,
        contact=ContactFactory(organisation=OrganisationFactory(name="Landelijk Team")),
    )
    ContactFactory(organisation=organisation, name="Oud Contact", active=False)
    response = coordinator_client.get(
        reverse("register:organisation_detail", args=[organisation.slug])
    )
    content = response.content.decode()
    assert response.status_code == 200
    for step in steps:
        assert step.contact.name in content
        assert step.contact.email in content
    assert national.contact.name in content and "Landelijk Team" in content
    assert "Oud Contact" not in content
    assert [s.level for s in response.context["organisation"].escalation_steps.all()] == [
        1,
        2,
        3,
        4,
    ]


def test_unknown_organisation_is_a_404_page(coordinator_client):
    response = coordinator_client.get(reverse("register:organisation_detail", args=["nope"]))
    assert response.status_code == 404
    assert "web/404.html" in [t.name for t in response.templates]


@pytest.mark.parametrize(
    "role", ["professional", "decision_maker", "coordinator", "budget_holder", "analyst", "admin"]
)
def test_roles_that_browse_the_register(client, make_user, login, role):
    OrganisationFactory(name="Zichtbare Dienst")
    login(make_user(role), verified=True)
    response = client.get(LIST)
    assert response.status_code == 200
    assert "Zichtbare Dienst" in response.content.decode()


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_search_query_count_does_not_grow_with_rows(coordinator_client, assert_constant_queries):
    """The register search (issue 17): a name, a life domain, a regulation, a type."""
    domain = LifeDomain.objects.order_by("order").first()
    regulation = Regulation.objects.first()

    def add(count):
        for _ in range(count):
            organisation = OrganisationFactory(type="national_agency")
            organisation.life_domains.set([domain])
            organisation.regulations.set([regulation])
            ContactFactory(organisation=organisation)

    searches = {
        "name": {"q": "Organisatie"},
        "domain": {"domain": domain.code},
        "regulation": {"regulation": regulation.code},
        "type": {"type": "national_agency"},
    }

    def page(params):
        response = coordinator_client.get(LIST, params)
        assert response.status_code == 200
        return response

    add(3)
    runs = assert_constant_queries(
        {name: lambda params=params: page(params) for name, params in searches.items()},
        grow=lambda: add(30),
    )
    for name in searches:
        assert len(names(runs[name].after.result)) > len(names(runs[name].before.result))
