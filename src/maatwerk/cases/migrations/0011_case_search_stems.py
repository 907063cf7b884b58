"""The case search stores Dutch stems (maatwerk.core.textsearch, docs/adr/0008), as the
precedent search does: the texts already stored become their stems, and on PostgreSQL
the ``tsvector`` is rebuilt with the ``simple`` configuration (the stems are stems
already). ``maatwerk search-index`` rebuilds the same from the cases themselves."""

from django.contrib.postgres.search import SearchVector
from django.db import migrations

from maatwerk.core.textsearch import stem_text

FIELDS = ("perspective", "plan", "requests", "organisations")
WEIGHTS = {"perspective": "A", "plan": "B", "requests": "C", "organisations": "D"}
BATCH = 500


def stored(text):
    stems = stem_text(text)
    return f" {stems} " if stems else ""


def to_stems(apps, schema_editor):
    CaseSearchText = apps.get_model("cases", "CaseSearchText")
    rows = CaseSearchText.objects.order_by("case_id")
    last = 0
    while True:
        batch = list(rows.filter(case_id__gt=last)[:BATCH])
        if not batch:
            break
        for row in batch:
            for name in FIELDS:
                setattr(row, name, stored(getattr(row, name)))
        CaseSearchText.objects.bulk_update(batch, FIELDS)
        last = batch[-1].case_id
    if schema_editor.connection.vendor == "postgresql":
        vector = None
        for name in FIELDS:
            part = SearchVector(name, config="simple", weight=WEIGHTS[name])
            vector = part if vector is None else vector + part
        CaseSearchText.objects.update(document=vector)


class Migration(migrations.Migration):
    dependencies = [("cases", "0010_merge_attention_and_search")]
    operations = [migrations.RunPython(to_stems, migrations.RunPython.noop)]
