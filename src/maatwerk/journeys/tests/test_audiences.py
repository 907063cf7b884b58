"""What an organisation gets of the demo's domestic-violence case (primer example 5):
never a member's words or anything for the professionals only, and — because the case
has a safety concern — nothing at all before the professional saw exactly what will be
shared and confirmed it (docs/privacy.md). Every output is searched as text: the
request form's proposal, the preview, the decision maker's page and inbox, the
notifications and the e-mails."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from maatwerk.accounts.models import User
from maatwerk.audit.models import AccessLogEntry, Action
from maatwerk.cases.models import Audience, Case, MemberIdentity, Perspective
from maatwerk.cases.services import perspective_record
from maatwerk.demo.cases import debt_and_violence as story
from maatwerk.journeys.models import Request
from maatwerk.journeys.selectors import share_digest, shared_pieces, shared_view
from maatwerk.journeys.services import record_event, request_create
from maatwerk.notices.models import Notice
from maatwerk.notices.selectors import rows
from maatwerk.register.models import Organisation
from maatwerk.scheduler.jobs import run_due_jobs

# One worker for the module: its demo is loaded once (conftest: module_demo).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo:journeys_audiences")]

PARTNER = story.PARTNER
HER_WORDS = "Ik wil niet dat hij weet waar wij wonen als het weer misgaat"
FORBIDDEN = [
    # Only for the partner: her words, her plan, its agreement.
    HER_WORDS,
    "Als hij boos wordt, ben ik bang.",
    "vluchtadres dat alleen de partner kent",
    "Hij hoeft niet te weten waar ik naartoe ga.",
    "Veilig thuis",
    # For the professionals only.
    "adres van moeder wordt niet gedeeld",
    "Veilig Thuis is om advies gevraagd.",
    "de wijkagent eerst naar de partner",
    # Her own details (her address).
    "Zonnebloemstraat",
    "3512 AB",
    "Samira Bakker",
]
HOUSEHOLD_WORDS = "We willen dat de schulden stoppen met groeien."
SUBJECT = "Een betalingsregeling voor de boetes terwijl de schuldhulp loopt."


def text_of(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def shared_section(response) -> str:
    """The part of the preview that lists what will be shared (the rest of the page is
    the case team's own page, with every voice)."""
    html = response.content.decode()
    start = html.index('data-testid="shared"')
    return " ".join(re.sub(r"<[^>]+>", " ", html[start : html.index("</section>", start)]).split())


def assert_none_in(text: str, where: str) -> None:
    for secret in FORBIDDEN:
        assert secret not in text, (where, secret)


@pytest.fixture(scope="module")
def demo_story(module_demo, django_db_blocker):
    """The demo (once per module: conftest's module_demo) with the partner's identity."""
    with django_db_blocker.unblock():
        case = Case.objects.get(plans__title="Eerst praten over de schulden")
        MemberIdentity.objects.create(
            household=case.household,
            member=PARTNER,
            names="Samira Bakker",
            street="Zonnebloemstraat",
            postcode="3512 AB",
        )


@pytest.fixture
def demo(demo_story, db):
    case = Case.objects.get(plans__title="Eerst praten over de schulden")
    return {
        "case": case,
        "professional": User.objects.get(username="professional2"),
        "decider": User.objects.get(username="decision_maker"),
        "uwv": Organisation.objects.get(name="UWV"),
    }


def shares(demo):
    """The share rows of the access log for this household (the demo shares others)."""
    return AccessLogEntry.objects.filter(
        action=Action.SHARE, household=demo["case"].household.pseudonym
    )


def new_request(demo, client, **extra):
    return client.post(
        reverse("journeys:request_create", args=[demo["case"].pk]),
        {
            "organisation": demo["uwv"].pk,
            "kind": "exception",
            "subject": SUBJECT,
            "share_perspective": "on",
            "plan_excerpt": extra.pop("plan_excerpt", "Eerst praten over de schulden."),
            "send_now": "on",
            **extra,
        },
    )


def test_the_proposed_plan_excerpt_holds_only_what_the_household_may_hear(demo, client, login):
    login(demo["professional"])
    response = client.get(reverse("journeys:request_create", args=[demo["case"].pk]))
    excerpt = response.context["form"]["plan_excerpt"].value()
    assert excerpt.startswith("Eerst praten over de schulden:")
    assert "overzicht van alle schulden" in excerpt
    assert_none_in(excerpt, "proposed excerpt")


def test_sending_needs_the_confirmed_preview_of_exactly_what_is_shared(demo, client, login):
    login(demo["professional"])
    preview = new_request(demo, client)
    assert preview.status_code == 200
    assert not Request.objects.filter(case=demo["case"]).exists()  # nothing sent, nothing saved
    assert not shares(demo).exists()
    assert not AccessLogEntry.objects.filter(
        object_type="journeys.request", household=demo["case"].household.pseudonym
    ).exists()
    page = shared_section(preview)
    assert_none_in(page, "preview")
    assert SUBJECT in page and HOUSEHOLD_WORDS in page and "Eerst praten over de schulden." in page
    assert preview.content.decode().count('data-testid="shared-piece"') == 3
    digest = preview.context["digest"]
    # Not ticked: the preview again.
    again = new_request(demo, client, share_digest=digest)
    assert again.status_code == 200 and again.context["confirm"].errors["confirm_share"]
    # Ticked, but for other content (the words changed since): the preview again.
    stale = new_request(demo, client, share_digest="0" * 64, confirm_share="on")
    assert stale.status_code == 200 and stale.context["confirm"].errors["confirm_share"]
    assert not Request.objects.filter(case=demo["case"]).exists()
    sent = new_request(demo, client, share_digest=digest, confirm_share="on")
    assert sent.status_code == 302
    req = Request.objects.get(case=demo["case"])
    assert req.state == Request.State.WAITING
    share = shares(demo).get()
    household = Perspective.objects.get(case=demo["case"], member="", version=1)
    assert share.detail == (
        f"with UWV: subject, perspective {household.pk} v1, plan excerpt; confirmed after preview"
    )


def test_the_decision_maker_sees_only_what_the_household_may_hear(demo, client, login):
    login(demo["professional"])
    preview = new_request(demo, client, plan_excerpt="")
    new_request(demo, client, plan_excerpt="", share_digest=preview.context["digest"],
                confirm_share="on")  # fmt: skip
    req = Request.objects.get(case=demo["case"])
    # She records newer words of her own: never shared, not even as "the perspective".
    perspective_record(
        request=None,
        user=demo["professional"],
        case=demo["case"],
        text=f"{HER_WORDS}. Als hij boos wordt, ben ik bang.",
        confirmation="conversation",
        recorded_on=timezone.localdate(),
        based_on_version=1,
        member=PARTNER,
    )
    view = shared_view(req)
    assert view.perspective.member == "" and view.perspective.audience == Audience.HOUSEHOLD
    client.logout()
    login(demo["decider"])
    page = text_of(client.get(reverse("journeys:decide", args=[req.pk])))
    assert HOUSEHOLD_WORDS in page and SUBJECT in page
    assert_none_in(page, "decide page")
    assert_none_in(text_of(client.get(reverse("journeys:inbox"))), "inbox")


def test_a_draft_sent_later_needs_the_confirmed_preview_too(demo, client, login):
    login(demo["professional"])
    assert new_request(demo, client, send_now="").status_code == 302  # a draft: nothing shared
    req = Request.objects.get(case=demo["case"])
    assert req.state == Request.State.DRAFT
    url = reverse("journeys:request_detail", args=[req.pk])
    step = {"type": "submitted", "on": timezone.localdate().isoformat()}
    preview = client.post(url, step)
    assert preview.status_code == 200 and "digest" in preview.context
    assert_none_in(shared_section(preview), "draft preview")
    req.refresh_from_db()
    assert req.state == Request.State.DRAFT
    assert not shares(demo).exists()
    sent = client.post(
        url, {**step, "share_digest": preview.context["digest"], "confirm_share": "on"}
    )
    assert sent.status_code == 302
    req.refresh_from_db()
    assert req.state == Request.State.WAITING
    assert "confirmed after preview" in shares(demo).get().detail


def test_the_service_refuses_to_send_without_the_confirmation(demo):
    req = request_create(
        request=None,
        user=demo["professional"],
        case=demo["case"],
        organisation=demo["uwv"],
        subject=SUBJECT,
    )
    for confirmation in ("", "0" * 64):
        with pytest.raises(ValidationError) as error:
            record_event(
                request=None,
                user=demo["professional"],
                req=req,
                type="submitted",
                share_confirmed=confirmation,
            )
        assert "share_confirmed" in error.value.message_dict
    req.refresh_from_db()
    assert req.state == Request.State.DRAFT and not req.events.exists()
    record_event(
        request=None,
        user=demo["professional"],
        req=req,
        type="submitted",
        share_confirmed=share_digest(req),
    )
    req.refresh_from_db()
    assert req.state == Request.State.WAITING
    assert shared_pieces(req)[0].ref == "subject"


def test_notifications_and_emails_carry_no_words_of_the_case(demo, settings):
    settings.SITE_URL = "https://maatwerk.example.org"
    req = request_create(
        request=None,
        user=demo["professional"],
        case=demo["case"],
        organisation=demo["uwv"],
        subject=SUBJECT,
        share_perspective=True,
        plan_excerpt="Eerst praten over de schulden.",
    )
    record_event(
        request=None,
        user=demo["professional"],
        req=req,
        type="submitted",
        share_confirmed=share_digest(req),
    )
    req.refresh_from_db()
    mail.outbox.clear()
    with time_machine.travel(req.due_on + timedelta(days=10), tick=False):
        run_due_jobs()
    mine = Notice.objects.filter(subject="journeys.request", object_id=req.pk)
    assert mine.exists() and [m for m in mail.outbox if req.case.household.pseudonym in m.body]
    texts = [row.message for row in rows(list(mine))] + [
        f"{m.subject}\n{m.body}" for m in mail.outbox
    ]
    for text in texts:
        assert_none_in(text, "notice")
        for words in (HOUSEHOLD_WORDS, SUBJECT):
            assert words not in text
