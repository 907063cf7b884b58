"""Who may hear each piece of a case (docs/privacy.md). Existing rows get the safe
defaults: a member's perspective is for that member only, the whole household's
perspective for the whole household; a plan serving one member, with its goals and
actions, for that member only, a plan for the whole household for the whole household;
every safety text for the professionals only (the field's default)."""

from django.conf import settings
from django.db import migrations, models


def safe_defaults(apps, schema_editor):
    # Historical models: plain managers (the append-only queryset is not used here).
    Perspective = apps.get_model("cases", "Perspective")
    PlanVersion = apps.get_model("cases", "PlanVersion")
    Goal = apps.get_model("cases", "Goal")
    PlanAction = apps.get_model("cases", "PlanAction")
    Perspective.objects.filter(member="").update(audience="household")
    Perspective.objects.exclude(member="").update(audience="member")
    for model, path in (
        (PlanVersion, "plan__serves_member"),
        (Goal, "version__plan__serves_member"),
        (PlanAction, "version__plan__serves_member"),
    ):
        model.objects.filter(**{path: ""}).update(audience="household")
        model.objects.exclude(**{path: ""}).update(audience="member")
    PlanVersion.objects.update(safety_audience="professionals")


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0005_emergency_access'),
        ('register', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='goal',
            name='audience',
            field=models.CharField(choices=[('household', 'the whole household'), ('member', 'only this member'), ('professionals', 'professionals only')], default='professionals', max_length=16, verbose_name='who may hear this'),
        ),
        migrations.AddField(
            model_name='perspective',
            name='audience',
            field=models.CharField(choices=[('household', 'the whole household'), ('member', 'only this member'), ('professionals', 'professionals only')], default='professionals', max_length=16, verbose_name='who may hear this'),
        ),
        migrations.AddField(
            model_name='planaction',
            name='audience',
            field=models.CharField(choices=[('household', 'the whole household'), ('member', 'only this member'), ('professionals', 'professionals only')], default='professionals', max_length=16, verbose_name='who may hear this'),
        ),
        migrations.AddField(
            model_name='planversion',
            name='audience',
            field=models.CharField(choices=[('household', 'the whole household'), ('member', 'only this member'), ('professionals', 'professionals only')], default='professionals', max_length=16, verbose_name='who may hear this plan'),
        ),
        migrations.AddField(
            model_name='planversion',
            name='safety_audience',
            field=models.CharField(choices=[('member', 'only this member'), ('professionals', 'professionals only')], default='professionals', max_length=16, verbose_name='who may hear how safety is addressed'),
        ),
        migrations.RunPython(safe_defaults, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='goal',
            constraint=models.CheckConstraint(condition=models.Q(('audience__in', ['household', 'member', 'professionals'])), name='goal_audience_valid'),
        ),
        migrations.AddConstraint(
            model_name='perspective',
            constraint=models.CheckConstraint(condition=models.Q(('audience__in', ['household', 'member', 'professionals'])), name='perspective_audience_valid'),
        ),
        migrations.AddConstraint(
            model_name='perspective',
            constraint=models.CheckConstraint(condition=models.Q(('audience', 'member'), ('member', ''), _negated=True), name='perspective_household_not_member_only'),
        ),
        migrations.AddConstraint(
            model_name='planaction',
            constraint=models.CheckConstraint(condition=models.Q(('audience__in', ['household', 'member', 'professionals'])), name='plan_action_audience_valid'),
        ),
        migrations.AddConstraint(
            model_name='planversion',
            constraint=models.CheckConstraint(condition=models.Q(('audience__in', ['household', 'member', 'professionals'])), name='plan_version_audience_valid'),
        ),
        migrations.AddConstraint(
            model_name='planversion',
            constraint=models.CheckConstraint(condition=models.Q(('safety_audience__in', ['professionals', 'member'])), name='plan_version_safety_never_household'),
        ),
    ]
