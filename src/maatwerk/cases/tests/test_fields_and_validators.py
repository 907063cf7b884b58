"""Encrypted fields (maatwerk.cases.fields) and the Dutch validators (…cases.validators).

The field tests use a model of their own, registered in a private app registry (so it
is not part of any installed app and never gets a migration). Its table is created
with the schema editor for the database tests, which therefore run as transactional
tests (SQLite cannot change its schema inside the test transaction).
"""

import datetime

import pytest
from cryptography.fernet import Fernet
from django import forms
from django.apps.registry import Apps
from django.core.exceptions import FieldError, ImproperlyConfigured, ValidationError
from django.db import connection, models
from django.db.migrations.writer import MigrationWriter
from django.test import override_settings
from django.utils import translation

from maatwerk.cases.fields import (
    EncryptedDateField,
    EncryptedTextField,
    FieldDecryptionError,
    decrypt_str,
    encrypt_str,
    encrypted_field_names,
    reencrypt,
    reencrypt_all,
)
from maatwerk.cases.validators import (
    normalize_bsn,
    normalize_postcode,
    validate_bsn,
    validate_house_number,
    validate_postcode,
)

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()

field_test_apps = Apps(installed_apps=[])


class Person(models.Model):
    last_name = EncryptedTextField(max_length=200)
    note = EncryptedTextField(blank=True)
    bsn = EncryptedTextField(max_length=9, blank=True)
    born_on = EncryptedDateField(null=True, blank=True)
    city = models.CharField(max_length=100, blank=True)  # not encrypted, for contrast

    class Meta:
        app_label = "cases_field_tests"
        apps = field_test_apps

    def __str__(self):
        return f"Person {self.pk}"


def elfproef(digits: str) -> int:
    """The BSN eleven-test sum, written out independently of the validator."""
    d = [int(c) for c in digits]
    return (
        9 * d[0] + 8 * d[1] + 7 * d[2] + 6 * d[3] + 5 * d[4] + 4 * d[5] + 3 * d[6] + 2 * d[7] - d[8]
    )


def error_code(validator, value):
    with pytest.raises(ValidationError) as info:
        validator(value)
    return info.value.code


# --- BSN ----------------------------------------------------------------------


@pytest.mark.parametrize("bsn", ["111222333", "123456782", "012345672"])
def test_valid_bsns_pass_the_elfproef(bsn):
    assert elfproef(bsn) % 11 == 0  # the examples themselves are right
    validate_bsn(bsn)


@pytest.mark.parametrize(
    ("typed", "normalized"),
    [
        ("111 222 333", "111222333"),
        ("1112.22.333", "111222333"),
        (" 123.456.782 ", "123456782"),
        ("111\u00a0222\u00a0333", "111222333"),  # non-breaking spaces (pasted)
        ("12345672", "012345672"),  # 8 digits: the leading zero is implied
        (12345672, "012345672"),  # an int has lost it
        (111222333, "111222333"),
    ],
)
def test_bsn_is_normalized_and_then_valid(typed, normalized):
    assert normalize_bsn(typed) == normalized
    validate_bsn(typed)


@pytest.mark.parametrize("bsn", ["111222334", "123456789", "123456780", "211222333"])
def test_bsn_failing_the_elfproef_is_refused(bsn):
    assert elfproef(bsn) % 11 != 0
    assert error_code(validate_bsn, bsn) == "bsn_checksum"


@pytest.mark.parametrize(
    "bsn",
    [
        "",
        "1234567",
        "1234567890",
        "11122233a",
        "ABCDEFGHI",
        "111-222-333",
        "１１１２２２３３３",
        None,
    ],
)
def test_bsn_of_the_wrong_form_is_refused(bsn):
    assert error_code(validate_bsn, bsn) == "bsn_format"


@pytest.mark.parametrize("bsn", ["000000000", "00000000", "000.000.000"])
def test_bsn_of_only_zeros_is_refused(bsn):
    assert elfproef("000000000") == 0  # it would pass the elfproef
    assert error_code(validate_bsn, bsn) == "bsn_invalid"


def test_bsn_messages_are_distinct_and_helpful():
    with pytest.raises(ValidationError) as wrong_length:
        validate_bsn("1234")
    with pytest.raises(ValidationError) as wrong_check:
        validate_bsn("111222334")
    with translation.override("en"):
        assert wrong_length.value.messages == ["A BSN has 9 digits."]
        assert "elfproef" in wrong_check.value.messages[0]
        assert "typing errors" in wrong_check.value.messages[0]
    with translation.override("nl"):
        assert "9 cijfers" in wrong_length.value.messages[0]
        assert "elfproef" in wrong_check.value.messages[0]


# --- Postcode --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "normalized"),
    [
        ("1234 AB", "1234 AB"),
        ("1234AB", "1234 AB"),
        ("1234ab", "1234 AB"),
        ("1234 ab", "1234 AB"),
        (" 9999 zz ", "9999 ZZ"),
        ("1000 AA", "1000 AA"),
        ("1234 SB", "1234 SB"),
    ],
)
def test_valid_postcodes_are_normalized(typed, normalized):
    validate_postcode(typed)
    assert normalize_postcode(typed) == normalized


@pytest.mark.parametrize(
    "postcode",
    [
        "0123 AB",  # no postcode starts with 0
        "1234 SA",
        "1234 sd",
        "1234SS",
        "123 AB",
        "12345 AB",
        "1234 A",
        "1234 ABC",
        "1234  AB",  # one space at most
        "1234-AB",
        "AB 1234",
        "",
        None,
    ],
)
def test_invalid_postcodes_are_refused(postcode):
    assert error_code(validate_postcode, postcode) == "postcode_format"


def test_normalize_postcode_leaves_what_it_cannot_normalize_for_the_validator():
    assert normalize_postcode(" 1234 sa ") == "1234 SA"
    assert normalize_postcode(None) == ""
    with pytest.raises(ValidationError) as info:
        validate_postcode("1234 SA")
    assert "1234 AB" in info.value.messages[0]


# --- House number ----------------------------------------------------------------


@pytest.mark.parametrize("number", ["1", "12", "99999", 7, " 42 "])
def test_valid_house_numbers(number):
    validate_house_number(number)


@pytest.mark.parametrize("number", ["0", "012", "123456", "12a", "", "-1", None, 0])
def test_invalid_house_numbers(number):
    assert error_code(validate_house_number, number) == "house_number"


# --- Encrypted fields without the database ---------------------------------------

with_key_a = override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A])


@with_key_a
def test_text_round_trip_and_the_stored_form_is_not_the_plain_text():
    field = Person._meta.get_field("last_name")
    stored = field.get_prep_value("Jansen")
    assert "Jansen" not in stored
    assert stored.isascii()
    assert Fernet(KEY_A).decrypt(stored.encode()).decode() == "Jansen"
    assert field.from_db_value(stored, None, connection) == "Jansen"
    # Every write encrypts differently (random IV): equal values are not recognisable.
    assert field.get_prep_value("Jansen") != stored
    # Non-ASCII survives.
    assert field.from_db_value(field.get_prep_value("Çelik-Ünal"), None, connection) == (
        "Çelik-Ünal"
    )


@with_key_a
def test_empty_and_none_are_stored_as_they_are():
    field = Person._meta.get_field("note")
    assert field.get_prep_value("") == ""
    assert field.get_prep_value(None) is None
    assert field.from_db_value("", None, connection) == ""
    assert field.from_db_value(None, None, connection) is None


@with_key_a
def test_date_round_trip():
    field = Person._meta.get_field("born_on")
    stored = field.get_prep_value(datetime.date(1984, 3, 7))
    assert "1984" not in stored
    assert field.from_db_value(stored, None, connection) == datetime.date(1984, 3, 7)
    assert field.from_db_value(field.get_prep_value("1984-03-07"), None, connection) == (
        datetime.date(1984, 3, 7)
    )
    assert field.get_prep_value(None) is None
    assert field.get_prep_value("") is None
    assert field.from_db_value(None, None, connection) is None


def test_date_to_python():
    field = Person._meta.get_field("born_on")
    assert field.to_python("2001-12-31") == datetime.date(2001, 12, 31)
    assert field.to_python(datetime.date(2001, 12, 31)) == datetime.date(2001, 12, 31)
    assert field.to_python(datetime.datetime(2001, 12, 31, 10, 0)) == datetime.date(2001, 12, 31)
    assert field.to_python("") is None
    assert field.to_python(None) is None
    with pytest.raises(ValidationError) as invalid:
        field.to_python("31-12-2001")
    assert invalid.value.code == "invalid"
    with pytest.raises(ValidationError) as invalid_date:
        field.to_python("2001-02-30")
    assert invalid_date.value.code == "invalid_date"


def test_a_value_from_another_key_is_refused_clearly():
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A]):
        stored = Person._meta.get_field("last_name").get_prep_value("Jansen")
    with (
        override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B]),
        pytest.raises(FieldDecryptionError) as info,
    ):
        Person._meta.get_field("last_name").from_db_value(stored, None, connection)
    message = str(info.value)
    assert "MAATWERK_FIELD_KEYS" in message
    assert "cases_field_tests.Person.last_name" in message
    assert stored not in message
    assert "Jansen" not in message
    assert isinstance(info.value, ImproperlyConfigured)


@with_key_a
def test_plain_text_in_the_column_is_refused_not_shown():
    field = Person._meta.get_field("last_name")
    for not_a_token in ["Jansen", "Müller", "gAAAAAB-not-really"]:
        with pytest.raises(FieldDecryptionError):
            field.from_db_value(not_a_token, None, connection)


def test_rotation_without_the_database():
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A]):
        old = encrypt_str("Jansen")
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B, KEY_A]):
        assert decrypt_str(old) == "Jansen"
        new = encrypt_str("Jansen")
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B]):
        assert decrypt_str(new) == "Jansen"
        with pytest.raises(FieldDecryptionError):
            decrypt_str(old)


@pytest.mark.parametrize("keys", [[], ["not-a-key"], [KEY_A, "short"]])
def test_missing_or_malformed_keys_are_a_configuration_error(keys):
    with (
        override_settings(FIELD_ENCRYPTION_KEYS=keys),
        pytest.raises(ImproperlyConfigured, match="MAATWERK_FIELD_KEYS"),
    ):
        encrypt_str("Jansen")


def test_keys_may_be_given_as_one_comma_separated_string():
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A]):
        token = encrypt_str("Jansen")
    with override_settings(FIELD_ENCRYPTION_KEYS=f"{KEY_B}, {KEY_A}"):
        assert decrypt_str(token) == "Jansen"


def test_the_settings_provide_a_working_key():
    # Under the test settings a key is generated in the temporary MAATWERK_VAR_DIR.
    assert decrypt_str(encrypt_str("Jansen")) == "Jansen"


@pytest.mark.parametrize("name", ["last_name", "note", "born_on"])
def test_deconstruct_and_migration_serialisation(name):
    field = Person._meta.get_field(name)
    _name, path, args, kwargs = field.deconstruct()
    assert path in {
        "maatwerk.cases.fields.EncryptedTextField",
        "maatwerk.cases.fields.EncryptedDateField",
    }
    clone = field.__class__(*args, **kwargs)
    assert clone.deconstruct()[1:] == (path, args, kwargs)
    source, imports = MigrationWriter.serialize(field)
    assert "import maatwerk.cases.fields" in imports
    assert source.startswith(path)


def test_form_fields():
    last_name = Person._meta.get_field("last_name").formfield()
    assert isinstance(last_name, forms.CharField)
    assert isinstance(last_name.widget, forms.TextInput)
    assert last_name.max_length == 200
    assert isinstance(Person._meta.get_field("note").formfield().widget, forms.Textarea)
    born_on = Person._meta.get_field("born_on").formfield()
    assert isinstance(born_on, forms.DateField)
    assert born_on.widget.input_type == "date"
    assert not born_on.required
    assert 'value="1984-03-07"' in born_on.widget.render("born_on", datetime.date(1984, 3, 7))
    assert born_on.clean("1984-03-07") == datetime.date(1984, 3, 7)


def test_max_length_is_validated_on_the_plain_text():
    with pytest.raises(ValidationError):
        Person._meta.get_field("bsn").clean("1234567890", None)
    Person._meta.get_field("bsn").clean("111222333", None)


def test_the_model_checks_pass_and_refuse_unique_index_and_ordering():
    assert Person.check() == []

    isolated = Apps(installed_apps=[])

    class Wrong(models.Model):
        name = EncryptedTextField(unique=True)
        street = EncryptedTextField(db_index=True)
        born_on = EncryptedDateField(null=True)

        class Meta:
            app_label = "cases_field_tests"
            apps = isolated
            ordering = ["-born_on"]

        def __str__(self):
            return "wrong"

    ids = sorted(error.id for error in Wrong.check())
    assert ids == ["maatwerk_fields.E001", "maatwerk_fields.E002", "maatwerk_fields.E003"]


def test_encrypted_field_names():
    assert encrypted_field_names(Person) == ["last_name", "note", "bsn", "born_on"]


# --- Lookups ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "lookup",
    [
        {"last_name": "Jansen"},
        {"last_name__iexact": "jansen"},
        {"last_name__icontains": "jan"},
        {"last_name__startswith": "J"},
        {"last_name__in": ["Jansen"]},
        {"last_name__gt": "A"},
        {"last_name__lower": "jansen"},
        {"born_on": datetime.date(1984, 3, 7)},
        {"born_on": ""},
        {"born_on__year": 1984},
        {"born_on__lt": datetime.date(2000, 1, 1)},
    ],
)
def test_lookups_on_ciphertext_are_refused(lookup):
    with pytest.raises(FieldError, match=r"encrypted|Unsupported lookup"):
        str(Person.objects.filter(**lookup).query)


def test_emptiness_lookups_are_allowed():
    str(Person.objects.filter(note="").query)
    str(Person.objects.filter(note__isnull=True).query)
    str(Person.objects.filter(born_on=None).query)
    str(Person.objects.filter(born_on__isnull=False).query)
    str(Person.objects.exclude(note="").query)


# --- Through the database -----------------------------------------------------------


@pytest.fixture
def person_table(transactional_db):
    with connection.schema_editor() as editor:
        editor.create_model(Person)
    yield
    with connection.schema_editor() as editor:
        editor.delete_model(Person)


def raw_row(pk):
    table = connection.ops.quote_name(Person._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT last_name, note, bsn, born_on, city FROM {table} WHERE id = %s", [pk]
        )
        return cursor.fetchone()


@override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A])
def test_database_holds_ciphertext_and_the_orm_returns_plain_text(person_table):
    person = Person.objects.create(
        last_name="Jansen", bsn="111222333", born_on=datetime.date(1984, 3, 7), city="Zaandam"
    )
    last_name, note, bsn, born_on, city = raw_row(person.pk)
    assert "Jansen" not in last_name
    assert "111222333" not in bsn
    assert "1984" not in born_on
    assert note == ""  # blank stays blank
    assert city == "Zaandam"
    for column in (last_name, bsn, born_on):
        assert Fernet(KEY_A).decrypt(column.encode())  # a real token, with our key

    fetched = Person.objects.get(pk=person.pk)
    assert (fetched.last_name, fetched.bsn, fetched.born_on, fetched.note) == (
        "Jansen",
        "111222333",
        datetime.date(1984, 3, 7),
        "",
    )
    assert list(Person.objects.values_list("last_name", "born_on")) == [
        ("Jansen", datetime.date(1984, 3, 7))
    ]

    # Nothing of the plain text anywhere in the stored row.
    assert not any(
        "Jansen" in str(value) or "111222333" in str(value) for value in raw_row(person.pk)
    )


@override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A])
def test_null_and_blank_through_the_database(person_table):
    person = Person.objects.create(last_name="Jansen")
    assert raw_row(person.pk)[3] is None
    assert Person.objects.get(pk=person.pk).born_on is None
    assert Person.objects.filter(note="").count() == 1
    assert Person.objects.filter(born_on__isnull=True).count() == 1
    Person.objects.filter(pk=person.pk).update(note="Vertrouwelijk")
    assert "Vertrouwelijk" not in raw_row(person.pk)[1]
    assert Person.objects.filter(note="").count() == 0
    assert Person.objects.get(pk=person.pk).note == "Vertrouwelijk"


@override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A])
def test_bulk_create_and_bulk_update_encrypt_too(person_table):
    people = Person.objects.bulk_create(
        [Person(last_name="Jansen"), Person(last_name="Bakker", born_on="1990-01-02")]
    )
    people = list(Person.objects.order_by("pk"))
    people[0].last_name = "Visser"
    people[1].born_on = datetime.date(1991, 5, 6)
    Person.objects.bulk_update(people, ["last_name", "born_on"])
    stored = [raw_row(person.pk) for person in people]
    assert not any(name in row[0] for row in stored for name in ("Jansen", "Bakker", "Visser"))
    assert "1991" not in stored[1][3]
    assert [(p.last_name, p.born_on) for p in Person.objects.order_by("pk")] == [
        ("Visser", None),
        ("Bakker", datetime.date(1991, 5, 6)),
    ]


def test_a_different_key_cannot_read_the_row(person_table):
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A]):
        person = Person.objects.create(last_name="Jansen")
    with (
        override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B]),
        pytest.raises(FieldDecryptionError, match="MAATWERK_FIELD_KEYS"),
    ):
        Person.objects.get(pk=person.pk)


def test_key_rotation_through_the_database(person_table):
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A]):
        first = Person.objects.create(last_name="Jansen", born_on=datetime.date(1984, 3, 7))
        second = Person.objects.create(last_name="de Vries", bsn="123456782")

    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B, KEY_A]):
        # Old rows are readable with the old key second in line …
        assert Person.objects.get(pk=first.pk).last_name == "Jansen"
        # … and saving writes with the new key.
        person = Person.objects.get(pk=first.pk)
        person.save()
        assert Fernet(KEY_B).decrypt(raw_row(first.pk)[0].encode()) == b"Jansen"
        # The other row is still under the old key, until re-encrypted.
        assert Fernet(KEY_A).decrypt(raw_row(second.pk)[0].encode()) == b"de Vries"
        assert reencrypt(Person) == 2
        assert reencrypt_all([Person]) == {"cases_field_tests.Person": 2}

    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B]):
        # The old key can go: everything reads with the new one alone.
        rows = {p.pk: p for p in Person.objects.all()}
        assert rows[first.pk].last_name == "Jansen"
        assert rows[first.pk].born_on == datetime.date(1984, 3, 7)
        assert rows[second.pk].bsn == "123456782"
        assert rows[second.pk].note == ""
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A]), pytest.raises(FieldDecryptionError):
        list(Person.objects.all())


def test_reencrypt_all_finds_nothing_to_do_for_models_without_encrypted_fields(db):
    # Over the installed models: whatever has encrypted fields gets re-encrypted; the
    # call must work on an installed database either way.
    counts = reencrypt_all()
    assert all(isinstance(count, int) for count in counts.values())
