"""Functional management of the early signals' reference data: the creditors (which
organisation of the register sends signals, and of which type). No signal, bundle or
upload is registered here: those are personal data (docs/access.md)."""

from django.contrib import admin

from maatwerk.audit.admin_mixins import AuditedAdminMixin

from .models import Creditor


@admin.register(Creditor)
class CreditorAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("organisation", "type", "active")
    list_filter = ("type", "active")
    autocomplete_fields = ("organisation",)
    search_fields = ("organisation__name",)
