"""Voices and audiences (docs/privacy.md): the printable plan of the demo's domestic
violence case (primer example 5), printed for every reader, holds only what that reader
may hear — the defect of issue 10 was the whole household's copy printing the
partner's words and the safety text without saying whose they were.

Every output is searched as text: the HTML the PDF is made from and the PDF itself
(pypdf). Each forbidden text is also shown to be found where it is allowed, so that a
passing "not in" cannot come from text the PDF reader failed to extract."""

import importlib
import io
import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from maatwerk.accounts.models import User
from maatwerk.audit.models import AccessLogEntry, Action
from maatwerk.cases.audience import (
    Reader,
    may_hear,
    plan_excerpt_for_organisation,
    plan_for_audience,
    plan_readers,
    shared_perspective,
)
from maatwerk.cases.models import (
    Audience,
    Case,
    EmergencyAccess,
    Goal,
    HouseholdIdentity,
    MemberIdentity,
    Perspective,
    PlanAction,
    PlanVersion,
)
from maatwerk.cases.plans import (
    ActionInput,
    GoalInput,
    PlanContent,
    plan_save_version,
    plan_state,
)
from maatwerk.cases.services import perspective_record
from maatwerk.demo.cases import debt_and_violence as story

# One worker for the module: its demo is loaded once (conftest: module_demo).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo:cases_audiences")]

PARTNER = story.PARTNER
HER_WORDS = "Ik wil niet dat hij weet waar wij wonen als het weer misgaat"
SAFETY_LINE = "adres van moeder wordt niet gedeeld"
# Only for the partner (her voice, her plan and its agreement).
MEMBER_ONLY = [
    HER_WORDS,
    "Als hij boos wordt, ben ik bang.",
    "veiligheidsplan met een vluchtadres dat alleen de partner kent",
    "Hij hoeft niet te weten waar ik naartoe ga.",
    "Veilig thuis",  # the title of her plan
]
# For the professionals only (the safety texts, an action of the debts plan).
PROFESSIONALS_ONLY = [
    SAFETY_LINE,
    "Veilig Thuis is om advies gevraagd.",
    "de wijkagent eerst naar de partner",
]
# Direct identifiers: hers (her own address) and the household's. Never printed.
IDENTIFIERS = ["Zonnebloemstraat", "3512 AB", "Samira Bakker", "Dorpsstraat", "Jan Bakker"]
HOUSEHOLD_WORDS = "We willen dat de schulden stoppen met groeien."
DEBTS_PLAN = "Eerst praten over de schulden"
SAFE_PLAN = "Veilig thuis"


def flat(text: str) -> str:
    return " ".join(text.split())


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-"), data[:20]
    return flat("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def html_text(printed) -> str:
    html = render_to_string("cases/plan_print.html", {"printed": printed})
    return flat(re.sub(r"<[^>]+>", " ", html))


@pytest.fixture(scope="module")
def demo_story(module_demo, django_db_blocker):
    """The demo (once per module: conftest's module_demo) with the identities of the
    story's household and partner."""
    with django_db_blocker.unblock():
        case = Case.objects.get(plans__title=DEBTS_PLAN)
        HouseholdIdentity.objects.create(
            household=case.household, names="Jan Bakker", street="Dorpsstraat", house_number="3"
        )
        MemberIdentity.objects.create(
            household=case.household,
            member=PARTNER,
            names="Samira Bakker",
            street="Zonnebloemstraat",
            house_number="7",
            postcode="3512 AB",
            city="Utrecht",
        )


@pytest.fixture
def demo(demo_story, db):
    case = Case.objects.get(plans__title=DEBTS_PLAN)
    return {
        "case": case,
        "professional": User.objects.get(username="professional2"),  # Buurtteam Overvecht
        "debts": case.plans.get(title=DEBTS_PLAN),
        "safe": case.plans.get(title=SAFE_PLAN),
    }


def test_the_demo_story_holds_the_sentences_of_the_defect(demo):
    case = demo["case"]
    assert case.safety_concern
    hers = Perspective.objects.filter(case=case, member=PARTNER).order_by("-version").first()
    assert HER_WORDS in hers.text and hers.audience == Audience.MEMBER
    household = Perspective.objects.get(case=case, member="", version=1)
    assert household.audience == Audience.HOUSEHOLD
    for version in PlanVersion.objects.filter(plan__case=case):
        assert SAFETY_LINE in version.safety
        assert version.safety_audience == Audience.PROFESSIONALS
    debts = demo["debts"].versions.get()
    assert debts.audience == Audience.HOUSEHOLD
    assert {a.audience for a in debts.actions.all()} == {
        Audience.HOUSEHOLD,
        Audience.PROFESSIONALS,
    }
    safe = demo["safe"].versions.get()
    assert safe.audience == Audience.MEMBER
    assert {g.audience for g in safe.goals.all()} == {Audience.MEMBER}


def test_who_may_print_which_plan(demo):
    case = demo["case"]
    debts = plan_state(demo["debts"]).version
    safe = plan_state(demo["safe"]).version
    assert plan_readers(case, debts) == [Reader.household(), Reader.member(PARTNER)]
    # Her own plan is for her only: it cannot be printed for the whole household.
    assert plan_readers(case, safe) == [Reader.member(PARTNER)]


def printed_copies(demo):
    """Every printable plan of the case, for every reader it may be printed for."""
    case = demo["case"]
    copies = []
    for plan in (demo["debts"], demo["safe"]):
        state = plan_state(plan)
        for reader in plan_readers(case, state.version):
            copies.append((plan.title, reader, plan_for_audience(case, state, reader)))
    return copies


def test_every_printed_copy_holds_only_what_its_reader_may_hear(demo, client, login):
    login(demo["professional"])
    case = demo["case"]
    copies = printed_copies(demo)
    assert [(title, reader) for title, reader, _p in copies] == [
        (DEBTS_PLAN, Reader.household()),
        (DEBTS_PLAN, Reader.member(PARTNER)),
        (SAFE_PLAN, Reader.member(PARTNER)),
    ]
    for title, reader, printed in copies:
        plan = demo["debts"] if title == DEBTS_PLAN else demo["safe"]
        response = client.post(
            reverse("cases:plan_pdf", args=[case.pk, plan.pk]),
            {"for": reader.key, "digest": printed.digest, "confirm": "on"},
        )
        assert response["Content-Type"] == "application/pdf", response.content[:300]
        for text in (html_text(printed), pdf_text(response.content)):
            where = f"{title} for {reader.label}"
            for secret in [*PROFESSIONALS_ONLY, *IDENTIFIERS]:
                assert secret not in text, (where, secret)
            if reader == Reader.household():
                assert "Voor: het hele huishouden" in text, where
                for secret in MEMBER_ONLY:
                    assert secret not in text, (where, secret)
            else:
                assert f"Voor: {PARTNER}" in text, where
                assert HER_WORDS in text, where  # her own words are in her copy
            if title == SAFE_PLAN:
                # Her copy of her own plan holds all of her pieces: the search for them
                # in the other copies searches text the PDF reader does extract.
                for allowed in MEMBER_ONLY:
                    assert allowed in text, (where, allowed)
            assert HOUSEHOLD_WORDS in text, where  # the whole household's words in each


def test_the_professionals_texts_are_found_where_they_are_allowed(demo, client, login):
    """The search above could pass for text the PDF reader fails to extract: the same
    sentences are found in a PDF that may hold them (her copy of a new version of her
    plan, with its safety text and that action chosen for her)."""
    login(demo["professional"])
    case = demo["case"]
    safe = plan_state(demo["safe"]).version
    version = plan_save_version(
        request=None,
        user=demo["professional"],
        case=case,
        plan=demo["safe"],
        based_on=safe.number,
        content=PlanContent(
            title=SAFE_PLAN,
            serves_member=PARTNER,
            goals=[GoalInput(goal.text, goal.perspective_sentence) for goal in safe.goals.all()],
            actions=[ActionInput(story.SAFETY_NETWORK)],
            safety=safe.safety,
            safety_audience=Audience.MEMBER,
        ),
    )
    state = plan_state(demo["safe"])
    assert state.version == version
    printed = plan_for_audience(case, state, Reader.member(PARTNER))
    response = client.post(
        reverse("cases:plan_pdf", args=[case.pk, demo["safe"].pk]),
        {"for": printed.reader.key, "digest": printed.digest, "confirm": "on"},
    )
    text = pdf_text(response.content)
    for allowed in [HER_WORDS, *PROFESSIONALS_ONLY]:
        assert allowed in text, allowed


def test_printing_for_the_household_with_a_safety_concern_needs_the_confirmed_preview(
    demo, client, login
):
    login(demo["professional"])
    case, plan = demo["case"], demo["debts"]
    url = reverse("cases:plan_pdf", args=[case.pk, plan.pk])
    preview = client.get(url, {"for": "household", "version": 1})
    assert preview["Content-Type"].startswith("text/html")
    printed = preview.context["printed"]
    page = flat(preview.content.decode())
    # Every piece that will be printed is listed with its text; what is left out is
    # named (whose it is and who may hear it), and nothing is exported yet.
    included = [piece.ref for piece in printed.included]
    assert included[0].startswith("perspective") and "goal 1" in included
    assert {piece.kind for piece in printed.left_out} >= {"perspective", "action", "safety"}
    assert page.count('data-testid="included-piece"') == len(printed.included)
    assert page.count('data-testid="left-out-piece"') == len(printed.left_out)
    assert not AccessLogEntry.objects.filter(action=Action.EXPORT).exists()
    # Without ticking the confirmation: the preview again, with a field error.
    again = client.post(url, {"for": "household", "version": 1, "digest": printed.digest})
    assert again["Content-Type"].startswith("text/html")
    assert again.context["confirm"].errors["confirm"]
    # A confirmation of other content (the perspective changed since): refused too.
    stale = client.post(
        url, {"for": "household", "version": 1, "digest": "0" * 64, "confirm": "on"}
    )
    assert stale["Content-Type"].startswith("text/html")
    assert stale.context["confirm"].errors["confirm"]
    assert not AccessLogEntry.objects.filter(action=Action.EXPORT).exists()
    response = client.post(
        url, {"for": "household", "version": 1, "digest": printed.digest, "confirm": "on"}
    )
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].endswith('-huishouden.pdf"')
    export = AccessLogEntry.objects.get(action=Action.EXPORT)
    assert export.household == case.household.pseudonym
    assert export.object_type == "cases.planversion"
    assert export.object_id == str(printed.version_id)
    assert "for household" in export.detail and "confirmed after preview" in export.detail
    for ref in included:
        assert ref in export.detail
    # The log names the pieces, never their text.
    for secret in [HER_WORDS, SAFETY_LINE, HOUSEHOLD_WORDS, PARTNER]:
        assert secret not in export.detail


def test_a_confirmation_no_longer_holds_when_the_content_changed(demo, client, login):
    login(demo["professional"])
    case, plan = demo["case"], demo["debts"]
    url = reverse("cases:plan_pdf", args=[case.pk, plan.pk])
    printed = client.get(url, {"for": "household"}).context["printed"]
    perspective_record(
        request=None,
        user=demo["professional"],
        case=case,
        text="Wij willen samen een oplossing.",
        confirmation="conversation",
        recorded_on=case.opened_on,
        based_on_version=1,
        member="",
    )
    response = client.post(url, {"for": "household", "digest": printed.digest, "confirm": "on"})
    assert response["Content-Type"].startswith("text/html")
    assert response.context["printed"].digest != printed.digest
    assert "Wij willen samen een oplossing." in flat(response.content.decode())
    assert not AccessLogEntry.objects.filter(action=Action.EXPORT).exists()


def test_her_plan_cannot_be_printed_for_the_whole_household(demo, client, login):
    login(demo["professional"])
    case, plan = demo["case"], demo["safe"]
    url = reverse("cases:plan_pdf", args=[case.pk, plan.pk])
    for asked in ("household", "member:Iemand anders", "member:", "everyone"):
        response = client.get(url, {"for": asked})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/html")
        assert response.context["form"].errors["for"], asked
        assert "printed" not in response.context
    page = client.get(reverse("cases:plan_detail", args=[case.pk, plan.pk])).content.decode()
    assert 'value="household"' not in page
    assert f'value="member:{PARTNER}"' in page
    assert not AccessLogEntry.objects.filter(action=Action.EXPORT).exists()


def test_without_a_safety_concern_the_copy_is_printed_at_once_and_logged(demo, client, login):
    login(demo["professional"])
    case, plan = demo["case"], demo["debts"]
    Case.objects.filter(pk=case.pk).update(safety_concern=False)
    response = client.get(
        reverse("cases:plan_pdf", args=[case.pk, plan.pk]), {"for": f"member:{PARTNER}"}
    )
    assert response["Content-Type"] == "application/pdf"
    assert HER_WORDS in pdf_text(response.content)
    export = AccessLogEntry.objects.get(action=Action.EXPORT)
    voice = Perspective.objects.get(case=case, member=PARTNER, version=1)
    assert f"for member voice {voice.pk}" in export.detail
    assert "confirmed" not in export.detail
    # A posted fingerprint that is not this content's is not logged as a confirmation.
    client.post(
        reverse("cases:plan_pdf", args=[case.pk, plan.pk]),
        {"for": "household", "digest": "0" * 64, "confirm": "on"},
    )
    assert "confirmed" not in (
        AccessLogEntry.objects.filter(action=Action.EXPORT).order_by("id").last().detail
    )


def test_the_pages_of_the_team_say_whose_each_piece_is_and_who_may_hear_it(demo, client, login):
    login(demo["professional"])
    case = demo["case"]
    page = flat(client.get(reverse("cases:case_detail", args=[case.pk])).content.decode())
    assert f"Van: {PARTNER} · mag horen: alleen {PARTNER}" in page
    assert "Van: het hele huishouden · mag horen: het hele huishouden" in page
    # A plan for her alone starts with her voice (and its safe defaults) chosen.
    assert f"plans/new/?serves_member={PARTNER.replace(' ', '%20')}" in page
    plan = flat(
        client.get(reverse("cases:plan_detail", args=[case.pk, demo["debts"].pk])).content.decode()
    )
    assert "Van: het hele huishouden · mag horen: alleen de professionals" in plan
    assert "Afdrukken voor" in plan


def test_her_own_details_are_for_the_owning_team_only(demo, client, login, make_user):
    login(demo["professional"])
    case = demo["case"]
    url = reverse("cases:identity_edit", args=[case.pk])
    page = client.get(url)
    assert [name for name, _protected in page.context["members"]] == [PARTNER]
    assert f"?member={PARTNER.replace(' ', '%20')}" in page.content.decode()
    hers = client.get(url, {"member": PARTNER})
    assert hers.context["form"]["street"].value() == "Zonnebloemstraat"
    response = client.post(
        f"{url}?member={PARTNER}",
        {
            "member": PARTNER,
            "loaded_version": 1,
            "names": "Samira Bakker",
            "street": "Zonnebloemstraat",
            "house_number": "9",
            "postcode": "3512ab",
            "city": "Utrecht",
            "protected_address": "on",
        },
    )
    assert response.status_code == 302
    identity = MemberIdentity.objects.get(household=case.household, member=PARTNER)
    assert identity.house_number == "9" and identity.postcode == "3512 AB"
    assert identity.protected_address and identity.version == 2
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT street, postcode, names FROM {MemberIdentity._meta.db_table} WHERE id = %s",
            [identity.pk],
        )
        raw = " ".join(str(value) for value in cursor.fetchone())
    for plain in ("Zonnebloemstraat", "3512 AB", "Samira"):
        assert plain not in raw  # encrypted at rest
    row = AccessLogEntry.objects.get(object_type="cases.memberidentity")
    voice = Perspective.objects.get(case=case, member=PARTNER, version=1)
    assert row.detail == f"member voice {voice.pk}; fields: house_number,postcode"
    # Not a voice of this case, or the whole household: no such page.
    assert client.get(url, {"member": "Iemand anders"}).status_code == 404
    # Someone outside the team, and an admin through break-the-glass (who may read the
    # case), never.
    admin = make_user("admin")
    now = timezone.now()
    EmergencyAccess.objects.create(
        user=admin,
        case=case,
        reason="test: the case manager is ill today",
        started_at=now,
        expires_at=now + timedelta(hours=1),
    )
    for user in (make_user("professional"), admin):
        client.logout()
        login(user, verified=True)
        assert client.get(url, {"member": PARTNER}).status_code == 404
    assert client.get(reverse("cases:case_detail", args=[case.pk])).status_code == 200


# --- Defaults and rules -----------------------------------------------------------------


def test_safe_defaults_when_nobody_chooses(demo):
    case, user = demo["case"], demo["professional"]
    voice = perspective_record(
        request=None,
        user=user,
        case=case,
        text="Ik wil rust.",
        confirmation="conversation",
        recorded_on=case.opened_on,
        based_on_version=0,
        member="Oudste zoon",
    )
    assert voice.audience == Audience.MEMBER
    version = plan_save_version(
        request=None,
        user=user,
        case=case,
        plan=None,
        based_on=0,
        content=PlanContent(
            title="Rust voor de zoon",
            serves_member="Oudste zoon",
            goals=[GoalInput("Een eigen kamer")],
            actions=[ActionInput("Gesprek op school")],
            safety="Alleen op school spreken.",
        ),
    )
    assert version.audience == Audience.MEMBER
    assert version.safety_audience == Audience.PROFESSIONALS
    assert [g.audience for g in version.goals.all()] == [Audience.MEMBER]
    assert [a.audience for a in version.actions.all()] == [Audience.MEMBER]
    # A row written without an audience at all is for the professionals only.
    assert Goal._meta.get_field("audience").default == Audience.PROFESSIONALS
    assert Perspective._meta.get_field("audience").default == Audience.PROFESSIONALS
    assert PlanAction._meta.get_field("audience").default == Audience.PROFESSIONALS


@pytest.mark.parametrize(
    ("voice", "changes", "field"),
    [
        (PARTNER, {"safety_audience": Audience.HOUSEHOLD}, "safety_audience"),
        ("", {"safety_audience": Audience.MEMBER}, "safety_audience"),
        ("", {"audience": Audience.MEMBER}, "audience"),
        ("", {"goal": Audience.MEMBER}, "goals"),
        ("", {"action": "everyone"}, "actions"),
    ],
)
def test_impossible_audiences_are_refused_and_nothing_is_saved(demo, voice, changes, field):
    case = demo["case"]
    before = PlanVersion.objects.count()
    content = PlanContent(
        title="Nog een plan",
        serves_member=voice,
        goals=[GoalInput("Doel", audience=changes.get("goal", ""))],
        actions=[ActionInput("Actie", audience=changes.get("action", ""))],
        safety="Veilig.",
        audience=changes.get("audience", ""),
        safety_audience=changes.get("safety_audience", Audience.PROFESSIONALS),
    )
    with pytest.raises(ValidationError) as error:
        plan_save_version(
            request=None,
            user=demo["professional"],
            case=case,
            plan=None,
            based_on=0,
            content=content,
        )
    assert field in error.value.message_dict
    assert PlanVersion.objects.count() == before


def test_the_database_refuses_a_safety_text_for_the_whole_household(demo):
    version = PlanVersion.objects.filter(plan__case=demo["case"]).first()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {PlanVersion._meta.db_table} SET safety_audience = %s WHERE id = %s",
            [Audience.HOUSEHOLD, version.pk],
        )


def test_the_database_refuses_the_whole_households_words_for_one_member(demo):
    with pytest.raises(IntegrityError), transaction.atomic():
        Perspective.objects.create(
            case=demo["case"],
            member="",
            version=99,
            text="Wij.",
            audience=Audience.MEMBER,
            recorded_on=demo["case"].opened_on,
            confirmation="conversation",
            recorded_by=demo["professional"],
        )


@pytest.mark.parametrize(
    ("reader", "audience", "voice", "heard"),
    [
        (Reader.household(), Audience.HOUSEHOLD, "", True),
        (Reader.household(), Audience.HOUSEHOLD, PARTNER, True),  # she chose to share
        (Reader.household(), Audience.MEMBER, PARTNER, False),
        (Reader.household(), Audience.PROFESSIONALS, "", False),
        (Reader.member(PARTNER), Audience.MEMBER, PARTNER, True),
        (Reader.member(PARTNER), Audience.MEMBER, "Oudste zoon", False),
        (Reader.member(PARTNER), Audience.MEMBER, "", False),
        (Reader.member(PARTNER), Audience.PROFESSIONALS, PARTNER, False),
        (Reader.member(PARTNER), "", PARTNER, False),  # unknown: nobody outside the team
        (Reader.professionals(), Audience.PROFESSIONALS, "", True),
    ],
)
def test_may_hear(reader, audience, voice, heard):
    assert may_hear(reader, audience, voice) is heard


def test_what_an_organisation_may_get_at_most(demo):
    case, user = demo["case"], demo["professional"]
    excerpt = plan_excerpt_for_organisation(case)
    assert excerpt.startswith(f"{DEBTS_PLAN}:")
    for secret in [*MEMBER_ONLY, *PROFESSIONALS_ONLY]:
        assert secret not in excerpt
    assert shared_perspective(case.pk).member == ""
    # A newest whole-household version for the professionals only: no perspective at
    # all is shared (not an older one).
    perspective_record(
        request=None,
        user=user,
        case=case,
        text="Alleen voor jullie.",
        confirmation="conversation",
        recorded_on=case.opened_on,
        based_on_version=1,
        audience=Audience.PROFESSIONALS,
    )
    assert shared_perspective(case.pk) is None


# --- The forms --------------------------------------------------------------------------


def test_the_plan_form_preselects_the_safe_choice_of_its_voice(demo, client, login):
    login(demo["professional"])
    case = demo["case"]
    url = reverse("cases:plan_create", args=[case.pk])
    household = client.get(url).context
    assert household["form"]["audience"].value() == Audience.HOUSEHOLD
    assert household["form"]["safety_audience"].value() == Audience.PROFESSIONALS
    assert household["goals"].forms[0]["audience"].value() == Audience.HOUSEHOLD
    assert [c for c, _l in household["form"].fields["safety_audience"].choices] == [
        Audience.PROFESSIONALS
    ]
    hers = client.get(url, {"serves_member": PARTNER}).context
    assert hers["form"]["serves_member"].value() == PARTNER
    assert hers["form"]["audience"].value() == Audience.MEMBER
    assert hers["goals"].forms[0]["audience"].value() == Audience.MEMBER
    assert hers["actions"].forms[0]["audience"].value() == Audience.MEMBER
    assert Audience.HOUSEHOLD not in {c for c, _l in hers["form"].fields["safety_audience"].choices}


def test_a_plan_switched_to_another_voice_is_shown_again_with_its_defaults(demo, client, login):
    login(demo["professional"])
    case = demo["case"]
    before = PlanVersion.objects.count()
    data = {
        "title": "Apart plan",
        "serves_member": PARTNER,
        "rendered_voice": "",  # the page offered the whole household's choices
        "audience": Audience.HOUSEHOLD,
        "safety": "Veilig.",
        "safety_audience": Audience.PROFESSIONALS,
        "based_on": 0,
        "goals-TOTAL_FORMS": "1",
        "goals-INITIAL_FORMS": "0",
        "goals-0-text": "Een eigen adres",
        "goals-0-audience": Audience.HOUSEHOLD,
        "actions-TOTAL_FORMS": "0",
        "actions-INITIAL_FORMS": "0",
        "costs-TOTAL_FORMS": "0",
        "costs-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("cases:plan_create", args=[case.pk]), data)
    assert response.status_code == 200
    assert PlanVersion.objects.count() == before
    assert response.context["form"].non_field_errors()
    assert response.context["form"]["audience"].value() == Audience.MEMBER
    assert response.context["goals"].forms[0]["audience"].value() == Audience.MEMBER
    # Saved as shown again: her plan, for her only.
    again = {**data, "rendered_voice": PARTNER, "audience": Audience.MEMBER}
    again["goals-0-audience"] = Audience.MEMBER
    assert client.post(reverse("cases:plan_create", args=[case.pk]), again).status_code == 302
    version = PlanVersion.objects.order_by("-id").first()
    assert version.audience == Audience.MEMBER and version.plan.serves_member == PARTNER


def test_the_perspective_form_offers_the_choices_of_its_voice(demo, client, login):
    login(demo["professional"])
    case = demo["case"]
    url = reverse("cases:perspective_add", args=[case.pk])
    hers = client.get(url, {"member": PARTNER}).context["form"]
    assert hers["audience"].value() == Audience.MEMBER
    whole = client.get(url).context["form"]
    assert whole["audience"].value() == Audience.HOUSEHOLD
    assert Audience.MEMBER not in {c for c, _l in whole.fields["audience"].choices}
    new = client.get(url, {"new_voice": "1"}).context["form"]
    assert new["audience"].value() == Audience.MEMBER
    # Her words shared with the whole household: her choice, recorded with the version.
    response = client.post(
        url,
        {
            "member": PARTNER,
            "text": "Hij mag dit weten.",
            "audience": Audience.HOUSEHOLD,
            "confirmation": "conversation",
            "recorded_on": case.opened_on.isoformat(),
            "based_on_version": 1,
        },
    )
    assert response.status_code == 302
    newest = Perspective.objects.filter(case=case, member=PARTNER).order_by("-version").first()
    assert newest.audience == Audience.HOUSEHOLD
    response = client.post(
        url,
        {
            "text": "Wij.",
            "audience": Audience.MEMBER,
            "confirmation": "conversation",
            "recorded_on": case.opened_on.isoformat(),
            "based_on_version": 1,
        },
    )
    assert response.status_code == 200 and response.context["form"].errors["audience"]


# --- The data migration -------------------------------------------------------------------


def test_the_migration_gives_existing_rows_the_safe_defaults(demo):
    """Run the migration's data step on rows as they were before it (every audience at
    the field's fail-closed default)."""
    migration = MigrationLoader(connection).get_migration("cases", "0006_audiences")
    state = MigrationLoader(connection).project_state(("cases", "0006_audiences"))
    with connection.cursor() as cursor:
        for model in (Perspective, PlanVersion, Goal, PlanAction):
            cursor.execute(
                f"UPDATE {model._meta.db_table} SET audience = %s", [Audience.PROFESSIONALS]
            )
    importlib.import_module(migration.__module__).safe_defaults(state.apps, None)
    case = demo["case"]
    assert set(
        Perspective.objects.filter(case=case, member="").values_list("audience", flat=True)
    ) == {Audience.HOUSEHOLD}
    assert set(
        Perspective.objects.filter(case=case, member=PARTNER).values_list("audience", flat=True)
    ) == {Audience.MEMBER}
    for plan, expected in ((demo["debts"], Audience.HOUSEHOLD), (demo["safe"], Audience.MEMBER)):
        version = plan.versions.get()
        assert version.audience == expected
        assert {g.audience for g in version.goals.all()} == {expected}
        assert {a.audience for a in version.actions.all()} == {expected}
        assert version.safety_audience == Audience.PROFESSIONALS
