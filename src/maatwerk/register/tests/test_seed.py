import json
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection

from maatwerk.register.models import (
    EscalationStep,
    LegalGround,
    LifeDomain,
    Organisation,
    ReferenceCost,
    Regulation,
)
from maatwerk.register.seed import seed_reference_lists, seed_register

pytestmark = pytest.mark.django_db
SCHEMA = Path(__file__).resolve().parents[4].parent / "shared/spec/maatwerk-case-1.schema.json"


def test_reference_lists_exist_after_migrate():
    codes = set(LifeDomain.objects.values_list("code", flat=True))
    assert codes == {
        "finances",
        "income_work",
        "housing",
        "physical_health",
        "mental_health",
        "addiction",
        "parenting_family",
        "safety",
        "justice",
        "education",
        "residence_status",
    }
    assert LegalGround.objects.filter(code="awb-4-84", article="art. 4:84").exists()
    assert ReferenceCost.objects.filter(code="eviction", amount__gt=0).exists()


@pytest.mark.skipif(not SCHEMA.exists(), reason="shared/spec not next to the checkout")
def test_life_domain_codes_match_the_exchange_format():
    text = SCHEMA.read_text()
    schema = json.loads(text)
    codes = set(LifeDomain.objects.values_list("code", flat=True))
    for code in codes:
        assert f'"{code}"' in text, code
    assert schema


def test_seeding_never_overwrites_edits():
    housing = LifeDomain.objects.get(code="housing")
    housing.name_nl = "Wonen en huisvesting"
    housing.save()
    seed_reference_lists()
    housing.refresh_from_db()
    assert housing.name_nl == "Wonen en huisvesting"


def test_register_seed_is_idempotent_and_fictitious():
    seed_register()
    counts = (Organisation.objects.count(), EscalationStep.objects.count())
    seed_register()
    assert (Organisation.objects.count(), EscalationStep.objects.count()) == counts
    for name in ["UWV", "SVB", "CAK", "CJIB", "DUO", "Belastingdienst/Toeslagen"]:
        organisation = Organisation.objects.get(name=name)
        assert organisation.email.endswith(".example.org")
        assert organisation.phone.startswith("+31 20 000")
        levels = list(organisation.escalation_steps.values_list("level", flat=True))
        assert levels == [1, 2, 3, 4]
        for contact in organisation.contacts.all():
            assert contact.email.endswith(".example.org")


def test_the_wajong_typo_is_corrected_where_it_was_seeded_and_kept_where_changed():
    fix = import_module("maatwerk.register.migrations.0002_wajong_name_typo")
    wajong = Regulation.objects.get(code="wajong")
    assert "arbeidsongeschiktheids" in wajong.name  # the seed is right now
    Regulation.objects.filter(pk=wajong.pk).update(name=fix.TYPO)
    fix.fix(apps, connection.schema_editor())
    assert Regulation.objects.get(pk=wajong.pk).name == fix.RIGHT
    Regulation.objects.filter(pk=wajong.pk).update(name="Wajong (eigen naam)")
    fix.fix(apps, connection.schema_editor())
    assert Regulation.objects.get(pk=wajong.pk).name == "Wajong (eigen naam)"
