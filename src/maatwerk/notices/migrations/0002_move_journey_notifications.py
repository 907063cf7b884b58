"""Move the overdue notices of journeys.Notification into notices.Notice (same
recipient, key, times), then journeys drops its table (journeys 0003)."""

from datetime import date

from django.db import migrations

from maatwerk.journeys.calendar import overdue_from

BATCH = 1000


def _facts(request, key):
    facts = {
        "household": request.case.household.pseudonym,
        "reference": request.reference,
        "organisation": request.organisation.name,
    }
    try:
        prefix, _request_id, due_on, level = key.split(":")
        due = date.fromisoformat(due_on)
        facts.update(
            due=due.isoformat(), since=overdue_from(due).isoformat(), level=int(level)
        )
    except ValueError:
        pass
    return facts


def forwards(apps, schema_editor):
    Old = apps.get_model("journeys", "Notification")
    Notice = apps.get_model("notices", "Notice")
    rows = Old.objects.select_related(
        "request__case__household", "request__organisation", "recipient"
    ).order_by("pk")
    batch = []
    for old in rows.iterator(chunk_size=BATCH):
        req = old.request
        owner = old.recipient_id == req.case.owner_id
        batch.append(
            Notice(
                recipient_id=old.recipient_id,
                case_id=req.case_id,
                kind="overdue",
                key=old.key,
                subject="journeys.request",
                object_id=req.pk,
                facts=_facts(req, old.key),
                url_name="journeys:request_detail" if owner else "journeys:decide",
                url_args=[req.pk],
                created_at=old.created_at,
                read_at=old.read_at,
            )
        )
        if len(batch) >= BATCH:
            Notice.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    Notice.objects.bulk_create(batch, ignore_conflicts=True)


def backwards(apps, schema_editor):
    Old = apps.get_model("journeys", "Notification")
    Notice = apps.get_model("notices", "Notice")
    Old.objects.bulk_create(
        [
            Old(
                recipient_id=n.recipient_id,
                request_id=n.object_id,
                key=n.key,
                message=n.key[:500],
                created_at=n.created_at,
                read_at=n.read_at,
            )
            for n in Notice.objects.filter(kind="overdue", subject="journeys.request")
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0001_initial"),
        ("journeys", "0002_intervention_and_solved"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
