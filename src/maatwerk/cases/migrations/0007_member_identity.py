"""Identifiers of one member or sub-household, apart from the household's (docs/privacy.md)."""

import django.db.models.deletion
import maatwerk.cases.fields
import maatwerk.cases.validators
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0006_audiences'),
    ]

    operations = [
        migrations.CreateModel(
            name='MemberIdentity',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('member', models.CharField(max_length=100, verbose_name='whose details')),
                ('names', maatwerk.cases.fields.EncryptedTextField(blank=True, max_length=300, verbose_name='names')),
                ('date_of_birth', maatwerk.cases.fields.EncryptedDateField(blank=True, null=True, verbose_name='date of birth')),
                ('bsn', maatwerk.cases.fields.EncryptedTextField(blank=True, max_length=9, validators=[maatwerk.cases.validators.validate_bsn], verbose_name='citizen service number (BSN)')),
                ('street', maatwerk.cases.fields.EncryptedTextField(blank=True, max_length=200, verbose_name='street')),
                ('house_number', maatwerk.cases.fields.EncryptedTextField(blank=True, max_length=5, validators=[maatwerk.cases.validators.validate_house_number], verbose_name='house number')),
                ('house_number_addition', maatwerk.cases.fields.EncryptedTextField(blank=True, max_length=10, verbose_name='addition')),
                ('postcode', maatwerk.cases.fields.EncryptedTextField(blank=True, max_length=7, validators=[maatwerk.cases.validators.validate_postcode], verbose_name='postcode')),
                ('city', maatwerk.cases.fields.EncryptedTextField(blank=True, max_length=100, verbose_name='city')),
                ('protected_address', models.BooleanField(default=True, help_text="This member's address must not reach the other members of the household or any organisation, in writing or by phone.", verbose_name='protected address')),
                ('version', models.PositiveIntegerField(default=1, editable=False)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('household', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='member_identities', to='cases.household')),
            ],
            options={
                'verbose_name': 'member identity',
                'verbose_name_plural': 'member identities',
                'constraints': [models.UniqueConstraint(fields=('household', 'member'), name='member_identity_one_per_voice'), models.CheckConstraint(condition=models.Q(('member', ''), _negated=True), name='member_identity_names_a_member')],
            },
        ),
    ]
