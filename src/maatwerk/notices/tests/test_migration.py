"""The overdue notifications of journeys (journeys.Notification, before this app) move
into notices.Notice with their recipient, key, times and read state."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from maatwerk.journeys.jobs import notice_key
from maatwerk.journeys.models import Request
from maatwerk.notices.selectors import notices_for, rows
from maatwerk.testing.cases import make_case
from maatwerk.testing.factories import OrganisationFactory, TeamFactory

BEFORE = [("journeys", "0002_intervention_and_solved"), ("notices", "0001_initial")]
DUE = date(2027, 3, 25)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_overdue_notifications_move_with_their_read_state(make_user):
    team = TeamFactory()
    owner = make_user("professional", teams=[team])
    uwv = OrganisationFactory(name="UWV")
    decider = make_user("decision_maker", organisation=uwv)
    case = make_case(team, owner)
    req = Request.objects.create(
        case=case,
        reference="R1",
        organisation=uwv,
        subject="x",
        state=Request.State.WAITING,
        due_on=DUE,
        created_by=owner,
    )
    latest = [(app, node) for app, node in MigrationExecutor(connection).loader.graph.leaf_nodes()]
    old_apps = migrate(BEFORE)
    Old = old_apps.get_model("journeys", "Notification")
    key = notice_key(req.pk, DUE, 1)
    sent = timezone.now() - timedelta(days=3)
    Old.objects.create(recipient_id=owner.pk, request_id=req.pk, key=key, message="m")
    Old.objects.create(recipient_id=decider.pk, request_id=req.pk, key=key, message="m")
    Old.objects.update(created_at=sent)
    Old.objects.filter(recipient_id=owner.pk).update(read_at=sent)
    migrate(latest)
    (mine,) = notices_for(owner)
    (theirs,) = notices_for(decider)
    assert (mine.key, mine.kind, mine.read_at is not None) == (key, "overdue", True)
    assert theirs.read_at is None and mine.created_at == sent
    assert mine.url_name == "journeys:request_detail" and theirs.url_name == "journeys:decide"
    (row,) = rows([mine])
    assert case.household.pseudonym in row.message and "UWV" in row.message
    assert mine.facts["due"] == DUE.isoformat() and mine.facts["level"] == 1
