"""parse_amount: money is parsed exactly (Decimal, whole cents) or refused with a code."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from maatwerk.core.money import MAX_AMOUNT, parse_amount


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("125,50", "125.50"),
        ("125.50", "125.50"),
        ("€ 125", "125.00"),
        ("€125,5", "125.50"),
        ("  42  ", "42.00"),
        ("0,01", "0.01"),
        ("+7", "7.00"),
        ("9999999999,99", "9999999999.99"),
        (Decimal("125.5"), "125.50"),
        (Decimal("125"), "125.00"),
        (Decimal("1E+2"), "100.00"),
        (Decimal("0.10"), "0.10"),
        (125, "125.00"),
        # Dutch thousands points with a decimal comma are unambiguous (issue 11).
        ("3.500,00", "3500.00"),
        ("3500,00", "3500.00"),
        ("3500.00", "3500.00"),
        ("1.234,56", "1234.56"),
        ("€ 1.234.567,8", "1234567.80"),
    ],
)
def test_accepted_forms(raw, expected):
    value = parse_amount(raw)
    assert isinstance(value, Decimal)
    assert value == Decimal(expected)
    # Always exactly two places: the same representation whatever was typed.
    assert value.as_tuple().exponent == -2
    assert str(value) == expected


def test_the_largest_amount_the_database_holds_is_accepted():
    assert parse_amount(MAX_AMOUNT) == MAX_AMOUNT
    assert parse_amount(str(MAX_AMOUNT)) == MAX_AMOUNT


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "required"),
        ("   ", "required"),
        ("€", "required"),
        (None, "required"),
        ("abc", "invalid"),
        ("12 euro", "invalid"),
        ("12,-", "invalid"),
        ("1.23,56", "invalid"),
        ("12.34,56", "invalid"),
        ("1.2345,00", "invalid"),
        ("1 2 5", "invalid"),
        ("1,234.56", "invalid"),
        ("1.234.567", "invalid"),
        ("1e5", "invalid"),
        (",50", "invalid"),
        ("12,", "invalid"),
        (Decimal("NaN"), "invalid"),
        (Decimal("Infinity"), "invalid"),
        ("0", "zero"),
        ("0,00", "zero"),
        ("-0", "zero"),
        (Decimal("0"), "zero"),
        ("-5", "negative"),
        ("-0,01", "negative"),
        (Decimal("-12.50"), "negative"),
        (Decimal("-1.005"), "negative"),
        ("12,345", "decimals"),
        ("0,001", "decimals"),
        ("1.000", "ambiguous"),  # one thousand or one? Never guessed.
        ("12.500", "ambiguous"),
        ("1.234,567", "decimals"),
        (Decimal("1.005"), "decimals"),
        (Decimal("1E-10"), "decimals"),
        ("10000000000", "too_large"),
        ("9999999999,999", "too_large"),
        (MAX_AMOUNT + Decimal("0.01"), "too_large"),
        (Decimal("1E+20"), "too_large"),
    ],
)
def test_errors_have_a_specific_code(raw, code):
    with pytest.raises(ValidationError) as caught:
        parse_amount(raw)
    assert caught.value.code == code
    assert caught.value.messages  # a message for the form field, never empty


def test_each_error_has_its_own_message():
    messages = {}
    for raw in ["", "abc", "0", "-1", "1,001", "10000000000", "1.000"]:
        with pytest.raises(ValidationError) as caught:
            parse_amount(raw)
        messages[caught.value.code] = caught.value.messages[0]
    assert set(messages) == {
        "required",
        "invalid",
        "zero",
        "negative",
        "decimals",
        "too_large",
        "ambiguous",
    }
    assert len(set(messages.values())) == 7


def test_english_grouping_is_refused_with_an_example():
    with pytest.raises(ValidationError) as caught:
        parse_amount("1,234.56")
    assert "1250,50" in caught.value.messages[0]


def test_an_ambiguous_point_names_both_readings():
    with pytest.raises(ValidationError) as caught:
        parse_amount("3.500")
    assert "3500" in caught.value.messages[0]
    assert "3,50" in caught.value.messages[0]


def test_zero_is_allowed_only_when_asked():
    assert parse_amount("0", allow_zero=True) == Decimal("0.00")
    assert parse_amount(Decimal("0"), allow_zero=True) == Decimal("0.00")
    with pytest.raises(ValidationError) as caught:
        parse_amount("-1", allow_zero=True)
    assert caught.value.code == "negative"
