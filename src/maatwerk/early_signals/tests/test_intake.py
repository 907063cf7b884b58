"""intake_signals: deduplication, bundling by address, deadlines, placement, the log."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings

from maatwerk.audit.models import AccessLogEntry
from maatwerk.early_signals import services
from maatwerk.early_signals.models import (
    Bundle,
    Rule,
    RuleVersion,
    Signal,
    SignalChange,
    Tray,
)

from .conftest import TODAY, row

pytestmark = pytest.mark.django_db


def intake(rows, creditor, team, today=TODAY):
    return services.intake_signals(rows, creditor=creditor, team=team, today=today)


def test_a_new_signal_opens_a_bundle_with_its_figures_and_deadline(creditor, team):
    result = intake([row()], creditor, team)
    assert (result.created, result.updated, result.bundles_created) == (1, 0, 1)
    bundle = Bundle.objects.get()
    assert bundle.signal_count == 1 and bundle.creditor_count == 1
    assert bundle.total_amount == Decimal("850.00") and bundle.max_months == 1
    assert bundle.first_signal_on == date(2027, 2, 20)
    # Received Monday 1 March 2027: four weeks is Monday 29 March, Easter Monday, so
    # the deadline moves to the next working day.
    assert bundle.contact_due_on == date(2027, 3, 30)
    assert bundle.threatening is False


def test_the_personal_details_are_encrypted_in_the_database(creditor, team):
    intake([row()], creditor, team)
    with connection.cursor() as cursor:
        cursor.execute("SELECT surname, postcode, house_number FROM early_signals_signal")
        stored = cursor.fetchone()
    assert "Berg" not in stored[0] and "1234" not in stored[1] and stored[2] != "12"
    signal = Signal.objects.get()
    assert (signal.surname, signal.postcode, signal.house_number) == (
        "van der Berg",
        "1234 AB",
        "12",
    )
    assert "1234" not in signal.address_key


def test_the_same_creditor_and_reference_updates_the_signal_and_keeps_its_history(creditor, team):
    intake([row()], creditor, team)
    result = intake(
        [row(bedrag="1.200,00", maanden_achterstand="2", signaaldatum="2027-03-01")],
        creditor,
        team,
        today=date(2027, 3, 2),
    )
    assert (result.created, result.updated) == (0, 1)
    signal = Signal.objects.get()
    assert signal.amount == Decimal("1200.00") and signal.months_in_arrears == 2
    assert signal.version == 2
    change = SignalChange.objects.get()
    assert (change.version, change.amount, change.months_in_arrears) == (1, Decimal("850.00"), 1)
    assert change.signal_date == date(2027, 2, 20)
    bundle = Bundle.objects.get()
    assert bundle.signal_count == 1 and bundle.total_amount == Decimal("1200.00")
    assert bundle.max_months == 2
    # The deadline of the first delivery stands: a new delivery does not postpone it.
    assert bundle.contact_due_on == date(2027, 3, 30)


def test_the_same_reference_of_another_creditor_is_another_signal(creditor, energy, team):
    intake([row()], creditor, team)
    intake([row(type="electricity")], energy, team)
    assert Signal.objects.count() == 2
    bundle = Bundle.objects.get()  # the same address: one bundle
    assert bundle.signal_count == 2 and bundle.creditor_count == 2
    assert bundle.total_amount == Decimal("1700.00")


def test_signals_for_the_same_address_written_differently_form_one_bundle(creditor, energy, team):
    intake([row()], creditor, team)
    intake(
        [
            row(
                referentie="E-9",
                type="gas",
                achternaam="Berg",
                tussenvoegsel="v.d.",
                postcode="1234ab",
                huisnummer="12",
            )
        ],
        energy,
        team,
    )
    assert Bundle.objects.count() == 1


def test_house_number_additions_written_differently_are_one_address(creditor, energy, team):
    intake([row(huisnummer="12-2")], creditor, team)
    intake([row(referentie="E-1", huisnummer="12", toevoeging="II")], energy, team)
    intake([row(referentie="E-2", huisnummer="12 3")], energy, team)
    assert Bundle.objects.count() == 2
    assert sorted(Bundle.objects.values_list("signal_count", flat=True)) == [1, 2]


def test_a_signal_outside_the_window_opens_a_new_bundle(creditor, energy, team):
    with override_settings(SIGNAL_BUNDLE_DAYS=30):
        intake([row(signaaldatum="2026-12-01")], creditor, team)
        intake([row(referentie="E-1", signaaldatum="2027-02-20")], energy, team)
    assert Bundle.objects.count() == 2


def test_a_signal_for_a_closed_bundle_opens_a_new_one(creditor, energy, team):
    intake([row()], creditor, team)
    Bundle.objects.update(outcome="declined", status="closed")
    intake([row(referentie="E-1")], energy, team)
    assert Bundle.objects.count() == 2


def test_bundles_are_per_team(creditor, team):
    from maatwerk.testing.factories import TeamFactory

    intake([row()], creditor, team)
    intake([row(referentie="R-2")], creditor, TeamFactory())
    assert Bundle.objects.count() == 2


def test_several_rows_for_one_address_in_one_delivery_form_one_bundle(creditor, team):
    result = intake([row(), row(referentie="R-2", huisnummer="12", toevoeging="")], creditor, team)
    assert result.bundles_created == 1
    assert Bundle.objects.get().signal_count == 2


def test_a_reference_twice_in_one_delivery_is_refused_and_nothing_is_stored(creditor, team):
    with pytest.raises(ValidationError) as error:
        intake([row(), row(bedrag="10")], creditor, team)
    assert error.value.message_dict["referentie"]
    assert not Signal.objects.exists() and not Bundle.objects.exists()


def test_an_update_to_another_address_moves_the_signal(creditor, team):
    intake([row(), row(referentie="R-2")], creditor, team)
    intake([row(referentie="R-2", postcode="5678 CD")], creditor, team)
    counts = sorted(Bundle.objects.values_list("signal_count", flat=True))
    assert counts == [1, 1]


def test_a_threatening_signal_shortens_the_bundles_deadline(creditor, team):
    intake([row()], creditor, team)
    intake([row(referentie="R-2", type="eviction_announced", bedrag="")], creditor, team)
    bundle = Bundle.objects.get()
    assert bundle.threatening
    # Three working days after Monday 1 March 2027: Thursday 4 March.
    assert bundle.contact_due_on == date(2027, 3, 4)


def test_the_intake_is_logged_once_without_personal_data(creditor, team):
    before = AccessLogEntry.objects.count()
    intake([row(), row(referentie="R-2", postcode="5678 CD")], creditor, team)
    entry = AccessLogEntry.objects.order_by("-id").first()
    assert AccessLogEntry.objects.count() == before + 1
    assert entry.processing_activity == "early_signals" and entry.action == "create"
    assert "2 new" in entry.detail and "Berg" not in entry.detail


def test_rules_place_the_bundle_and_record_their_version(creditor, energy, team):
    urgent = Tray.objects.create(name="Urgent", order=1)
    several = Tray.objects.create(name="Meerdere schuldeisers", order=2)
    version = RuleVersion.objects.create(number=1)
    Rule.objects.create(
        version=version, position=1, name="dreigend", tray=urgent, priority=1, threatening=True
    )
    Rule.objects.create(
        version=version, position=2, name="meer", tray=several, priority=2, min_creditors=2
    )
    intake([row()], creditor, team)
    bundle = Bundle.objects.get()
    assert bundle.tray is None and bundle.priority == 9 and bundle.rule_version == version
    intake([row(referentie="E-1", type="gas")], energy, team)
    bundle.refresh_from_db()
    assert (bundle.tray, bundle.priority) == (several, 2)
    assert bundle.rule.name == "meer" and bundle.rule_version == version
    intake([row(referentie="E-2", type="disconnection_announced", bedrag="")], energy, team)
    bundle.refresh_from_db()
    assert (bundle.tray, bundle.priority, bundle.rule.name) == (urgent, 1, "dreigend")


def test_an_inactive_creditor_is_refused(creditor, team):
    creditor.active = False
    creditor.save()
    with pytest.raises(ValidationError):
        intake([row()], creditor, team)


def test_the_intake_is_set_based(creditor, team, django_assert_max_num_queries):
    intake([row(referentie=f"R-{n}", huisnummer=str(n)) for n in range(1, 4)], creditor, team)
    many = [row(referentie=f"R-{n}", huisnummer=str(n)) for n in range(1, 60)]
    with django_assert_max_num_queries(25):
        intake(many, creditor, team)
    assert Signal.objects.count() == 59
