"""Model fields that encrypt their value before it reaches the database.

The direct identifiers of a household (names, date of birth, BSN, address) are
special-category personal data. These fields keep them unreadable in the database file
and in database backups: the column holds a Fernet token (AES-128-CBC with an
HMAC-SHA256, from the ``cryptography`` package), and the model attribute holds the
plain value.

Keys come from ``settings.FIELD_ENCRYPTION_KEYS`` (the environment variable
``MAATWERK_FIELD_KEYS``, see docs/configuration.md): the first key encrypts, every key
decrypts. To rotate, put a new key in front, run :func:`reencrypt_all`, then drop the
old key.

What the encryption costs:

- The database cannot look inside the value. Such a field cannot be searched,
  filtered, ordered, indexed or unique. The only lookups are ``__isnull`` and, for
  text, ``== ""``; any other lookup raises ``FieldError`` at once, rather than quietly
  finding nothing. A system check refuses ``unique``, ``primary_key``, ``db_index``
  and ``Meta.ordering`` on these fields. Search has to happen in Python, on rows that
  were narrowed down by other (unencrypted) columns.
- Emptiness is visible: NULL stays NULL, and the empty string is stored as the empty
  string, so that an optional field left blank stays blank. Everything else is
  encrypted, and the same value encrypts differently every time.
- A value that no configured key can decrypt raises :class:`FieldDecryptionError` (an
  ``ImproperlyConfigured``); a field never hands out ciphertext as if it were the value.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django import forms
from django.apps import apps
from django.conf import settings
from django.core import checks
from django.core.exceptions import FieldError, ImproperlyConfigured, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models, transaction
from django.db.models.lookups import Exact, IsNull
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from maatwerk.core.widgets import DateInput

__all__ = [
    "EncryptedDateField",
    "EncryptedTextField",
    "FieldDecryptionError",
    "decrypt_str",
    "encrypt_str",
    "encrypted_field_names",
    "get_fernet",
    "reencrypt",
    "reencrypt_all",
]

KEYS_VARIABLE = "MAATWERK_FIELD_KEYS"


class FieldDecryptionError(ImproperlyConfigured):
    """A stored value cannot be decrypted with any of the configured keys."""


# --- Keys and the cipher ----------------------------------------------------------


def _configured_keys() -> tuple[str, ...]:
    keys = getattr(settings, "FIELD_ENCRYPTION_KEYS", None) or ()
    if isinstance(keys, str | bytes):
        keys = [keys]
    flattened = []
    for key in keys:
        text = key.decode("ascii") if isinstance(key, bytes) else str(key)
        flattened.extend(part.strip() for part in text.split(",") if part.strip())
    if not flattened:
        raise ImproperlyConfigured(
            f"No key for encrypted fields: set {KEYS_VARIABLE} (settings.FIELD_ENCRYPTION_KEYS)."
        )
    return tuple(flattened)


@functools.lru_cache(maxsize=8)
def _multi_fernet(keys: tuple[str, ...]) -> MultiFernet:
    fernets = []
    for number, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key))
        except (ValueError, TypeError):
            raise ImproperlyConfigured(
                f"{KEYS_VARIABLE}: key {number} of {len(keys)} is not a Fernet key "
                "(32 bytes in URL-safe base64, 44 characters ending in '=')."
            ) from None
    return MultiFernet(fernets)


def get_fernet() -> MultiFernet:
    """The cipher for the keys in the settings as they are now.

    Built once per set of keys, so a changed setting (``override_settings`` in a test)
    takes effect at once.
    """
    return _multi_fernet(_configured_keys())


def encrypt_str(plaintext: str) -> str:
    """A Fernet token (ASCII text) for ``plaintext``, made with the first key."""
    return get_fernet().encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt_str(token: str, *, what: str = "a value") -> str:
    """The plain text of a token made by :func:`encrypt_str` with any configured key.

    Raises :class:`FieldDecryptionError` when no key fits. ``what`` names the value in
    that message (for example ``cases.Person.last_name``); the message never contains
    the token or the plain text.
    """
    try:
        return get_fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError, TypeError, AttributeError):
        raise FieldDecryptionError(
            f"Cannot decrypt {what}: none of the keys in {KEYS_VARIABLE} fits. The key it "
            f"was encrypted with is missing from {KEYS_VARIABLE} (or was replaced), or the "
            "database holds a value that this application did not encrypt."
        ) from None


# --- Lookups ------------------------------------------------------------------------


class EncryptedExact(Exact):
    """``field=None`` (becomes ``__isnull``) and, for text, ``field=""``; nothing else.

    Any other value is encrypted with a fresh random IV, so an equality test on the
    ciphertext would never match: refuse it instead of finding nothing.
    """

    def get_prep_lookup(self):
        field = self.lhs.output_field
        if self.rhs is None or (self.rhs == "" and field.empty_strings_allowed):
            return super().get_prep_lookup()
        raise FieldError(_lookup_refusal(field, "exact"))


ENCRYPTED_LOOKUPS = {"exact": EncryptedExact, "isnull": IsNull}


def _field_label(field: models.Field) -> str:
    model = getattr(field, "model", None)
    if model is None:
        return field.name or field.__class__.__name__
    return f"{model._meta.label}.{field.name}"


def _lookup_refusal(field: models.Field, lookup_name: str) -> str:
    what = "__isnull" + (' and == ""' if field.empty_strings_allowed else "")
    return (
        f"{_field_label(field)} is encrypted, so the database cannot compare its contents "
        f"('{lookup_name}'). Only {what} can be queried; filter on other fields and "
        "compare decrypted values in Python."
    )


# --- Fields ----------------------------------------------------------------------


class EncryptedFieldMixin:
    """What both encrypted fields share: restricted lookups and the system checks."""

    def get_internal_type(self):
        return "TextField"

    # Lookups: only those in ENCRYPTED_LOOKUPS; no transforms (no __year, __lower, …).
    def get_lookup(self, lookup_name):
        return ENCRYPTED_LOOKUPS.get(lookup_name)

    def get_transform(self, lookup_name):
        return None

    def get_instance_lookups(self):
        return dict(ENCRYPTED_LOOKUPS)

    def check(self, **kwargs):
        return [*super().check(**kwargs), *self._check_encrypted_options()]

    def _check_encrypted_options(self):
        errors = []
        hint = (
            "An encrypted value differs every time it is written; the database cannot compare it."
        )
        if self.primary_key or self.unique:
            errors.append(
                checks.Error(
                    "An encrypted field cannot be unique or a primary key.",
                    hint=hint,
                    obj=self,
                    id="maatwerk_fields.E001",
                )
            )
        if self.db_index:
            errors.append(
                checks.Error(
                    "An encrypted field cannot have a database index.",
                    hint=hint,
                    obj=self,
                    id="maatwerk_fields.E002",
                )
            )
        model = getattr(self, "model", None)
        ordering = model._meta.ordering if model is not None else ()
        for item in ordering or ():
            if isinstance(item, str) and item.lstrip("-?") == self.name:
                errors.append(
                    checks.Error(
                        "An encrypted field cannot be in Meta.ordering.",
                        hint=hint + " Sort decrypted values in Python.",
                        obj=self,
                        id="maatwerk_fields.E003",
                    )
                )
        return errors

    def _decrypt(self, token: str) -> str:
        return decrypt_str(token, what=_field_label(self))


class EncryptedTextField(EncryptedFieldMixin, models.TextField):
    """Text, encrypted at rest. ``None`` and ``""`` are stored as they are.

    With ``max_length`` the value is validated against it and the form field is a
    one-line text input (as for ``CharField``); without, a textarea. ``max_length``
    limits the plain text; the column is unlimited text, because a token is longer.
    """

    description = _("Text (encrypted)")

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return self._decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)  # str (also from a lazy string) or None
        if value is None or value == "":
            return value
        return encrypt_str(value)

    @cached_property
    def validators(self):
        validators = super().validators
        if self.max_length is not None:
            validators = [*validators, MaxLengthValidator(self.max_length)]
        return validators

    def formfield(self, **kwargs):
        if self.max_length is None:
            return super().formfield(**kwargs)
        # Skip TextField's textarea: a one-line input like CharField's.
        return models.Field.formfield(self, **{"max_length": self.max_length, **kwargs})


class EncryptedDateField(EncryptedFieldMixin, models.Field):
    """A date, encrypted at rest (the ISO date ``YYYY-MM-DD``, in a text column).

    ``None`` is stored as NULL; an empty value means ``None`` (use ``null=True`` for an
    optional date). The form field is a ``forms.DateField`` with a date input.
    """

    empty_strings_allowed = False
    default_error_messages = {
        "invalid": models.DateField.default_error_messages["invalid"],
        "invalid_date": models.DateField.default_error_messages["invalid_date"],
    }
    description = _("Date (encrypted)")

    def to_python(self, value):
        if value is None or value == "":
            return None
        if isinstance(value, datetime.datetime):
            if settings.USE_TZ and timezone.is_aware(value):
                value = timezone.make_naive(value, timezone.get_default_timezone())
            return value.date()
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, str):
            try:
                parsed = parse_date(value.strip())
            except ValueError:
                raise ValidationError(
                    self.error_messages["invalid_date"],
                    code="invalid_date",
                    params={"value": value},
                ) from None
            if parsed is not None:
                return parsed
        raise ValidationError(
            self.error_messages["invalid"], code="invalid", params={"value": value}
        )

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return None
        return datetime.date.fromisoformat(self._decrypt(value))

    def get_prep_value(self, value):
        value = self.to_python(super().get_prep_value(value))
        return None if value is None else encrypt_str(value.isoformat())

    def value_to_string(self, obj):
        value = self.value_from_object(obj)
        return "" if value is None else value.isoformat()

    def formfield(self, **kwargs):
        return super().formfield(
            **{
                "form_class": forms.DateField,
                "widget": DateInput(),
                **kwargs,
            }
        )


# --- Re-encryption (key rotation) ---------------------------------------------------


def encrypted_field_names(model: type[models.Model]) -> list[str]:
    """The names of the encrypted fields stored in this model's own table."""
    return [
        field.name
        for field in model._meta.local_concrete_fields
        if isinstance(field, EncryptedFieldMixin)
    ]


def reencrypt(
    model_or_queryset: type[models.Model] | models.QuerySet, *, batch_size: int = 500
) -> int:
    """Write the encrypted fields of every row again, with the first key. Returns the
    number of rows.

    Runs ``QuerySet.update()`` per row, so ``save()``, signals and ``auto_now`` are
    not involved: the values do not change, only the key they are encrypted with.
    Each batch is one transaction; running it again is harmless.
    """
    if isinstance(model_or_queryset, models.QuerySet):
        queryset = model_or_queryset
    else:
        queryset = model_or_queryset._base_manager.all()
    model = queryset.model
    names = encrypted_field_names(model)
    if not names:
        return 0
    pks = list(queryset.order_by("pk").values_list("pk", flat=True))
    manager = model._base_manager.db_manager(queryset.db)
    for start in range(0, len(pks), batch_size):
        batch = pks[start : start + batch_size]
        with transaction.atomic(using=queryset.db):
            rows = manager.filter(pk__in=batch).values_list("pk", *names)
            for pk, *values in rows:
                manager.filter(pk=pk).update(**dict(zip(names, values, strict=True)))
    return len(pks)


def reencrypt_all(
    model_classes: Iterable[type[models.Model]] | None = None,
) -> dict[str, int]:
    """:func:`reencrypt` every model with encrypted fields (all installed models by
    default); returns the number of rows per model label. Step two of a key rotation::

        maatwerk shell -c "from maatwerk.cases.fields import reencrypt_all; print(reencrypt_all())"
    """
    counts = {}
    for model in apps.get_models() if model_classes is None else model_classes:
        if model._meta.proxy or not encrypted_field_names(model):
            continue
        counts[model._meta.label] = reencrypt(model)
    return counts
