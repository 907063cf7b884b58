from django.db import transaction

from .models import Action, ProcessingActivity
from .services import log_access


class AuditedAdminMixin:
    """Writes an access-log row for every change made in functional management,
    in the same transaction as the change (the admin wraps saves in one)."""

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
