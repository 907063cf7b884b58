"""The full-text index of precedents, per database (docs/adr/0008): a GIN index of the
weighted tsvector of the stored stems on PostgreSQL, an FTS5 table on SQLite."""

from django.db import migrations

PG_EXPRESSION = (
    "(setweight(to_tsvector('simple', search_a), 'A') || "
    "setweight(to_tsvector('simple', search_b), 'B') || "
    "setweight(to_tsvector('simple', search_d), 'D'))"
)


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX precedent_search ON learning_precedent USING gin ({PG_EXPRESSION})"
        )
    elif vendor == "sqlite":
        schema_editor.execute(
            "CREATE VIRTUAL TABLE learning_precedent_fts USING fts5(a, b, d, tokenize='unicode61')"
        )


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS precedent_search")
    elif vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS learning_precedent_fts")


class Migration(migrations.Migration):
    dependencies = [("learning", "0002_precedents")]
    operations = [migrations.RunPython(create, drop)]
