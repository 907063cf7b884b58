"""The base classes of every form of Maatwerk: the input rules in one place.

Every form is a ``maatwerk.core.forms.Form`` or ``ModelForm`` (and every model choice
field one of the two below); ``core/tests/test_forms.py`` walks all forms to prove it.
What the rules do, and why, is in docs/input.md:

- free text (every ``CharField``): zero-width characters removed, NUL and bidirectional
  controls refused with a field error (``maatwerk.core.text``); a maximum length on
  every field (checked by the test, since a model's ``TextField`` has none);
- every date (``DateField``) between 1900 and 2100 (``core.dates.date_range_problem``);
  a form adds tighter bounds where a date has them (a date of birth, a meeting);
- an id posted to a model choice field is a whole number a database id can be, or a
  field error ("Select a valid choice"), not a database error (a number too large for
  SQLite's INTEGER raises OverflowError in the query).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models

from .dates import date_range_problem
from .numbers import parse_int
from .text import strip_zero_width, validate_free_text

_INTEGER_KEYS = (models.AutoField, models.BigAutoField, models.IntegerField)


def _integer_key(field) -> bool:
    model = field.queryset.model
    key = model._meta.get_field(field.to_field_name) if field.to_field_name else model._meta.pk
    while key.is_relation:  # a one-to-one primary key
        key = key.target_field
    return isinstance(key, _INTEGER_KEYS)


def _is_id(field, value) -> bool:
    """``value`` (posted, or a disabled field's initial object) is an id a database
    column can hold, or the field's key is not a number."""
    if isinstance(value, field.queryset.model) or not _integer_key(field):
        return True
    return parse_int(str(value).strip(), minimum=-(2**63)) is not None


class ModelChoiceField(forms.ModelChoiceField):
    """Django's field, which first checks that an integer key is a number a database
    column can hold."""

    def to_python(self, value):
        if value not in self.empty_values and not _is_id(self, value):
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return super().to_python(value)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, which first checks that every integer key is a number a
    database column can hold."""

    def _check_values(self, value):
        for pk in value if isinstance(value, list | tuple) else ():
            if not _is_id(self, pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": str(pk)[:40]},
                )
        return super()._check_values(value)


def _without_zero_width(to_python):
    def clean(value):
        value = to_python(value)
        return strip_zero_width(value) if isinstance(value, str) else value

    return clean


def validate_date_range(value) -> None:
    """Every typed date lies between 1900 and 2100 (``core.dates``)."""
    if value is not None and (problem := date_range_problem(value)):
        raise ValidationError(problem, code="date_out_of_range")


def apply_input_rules(form) -> None:
    """Give every free-text field of ``form`` the rules of ``maatwerk.core.text``.
    Called by the base classes before cleaning; idempotent."""
    for field in form.fields.values():
        if isinstance(field.widget, forms.PasswordInput):
            continue  # a password is compared as typed
        if isinstance(field, forms.CharField) and validate_free_text not in field.validators:
            field.to_python = _without_zero_width(field.to_python)
            field.validators.append(validate_free_text)
        if isinstance(field, forms.DateField) and validate_date_range not in field.validators:
            field.validators.append(validate_date_range)


class InputRulesMixin:
    """Applies the rules when the form is cleaned, so that they also reach the fields
    a form adds in its own ``__init__``."""

    def full_clean(self):
        apply_input_rules(self)
        super().full_clean()


class Form(InputRulesMixin, forms.Form):
    pass


# A model's TextField has no maximum length; a form field made from it gets this one.
TEXT_MAX_LENGTH = 5000


def _conform(field) -> None:
    """A form field Django made from a model field, brought under the rules: the
    checked model choice fields, and a maximum length for text."""
    if type(field) is forms.ModelMultipleChoiceField:
        field.__class__ = ModelMultipleChoiceField  # same state, one method more
    elif type(field) is forms.ModelChoiceField:
        field.__class__ = ModelChoiceField
    elif (
        isinstance(field, forms.CharField)
        and field.max_length is None
        and not isinstance(field.widget, forms.PasswordInput)
    ):
        field.max_length = TEXT_MAX_LENGTH
        field.validators.append(MaxLengthValidator(TEXT_MAX_LENGTH))
        field.widget.attrs.update(field.widget_attrs(field.widget))


class ModelFormMetaclass(forms.models.ModelFormMetaclass):
    def __new__(mcs, name, bases, attrs):
        new_class = super().__new__(mcs, name, bases, attrs)
        for field in new_class.base_fields.values():
            _conform(field)
        return new_class


class ModelForm(InputRulesMixin, forms.ModelForm, metaclass=ModelFormMetaclass):
    pass
