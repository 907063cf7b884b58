"""factory_boy factories for the tests (test dependency only)."""

import factory
from django.contrib.auth.models import Group
from django.utils.text import slugify

from maatwerk.accounts.models import Team, User
from maatwerk.register.models import Contact, EscalationStep, Organisation

TEST_PASSWORD = "correct-horse-battery-staple"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Organisatie {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    type = "municipality"
    email = factory.LazyAttribute(lambda o: f"maatwerk@{o.slug}.example.org")
    phone = "+31 20 000 1234"
    response_target_days = 10


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Contactpersoon {n}")
    function = "Maatwerkfunctionaris"
    email = factory.Sequence(lambda n: f"contact{n}@example.org")
    phone = "+31 20 000 5678"


class EscalationStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EscalationStep

    organisation = factory.SubFactory(OrganisationFactory)
    level = 1
    contact = factory.SubFactory(
        ContactFactory, organisation=factory.SelfAttribute("..organisation")
    )


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Wijkteam {n}")
    organisation = factory.SubFactory(OrganisationFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Gebruiker {n}")
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        """``UserFactory(roles=["coordinator"])`` assigns roles by code."""
        if create and extracted:
            self.groups.set(Group.objects.filter(role__code__in=extracted))

    @factory.post_generation
    def teams(self, create, extracted, **kwargs):
        if create and extracted:
            self.teams.set(extracted)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()
