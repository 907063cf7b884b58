"""The Wajong's name was seeded with a typo ("arbeidsongeschikheids…"). The seed is
get_or_create, so databases seeded before the fix keep it: correct it in place, but only
where nobody has changed the name since."""

from django.db import migrations

TYPO = "Wet arbeidsongeschikheidsvoorziening jonggehandicapten"
RIGHT = "Wet arbeidsongeschiktheidsvoorziening jonggehandicapten"


def fix(apps, schema_editor):
    Regulation = apps.get_model("register", "Regulation")
    Regulation.objects.using(schema_editor.connection.alias).filter(
        code="wajong", name=TYPO
    ).update(name=RIGHT)


class Migration(migrations.Migration):
    dependencies = [("register", "0001_initial")]
    operations = [migrations.RunPython(fix, migrations.RunPython.noop)]
