from django.db import models, transaction

from maatwerk.core import forms as core_forms

from .models import Action, ProcessingActivity
from .services import log_access

# A TextField has no maximum length of its own; functional management types no more.
ADMIN_TEXT_MAX_LENGTH = 5000


def _with_rules(form_class):
    if issubclass(form_class, core_forms.InputRulesMixin):
        return form_class
    return type(form_class.__name__, (core_forms.InputRulesMixin, form_class), {})


class InputRulesAdminMixin:
    """The input rules of maatwerk.core.forms for a ModelAdmin or an inline: free text
    checked and limited in length, ids of choice fields checked (docs/input.md)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.TextField) and not db_field.max_length:
            kwargs.setdefault("max_length", ADMIN_TEXT_MAX_LENGTH)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", core_forms.ModelChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", core_forms.ModelMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_form(self, request, obj=None, **kwargs):
        return _with_rules(super().get_form(request, obj, **kwargs))

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = _with_rules(formset.form)
        return formset


class AuditedAdminMixin(InputRulesAdminMixin):
    """Applies the input rules and writes an access-log row for every change made in
    functional management, in the same transaction as the change (the admin wraps
    saves in one)."""

    audit_processing_activity = ProcessingActivity.REGISTER_MANAGEMENT

    def _audit(self, request, obj, action, detail=""):
        log_access(
            action=action,
            processing_activity=self.audit_processing_activity,
            request=request,
            obj=obj,
            detail=detail,
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changed = ",".join(form.changed_data) if change else ""
        self._audit(request, obj, Action.UPDATE if change else Action.CREATE, changed)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for deleted in formset.deleted_objects:
            self._audit(request, deleted, Action.DELETE)
            deleted.delete()
        for instance in instances:
            is_new = instance.pk is None
            instance.save()
            self._audit(request, instance, Action.CREATE if is_new else Action.UPDATE)
        formset.save_m2m()

    def delete_model(self, request, obj):
        with transaction.atomic():
            self._audit(request, obj, Action.DELETE)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self._audit(request, obj, Action.DELETE)
            super().delete_queryset(request, queryset)
