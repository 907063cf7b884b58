from django.db import migrations

from maatwerk.audit.triggers import statements

TABLES = ["budgets_ledgerentry", "budgets_settlement", "budgets_budgetrevision"]


def create_triggers(apps, schema_editor):
    for table in TABLES:
        for sql in statements(schema_editor.connection.vendor, create=True, table=table):
            schema_editor.execute(sql)


def drop_triggers(apps, schema_editor):
    for table in TABLES:
        for sql in statements(schema_editor.connection.vendor, create=False, table=table):
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("budgets", "0001_initial"), ("audit", "0002_append_only_triggers")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
