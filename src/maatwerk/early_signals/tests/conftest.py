from datetime import date

import pytest

from maatwerk.early_signals.models import Creditor, CreditorType
from maatwerk.early_signals.rows import validate_row
from maatwerk.testing.factories import OrganisationFactory, TeamFactory

TODAY = date(2027, 3, 1)


def raw_row(**overrides) -> dict:
    row = {
        "referentie": "R-1",
        "type": "rent",
        "achternaam": "van der Berg",
        "tussenvoegsel": "",
        "voornamen": "Jan",
        "geboortedatum": "1980-05-01",
        "straat": "Dorpsstraat",
        "huisnummer": "12",
        "toevoeging": "",
        "postcode": "1234 AB",
        "woonplaats": "Zaandam",
        "telefoon": "",
        "email": "",
        "bedrag": "850,00",
        "maanden_achterstand": "1",
        "signaaldatum": "2027-02-20",
    }
    row.update(overrides)
    return row


def row(**overrides):
    valid, errors = validate_row(raw_row(**overrides), today=TODAY)
    assert not errors, errors
    return valid


@pytest.fixture
def team(db):
    return TeamFactory(name="Vroegsignalering")


@pytest.fixture
def creditor(db):
    return Creditor.objects.create(
        organisation=OrganisationFactory(name="Woonstichting Zaanstreek"),
        type=CreditorType.HOUSING,
    )


@pytest.fixture
def energy(db):
    return Creditor.objects.create(
        organisation=OrganisationFactory(name="Energie Noord"), type=CreditorType.ENERGY
    )
