import os
import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from maatwerk.audit.models import AccessLogEntry
from maatwerk.cases.models import HouseholdIdentity

from .test_cases import open_case

pytestmark = pytest.mark.django_db
BSN = "111222333"


def identity_data(**overrides):
    data = {
        "loaded_version": 0,
        "names": "Sanne Jansen-Verhoeven",
        "date_of_birth": "1984-03-12",
        "bsn": "1112 22 333",
        "street": "Dorpsstraat",
        "house_number": "12",
        "house_number_addition": "",
        "postcode": "1234ab",
        "city": "Zaandam",
    }
    data.update(overrides)
    return data


@pytest.fixture
def case(client, login, professional):
    login(professional)
    return open_case(client)


def url(case):
    return reverse("cases:identity_edit", args=[case.pk])


@pytest.mark.django_db(transaction=True)  # VACUUM INTO cannot run inside a transaction
def test_identity_is_encrypted_at_rest(client, case):
    response = client.post(url(case), identity_data())
    assert response.status_code == 302, response.context["form"].errors
    identity = HouseholdIdentity.objects.get(household=case.household)
    assert identity.bsn == BSN and identity.postcode == "1234 AB"
    with connection.cursor() as cursor:
        cursor.execute("SELECT names, bsn, postcode, date_of_birth FROM cases_householdidentity")
        raw = " ".join(str(v) for v in cursor.fetchone())
    for plain in ("Jansen", BSN, "1234 AB", "1984-03-12"):
        assert plain not in raw
    if connection.vendor == "sqlite":
        # The whole database file, as a backup or a stolen disk would show it.
        path = os.path.join(tempfile.mkdtemp(), "copy.sqlite3")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [path])
        content = Path(path).read_bytes()
        assert b"Jansen" not in content and BSN.encode() not in content
        assert case.household.pseudonym.encode() in content  # the copy is real


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("bsn", "123456789", "elfproef"),
        ("bsn", "12345", "9 cijfers"),
        ("postcode", "123 AB", "postcode"),
        ("postcode", "1234 SA", "postcode"),
        ("date_of_birth", "31-31-1984", ""),
    ],
)
def test_bad_identifiers_get_dutch_field_errors(client, case, field, value, fragment):
    response = client.post(url(case), identity_data(**{field: value}))
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert fragment.lower() in " ".join(errors).lower()
    assert not HouseholdIdentity.objects.exists()


def test_identity_only_for_the_owning_team(client, case, login, outsider, make_user):
    client.post(url(case), identity_data())
    client.logout()
    login(outsider)
    assert client.get(url(case)).status_code == 404
    client.logout()
    login(make_user("admin"), verified=True)  # no case access at all (issue 10)
    assert client.get(url(case)).status_code == 404
    assert client.get(reverse("cases:case_detail", args=[case.pk])).status_code == 404


def test_identity_never_in_lists_pages_or_log(client, case):
    client.post(url(case), identity_data())
    for page in (
        client.get(reverse("cases:case_list")),
        client.get(reverse("cases:case_detail", args=[case.pk])),
    ):
        content = page.content.decode()
        assert "Jansen" not in content and BSN not in content
    for entry in AccessLogEntry.objects.all():
        assert "Jansen" not in entry.detail and BSN not in entry.detail


def test_concurrent_identity_edits_conflict(client, case):
    assert client.post(url(case), identity_data()).status_code == 302
    first = client.post(url(case), identity_data(loaded_version=1, city="Wormerveer"))
    assert first.status_code == 302
    stale = client.post(url(case), identity_data(loaded_version=1, city="Krommenie"))
    assert stale.status_code == 200
    assert stale.context["current"].city == "Wormerveer"
    assert HouseholdIdentity.objects.get().city == "Wormerveer"


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("1899-12-31", "tussen 01-01-1900"),
        ("0001-01-01", "tussen 01-01-1900"),
        ((date.today() + timedelta(days=2)).isoformat(), "toekomst"),
    ],
)
def test_a_date_of_birth_lies_between_1900_and_today(client, case, value, fragment):
    response = client.post(url(case), identity_data(date_of_birth=value))
    assert response.status_code == 200
    assert fragment in " ".join(response.context["form"].errors["date_of_birth"])
    assert not HouseholdIdentity.objects.exists()


@pytest.mark.parametrize("field", ["names", "street", "city"])
def test_bidi_controls_in_identifiers_are_refused(client, case, field):
    response = client.post(url(case), identity_data(**{field: "Jan\u202esneJ"}))
    assert response.status_code == 200
    assert "leesrichting" in " ".join(response.context["form"].errors[field])
    assert not HouseholdIdentity.objects.exists()
