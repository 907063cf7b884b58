from datetime import date

import pytest

from maatwerk.journeys.calendar import (
    add_working_days,
    easter_sunday,
    holidays,
    is_working_day,
    overdue_from,
    working_days_between,
)


@pytest.mark.parametrize(
    ("year", "easter"),
    [(2024, date(2024, 3, 31)), (2025, date(2025, 4, 20)), (2026, date(2026, 4, 5)),
     (2027, date(2027, 3, 28)), (2038, date(2038, 4, 25))],
)  # fmt: skip
def test_easter(year, easter):
    assert easter_sunday(year) == easter


def test_dutch_holidays_2026():
    assert holidays(2026) == {
        date(2026, 1, 1),
        date(2026, 4, 3),  # Good Friday
        date(2026, 4, 6),  # Easter Monday
        date(2026, 4, 27),  # King's Day (a Monday)
        date(2026, 5, 5),
        date(2026, 5, 14),  # Ascension
        date(2026, 5, 25),  # Whit Monday
        date(2026, 12, 25),
        date(2026, 12, 26),
    }


def test_kings_day_moves_to_saturday_when_the_27th_is_a_sunday():
    assert date(2025, 4, 26) in holidays(2025) and date(2025, 4, 27) not in holidays(2025)


def test_add_working_days_skips_weekends_and_holidays():
    # Thursday 2 April 2026 + 1 working day: Good Friday, weekend, Easter Monday → Tuesday.
    assert add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 7)
    assert add_working_days(date(2026, 11, 20), 5) == date(2026, 11, 27)
    assert add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 28)


def test_due_friday_before_easter_monday_is_overdue_on_tuesday():
    due = date(2027, 3, 26)  # the Friday before Easter Monday 29 March 2027 (Good Friday)
    assert overdue_from(due) == date(2027, 3, 30)
    thursday = date(2027, 3, 25)
    assert overdue_from(thursday) == date(2027, 3, 30)


def test_extra_holidays_from_settings(settings):
    settings.EXTRA_HOLIDAYS = [date(2026, 5, 15)]  # the bridge day after Ascension
    assert not is_working_day(date(2026, 5, 15))
    assert add_working_days(date(2026, 5, 13), 1) == date(2026, 5, 18)


def test_working_days_between():
    assert working_days_between(date(2026, 4, 2), date(2026, 4, 8)) == 2
    assert working_days_between(date(2026, 4, 8), date(2026, 4, 2)) == 0
