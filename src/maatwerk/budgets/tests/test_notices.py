"""A spend above the threshold decided by the second budget holder: the requester and
the case owner (and, by preference, the team) hear of it, once (docs/notices.md)."""

import pytest
from django.core import mail

from maatwerk.budgets import services
from maatwerk.notices.models import Kind, Notice
from maatwerk.notices.selectors import notices_for
from maatwerk.scheduler.jobs import run_due_jobs

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen", "english")]


def recipients(kind):
    return set(Notice.objects.filter(kind=kind).values_list("recipient", flat=True))


def test_an_approved_spend_reaches_the_requester_and_the_owner(
    make_user, teams, make_spend, approve, case, professional
):
    requester = make_user("professional", teams=[teams[0]], email="req@example.org")
    professional.email = "owner@example.org"
    professional.save()
    spend = make_spend("300", user=requester)
    approve(spend)
    assert recipients(Kind.SPEND_APPROVED) == {requester.pk, professional.pk}
    notice = Notice.objects.get(kind=Kind.SPEND_APPROVED, recipient=requester)
    assert (
        notice.url_name == "budgets:spend_detail" and notice.facts["reference"] == spend.reference
    )
    assert list(notices_for(requester)) == [notice]
    mail.outbox.clear()
    run_due_jobs()
    run_due_jobs()
    assert sorted(m.to[0] for m in mail.outbox) == ["owner@example.org", "req@example.org"]
    for message in mail.outbox:
        assert "Huurachterstand" not in message.body  # the description stays in the app


def test_a_refused_spend_reaches_the_requester(
    make_spend, rf_request, budget_holder2, professional
):
    spend = make_spend("300")
    services.spend_refuse(
        request=rf_request(budget_holder2), user=budget_holder2, spend=spend, reason="Te duur"
    )
    assert recipients(Kind.SPEND_REFUSED) == {professional.pk}  # requester and owner: one
    assert "Te duur" not in str(Notice.objects.get().facts)


def test_a_spend_below_the_threshold_needs_no_decision_and_no_notice(make_spend):
    make_spend("100")
    assert not Notice.objects.exists()


@pytest.mark.parametrize("kind", [Kind.SPEND_APPROVED, Kind.SPEND_REFUSED])
def test_a_spend_notice_once_and_not_after_the_access_is_gone(
    kind, make_spend, approve, rf_request, budget_holder2, professional
):
    professional.email = "owner@example.org"
    professional.save()
    spend = make_spend("300")
    if kind == Kind.SPEND_APPROVED:
        approve(spend)
    else:
        services.spend_refuse(
            request=rf_request(budget_holder2), user=budget_holder2, spend=spend, reason="Nee"
        )
    notice = Notice.objects.get(kind=kind)  # requester and owner are one: exactly once
    assert notice.recipient == professional
    professional.teams.clear()  # moved to another team: no longer sees the spend
    assert list(notices_for(professional)) == []
    mail.outbox.clear()
    run_due_jobs()
    assert mail.outbox == []
    notice.refresh_from_db()
    assert notice.mail_state == "dropped"


def test_no_spend_notice_for_a_closed_case(make_spend, approve, case):
    from maatwerk.cases.models import Case

    spend = make_spend("300")
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)
    spend.case.refresh_from_db()
    try:
        approve(spend)
    except Exception as error:  # a closed case may refuse the decision altogether
        assert "ValidationError" in type(error).__name__
    assert not Notice.objects.exists()
