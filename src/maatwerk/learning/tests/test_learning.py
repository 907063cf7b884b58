"""System learning: bottlenecks and learning points under the case policy, the
follow-up workflow, the personal-data screen, the closing analysis, and the reminders
and yearly round sent once."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from maatwerk.audit.models import AccessLogEntry, Action
from maatwerk.cases.models import Case, HouseholdIdentity
from maatwerk.core.errors import ConflictError
from maatwerk.journeys.models import Request
from maatwerk.learning import jobs, services
from maatwerk.learning.models import (
    Bottleneck,
    ClosingAnalysis,
    LearningNotice,
    LearningPoint,
    LearningStatus,
    LearningStep,
)
from maatwerk.learning.selectors import (
    analyses_to_do,
    visible_bottlenecks,
    visible_learning_points,
)
from maatwerk.notices.models import Notice
from maatwerk.testing.cases import make_case
from maatwerk.testing.factories import ContactFactory, EscalationStepFactory, OrganisationFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def case(teams, professional):
    return make_case(teams[0], professional)


@pytest.fixture
def uwv():
    uwv = OrganisationFactory(name="UWV", type="national_agency")
    EscalationStepFactory(
        organisation=uwv, level=1, contact=ContactFactory(organisation=uwv, email="lp@uwv.example")
    )
    return uwv


def add_point(user, case, *, addressee=None, order=2, text="Beslag op toeslag eerder melden"):
    return services.learning_point_create(
        request=None, user=user, cases=[case], order=order, text=text, addressee=addressee
    )


def step(user, point, status, on=None, **kwargs):
    return services.learning_point_step(
        request=None, user=user, point=point, status=status, on=on or TODAY(), **kwargs
    )


# --- Bottlenecks ------------------------------------------------------------------------


def test_a_bottleneck_is_recorded_and_logged(professional, case, uwv):
    bottleneck = services.bottleneck_add(
        request=None,
        user=professional,
        case=case,
        category="laws_regulations",
        text="De kostendelersnorm kortte de uitkering toen de zoon bleef wonen.",
        regulation="kostendelersnorm",
        organisations=[uwv],
    )
    assert list(bottleneck.organisations.all()) == [uwv]
    row = AccessLogEntry.objects.filter(object_type="learning.bottleneck").get()
    assert row.action == Action.CREATE and row.household == case.household.pseudonym


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Mevrouw belde vanaf 06-12345678 steeds de verkeerde afdeling.", "telefoonnummer"),
        ("Post ging naar Kerkstraat 12a, het oude adres.", "een adres"),
        ("Haar BSN 111222333 stond verkeerd in het systeem.", "BSN"),
    ],
)
def test_a_bottleneck_with_personal_data_is_refused(professional, case, text, kind):
    with pytest.raises(ValidationError) as caught:
        services.bottleneck_add(
            request=None, user=professional, case=case, category="communication", text=text
        )
    assert kind in str(caught.value.message_dict["text"])
    assert not Bottleneck.objects.exists()


def test_the_households_own_name_is_refused(professional, case):
    HouseholdIdentity.objects.create(household=case.household, names="Priya Ramdin")
    with pytest.raises(ValidationError) as caught:
        services.bottleneck_add(
            request=None,
            user=professional,
            case=case,
            category="collaboration",
            text="Niemand wist dat priya ramdin al bij de schuldhulp liep.",
        )
    assert "gegeven van het huishouden" in str(caught.value.message_dict["text"])


def test_bottlenecks_follow_the_case_policy(professional, outsider, case):
    services.bottleneck_add(
        request=None, user=professional, case=case, category="collaboration", text="Geen eigenaar"
    )
    assert visible_bottlenecks(professional).count() == 1
    assert visible_bottlenecks(outsider).count() == 0
    with pytest.raises(ValidationError):
        services.bottleneck_add(
            request=None, user=outsider, case=case, category="collaboration", text="Geen eigenaar"
        )


# --- Learning points and their follow-up -------------------------------------------------


def test_learning_points_are_numbered_and_start_proposed(professional, case, uwv):
    first = add_point(professional, case, addressee=uwv)
    second = add_point(professional, case, order=1)
    year = TODAY().year
    assert (first.reference, second.reference) == (f"LP-{year}-00001", f"LP-{year}-00002")
    assert first.status == LearningStatus.PROPOSED
    assert list(first.steps.values_list("status", flat=True)) == ["proposed"]


def test_an_order_two_learning_point_needs_an_addressee(professional, case):
    with pytest.raises(ValidationError) as caught:
        services.learning_point_create(
            request=None, user=professional, cases=[case], order=3, text="Regel aanpassen"
        )
    assert "addressee" in caught.value.message_dict


def test_the_follow_up_goes_step_by_step(make_user, professional, case, uwv):
    coordinator = make_user("coordinator")
    decider = make_user("decision_maker", organisation=uwv)
    point = add_point(professional, case, addressee=uwv)
    with pytest.raises(ValidationError):  # not sent yet: it cannot be implemented
        step(coordinator, point, "implemented", answer="Gedaan")
    step(coordinator, point, "sent")
    point.refresh_from_db()
    # The decision maker of the addressee answers in the app…
    step(decider, point, "in_progress", answer="We passen het werkproces aan.")
    point.refresh_from_db()
    assert point.status == "in_progress"
    # …but cannot declare that they did not answer.
    with pytest.raises(ValidationError):
        step(decider, point, "no_response")
    step(coordinator, point, "implemented", answer="Sinds 1 maart in het werkproces.")
    point.refresh_from_db()
    assert point.status == "implemented"
    assert list(point.steps.values_list("status", flat=True)) == [
        "proposed",
        "sent",
        "in_progress",
        "implemented",
    ]
    with pytest.raises(ValidationError):  # the end
        step(coordinator, point, "rejected", answer="x")


def test_an_answer_on_behalf_of_an_organisation_not_on_the_platform(make_user, professional, case):
    coordinator = make_user("coordinator")
    point = services.learning_point_create(
        request=None,
        user=professional,
        cases=[case],
        order=2,
        text="Incasso eerder pauzeren",
        addressee_name="Incassobureau Noord",
    )
    step(coordinator, point, "sent")
    point.refresh_from_db()
    step(coordinator, point, "acknowledged", on_behalf_of="Incassobureau Noord (per brief)")
    assert LearningStep.objects.filter(on_behalf_of__startswith="Incassobureau").exists()


def test_steps_cannot_be_dated_in_the_future_or_before_the_last(make_user, professional, case):
    coordinator = make_user("coordinator")
    point = add_point(professional, case, addressee=OrganisationFactory())
    with pytest.raises(ValidationError) as caught:
        step(coordinator, point, "sent", on=TODAY() + timedelta(days=1))
    assert "on" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        step(coordinator, point, "sent", on=TODAY() - timedelta(days=400))
    assert "on" in caught.value.message_dict


def test_a_concurrent_step_is_refused_not_overwritten(make_user, professional, case, uwv):
    coordinator = make_user("coordinator")
    point = add_point(professional, case, addressee=uwv)
    seen = point.version
    step(coordinator, point, "sent")
    stale = LearningPoint.objects.get(pk=point.pk)
    stale.status = "proposed"  # what the second tab still shows
    with pytest.raises((ConflictError, ValidationError)):
        step(coordinator, stale, "sent", expected_version=seen)
    assert LearningPoint.objects.get(pk=point.pk).steps.count() == 2


def test_who_sees_learning_points(make_user, professional, outsider, case, uwv):
    point = add_point(professional, case, addressee=uwv)
    coordinator = make_user("coordinator")
    decider = make_user("decision_maker", organisation=uwv)
    other_decider = make_user("decision_maker", organisation=OrganisationFactory())
    analyst = make_user("analyst")
    assert list(visible_learning_points(professional)) == [point]
    assert list(visible_learning_points(coordinator)) == [point]
    assert list(visible_learning_points(decider)) == [point]
    for user in (outsider, other_decider, analyst):
        assert not visible_learning_points(user).exists()


def test_the_learning_point_page_hides_cases_the_viewer_may_not_see(
    client, login, make_user, professional, case, uwv, assert_constant_queries
):
    point = add_point(professional, case, addressee=uwv)
    decider = make_user("decision_maker", organisation=uwv)
    login(decider)
    url = reverse("learning:point_detail", args=[point.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert case.household.pseudonym not in page.content.decode()
    assert "1 casus die u niet mag inzien" in page.content.decode()

    def more_cases():
        for _ in range(3):
            point.cases.add(make_case(case.team, professional))

    login(professional)
    assert_constant_queries(lambda: client.get(url), more_cases)


def test_another_teams_professional_gets_a_logged_404(client, login, professional, outsider, case):
    point = add_point(professional, case, addressee=OrganisationFactory())
    login(outsider)
    assert client.get(reverse("learning:point_detail", args=[point.pk])).status_code == 404
    assert client.get(reverse("learning:analysis", args=[case.pk])).status_code == 404
    refused = AccessLogEntry.objects.filter(action=Action.PERMISSION_DENIED)
    assert refused.filter(object_type="learning.learningpoint").exists()
    assert refused.filter(household=case.household.pseudonym).exists()


# --- The closing analysis ----------------------------------------------------------------


def close(case):
    Case.objects.filter(pk=case.pk).update(
        status=Case.Status.CLOSED, closed_on=TODAY(), outcome="solved"
    )
    case.refresh_from_db()


def test_a_closed_case_waits_for_its_analysis_until_it_is_done(client, login, professional, case):
    login(professional)
    assert not analyses_to_do(professional).exists()
    close(case)
    assert list(analyses_to_do(professional)) == [case]
    page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert 'data-testid="analysis-due"' in page
    url = reverse("learning:analysis", args=[case.pk])
    # Neither a bottleneck nor "nothing blocked": a field error, nothing stored.
    response = client.post(url, {"action": "complete", "complete-note": ""})
    assert response.status_code == 200
    assert "niets deze casus blokkeerde" in response.content.decode()
    assert not ClosingAnalysis.objects.exists()
    response = client.post(
        url,
        {
            "action": "bottleneck",
            "bottleneck-category": "ict_systems",
            "bottleneck-text": "Het systeem van de gemeente kende de uitzondering niet.",
        },
    )
    assert response.status_code == 302
    response = client.post(url, {"action": "complete"})
    assert response.status_code == 302
    assert ClosingAnalysis.objects.filter(case=case).exists()
    assert not analyses_to_do(professional).exists()


def test_a_case_at_the_national_level_needs_its_analysis(professional, case, uwv):
    Request.objects.create(
        case=case,
        reference="R1",
        organisation=uwv,
        subject="x",
        state=Request.State.WAITING,
        escalation_level=4,
        created_by=professional,
    )
    assert list(analyses_to_do(professional)) == [case]


def test_the_analysis_form_gives_dutch_field_errors(client, login, professional, case):
    login(professional)
    client.cookies["django_language"] = "nl"
    response = client.post(
        reverse("learning:analysis", args=[case.pk]),
        {"action": "bottleneck", "bottleneck-text": "Bel 0612345678"},
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert response.status_code == 200
    form = response.context["bottleneck_form"]
    assert set(form.errors) == {"category"}
    assert not Bottleneck.objects.exists()


# --- Reminders and the yearly round -----------------------------------------------------


def sent_point(make_user, professional, case, uwv, *, on):
    coordinator = make_user("coordinator", email="coord@example.org")
    point = add_point(professional, case, addressee=uwv)
    LearningPoint.objects.filter(pk=point.pk).update(status_on=on)  # proposed back then
    point.refresh_from_db()
    step(coordinator, point, "sent", on=on)
    point.refresh_from_db()
    return point


def test_an_unanswered_learning_point_is_reminded_once(
    make_user, professional, case, uwv, settings
):
    settings.LEARNING_REMINDER_WEEKS = 6
    point = sent_point(make_user, professional, case, uwv, on=TODAY() - timedelta(weeks=5))
    assert jobs.remind_unanswered(today=TODAY()) == {"learning_point_reminders": 0}
    later = TODAY() + timedelta(weeks=1)
    assert jobs.remind_unanswered(today=later) == {"learning_point_reminders": 1}
    assert jobs.remind_unanswered(today=later) == {"learning_point_reminders": 0}
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["lp@uwv.example"]
    assert point.reference in mail.outbox[0].subject
    assert case.household.pseudonym not in mail.outbox[0].body
    # A new step starts a new wait, and a new reminder after it.
    LearningPoint.objects.filter(pk=point.pk).update(
        status="acknowledged", status_on=TODAY() - timedelta(weeks=7)
    )
    assert jobs.remind_unanswered(today=later) == {"learning_point_reminders": 1}


def test_the_yearly_round_asks_every_open_learning_point_once_a_year(
    make_user, professional, case, uwv, settings
):
    settings.LEARNING_FOLLOW_UP_DATE = (15, 1)
    sent_point(make_user, professional, case, uwv, on=TODAY())
    done = add_point(professional, case, addressee=uwv)
    LearningPoint.objects.filter(pk=done.pk).update(status="implemented")
    next_year = TODAY().year + 1
    assert jobs.yearly_follow_up(today=date(next_year, 1, 14))["learning_point_follow_ups"] == 0
    assert jobs.yearly_follow_up(today=date(next_year, 1, 15))["learning_point_follow_ups"] == 1
    assert jobs.yearly_follow_up(today=date(next_year, 3, 1))["learning_point_follow_ups"] == 0
    assert jobs.yearly_follow_up(today=date(next_year + 1, 2, 1))["learning_point_follow_ups"] == 1
    assert LearningNotice.objects.filter(kind="follow_up").count() == 2


def test_the_yearly_round_and_its_answers_are_queryable_for_the_report(
    make_user, professional, case, uwv, settings
):
    from maatwerk.learning.selectors import follow_up_round

    settings.LEARNING_FOLLOW_UP_DATE = (15, 1)
    answered = sent_point(make_user, professional, case, uwv, on=TODAY())
    silent = sent_point(make_user, professional, case, uwv, on=TODAY())
    year = TODAY().year + 1
    jobs.yearly_follow_up(today=date(year, 1, 15))
    assert follow_up_round(year - 1).count() == 0
    decider = make_user("decision_maker", organisation=uwv)
    step(decider, answered, "in_progress", answer="We passen de werkinstructie aan.")
    rows = {p.pk: (p.answered, p.status) for p in follow_up_round(year)}
    assert rows == {answered.pk: (True, "in_progress"), silent.pk: (False, "sent")}


def test_the_case_owner_hears_of_a_learning_point_on_the_case(make_user, professional, case, uwv):
    coordinator = make_user("coordinator")
    coordinator.teams.add(case.team)
    add_point(coordinator, case, addressee=uwv)
    notice = Notice.objects.get(recipient=professional)
    assert notice.kind == "learning_point" and notice.facts["household"] == case.household.pseudonym
    add_point(professional, case, addressee=uwv)  # whoever wrote it is not told
    assert Notice.objects.filter(recipient=professional).count() == 1
