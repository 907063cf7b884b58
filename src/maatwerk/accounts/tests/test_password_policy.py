"""The password policy: length, similarity, common (breached) passwords, and zxcvbn's
estimate against the lists it ships — in Dutch, without any network."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation

from maatwerk.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "password",
    [
        "kort-1",  # too short
        "password123456",  # on the list of common (breached) passwords
        "123456789012345",  # digits only
        "Wachtwoord2024!",  # a dictionary word with a year: guessable (zxcvbn)
        "Maatwerk2026!",  # a word of this application with a year
    ],
)
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_password_like_the_users_name_is_refused():
    user = UserFactory.build(username="fatima.elamrani", first_name="Fatima", email="f@x.nl")
    with pytest.raises(ValidationError):
        validate_password("fatima.elamrani1", user=user)


def test_a_long_passphrase_is_accepted():
    validate_password("vier paarden dansen onder de brug")


def test_the_refusal_is_in_dutch():
    with translation.override("nl"), pytest.raises(ValidationError) as refused:
        validate_password("Wachtwoord2024!")
    text = " ".join(refused.value.messages).lower()
    assert "wachtwoord" in text and "password" not in text
