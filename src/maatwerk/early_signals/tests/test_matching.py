"""Matching that survives how Dutch names and addresses are really written."""

from datetime import date

import pytest
from django.test import override_settings

from maatwerk.early_signals import matching


@pytest.mark.parametrize(
    "typed",
    ["1234 AB", "1234AB", "1234ab", "1234 ab", " 1234  Ab ", "1234-AB", "1234 - ab", "1234\tAB"],
)
def test_postcode_variants_are_one_postcode(typed):
    assert matching.normalise_postcode(typed) == "1234AB"


@pytest.mark.parametrize(
    "typed", ["", "123 AB", "0123 AB", "12345 AB", "1234 A", "1234 ABC", "1234 SS", "AB 1234", None]
)
def test_what_is_no_postcode_is_refused(typed):
    assert matching.normalise_postcode(typed) is None


@pytest.mark.parametrize(
    ("number", "addition", "expected"),
    [
        ("12", "", (12, "")),
        (" 12 ", None, (12, "")),
        (12, "", (12, "")),
        (12.0, "", (12, "")),  # a spreadsheet's number cell
        ("12-2", "", (12, "2")),
        ("12 2", "", (12, "2")),
        ("12", "2", (12, "2")),
        ("12", "-2", (12, "2")),
        ("12 II", "", (12, "2")),
        ("12-II", "", (12, "2")),
        ("12", "ii", (12, "2")),
        ("12-2e", "", (12, "2")),
        ("12", "2 hoog", (12, "2")),
        ("12", "2-hg", (12, "2")),
        ("12", "II etage", (12, "2")),
        ("12", "2e verdieping", (12, "2")),
        ("12bis", "", (12, "BIS")),
        ("12 bis", "", (12, "BIS")),
        ("12", "BIS", (12, "BIS")),
        ("12 A", "", (12, "A")),
        ("12a", "", (12, "A")),
        ("12-A", "", (12, "A")),
        ("12", "a", (12, "A")),
        ("12", " A ", (12, "A")),
        ("12 hs", "", (12, "H")),
        ("12-huis", "", (12, "H")),
        ("12H", "", (12, "H")),
        ("12", "h", (12, "H")),
        ("12 A1", "", (12, "A1")),
        ("12", "a-1", (12, "A1")),
        ("12/3", "", (12, "3")),
        ("99999", "", (99999, "")),
        ("100000", "", None),
        ("0", "", None),
        ("012", "", None),
        ("", "A", None),
        ("A12", "", None),
        ("12", "§$%", None),
        ("12", "very long addition", None),
    ],
)
def test_house_number_variants(number, addition, expected):
    assert matching.normalise_house_number(number, addition) == expected


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (("1234 AB", "12-2", ""), ("1234ab", "12", "II")),
        (("1234 AB", "12 II", ""), ("1234AB", "12", "2")),
        (("1234AB", "12bis", ""), ("1234 ab", "12", "bis")),
        (("1234 AB", "12 A", ""), ("1234-ab", "12a", "")),
        (("1234 AB", "12", "2 hoog"), ("1234AB", "12-2", "")),
        (("1234 AB", "12 hs", ""), ("1234AB", "12", "H")),
    ],
)
def test_address_keys_match_across_variants(first, second):
    assert matching.address_key(*first) == matching.address_key(*second)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (("1234 AB", "12", ""), ("1234 AB", "12", "A")),  # no addition is not A
        (("1234 AB", "12", ""), ("1234 AB", "12", "H")),  # no addition is not "huis"
        (("1234 AB", "12", "2"), ("1234 AB", "12", "3")),
        (("1234 AB", "12", ""), ("1234 AC", "12", "")),
        (("1234 AB", "12", ""), ("1234 AB", "21", "")),
        (("1234 AB", "1", "2"), ("1234 AB", "12", "")),
    ],
)
def test_different_addresses_have_different_keys(first, second):
    assert matching.address_key(*first) != matching.address_key(*second)


def test_the_address_key_is_a_keyed_hash_not_the_address():
    key = matching.address_key("1234 AB", "12", "2")
    assert len(key) == 64 and "1234" not in key
    with override_settings(SIGNAL_MATCH_KEY="another-key-of-at-least-32-characters!!"):
        assert matching.address_key("1234 AB", "12", "2") != key


@pytest.mark.parametrize(
    ("surname", "tussenvoegsel"),
    [
        ("van der Berg", ""),
        ("Van Der Berg", ""),
        ("VAN DER BERG", ""),
        ("Berg", "van der"),
        ("Berg", "v.d."),
        ("Berg", "vd"),
        ("v.d. Berg", ""),
        ("v. d. Berg", ""),
        ("vd Berg", ""),
        ("v/d Berg", ""),
        ("V/D BERG", ""),
        ("Berg, van der", ""),
        ("Berg v.d.", ""),
        ("van den Berg", ""),
        ("  van   der  Berg ", ""),
    ],
)
def test_tussenvoegsel_variants_are_one_surname(surname, tussenvoegsel):
    assert matching.normalise_surname(surname, tussenvoegsel) == "berg"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Çelik", "celik"),
        ("Müller", "muller"),
        ("Şahin", "sahin"),
        ("Ĳzerman", "ijzerman"),
        ("IJzerman", "ijzerman"),
        ("Øster", "oster"),
        ("Groß", "gross"),
        ("Jansen-de Vries", "jansen vries"),
        ("Jansen - de Vries", "jansen vries"),
        ("de Vries", "vries"),
        ("in 't Veld", "veld"),
        ("in ’t Veld", "veld"),
        ("ter Horst", "horst"),
        ("d'Ancona", "ancona"),
        ("'s-Gravesande", "gravesande"),
        ("Van", "van"),  # a surname that is only a tussenvoegsel stays
        ("Bakker", "bakker"),
    ],
)
def test_surname_normalisation(typed, expected):
    assert matching.normalise_surname(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("Jan", "j"), ("J.", "j"), ("J.P.", "j"), ("jan pieter", "j"), ("Émile", "e"), ("", "")],
)
def test_first_initial(typed, expected):
    assert matching.first_initial(typed) == expected


def test_person_keys_match_across_variants_and_differ_by_birth_date():
    born = date(1980, 5, 1)
    keys = {
        matching.person_key("van der Berg", first_names="Jan", date_of_birth=born),
        matching.person_key("Berg", tussenvoegsel="v.d.", first_names="J.", date_of_birth=born),
        matching.person_key("BERG, VAN DER", first_names="j.p.", date_of_birth=born),
    }
    assert len(keys) == 1
    other = matching.person_key("van der Berg", first_names="Jan", date_of_birth=date(1981, 5, 1))
    assert other not in keys
    assert matching.person_key("", date_of_birth=None) == ""


def test_fold():
    assert matching.fold("Ça  Ö-Ü!") == "ca o u"
    assert matching.fold(None) == ""
