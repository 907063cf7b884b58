from django.contrib import admin

from maatwerk.audit.admin_mixins import AuditedAdminMixin

from .models import CounterArgument


@admin.register(CounterArgument)
class CounterArgumentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """The editable list of counter-arguments per refusal reason (seeded once)."""

    list_display = ("reason", "text_nl", "order", "active")
    list_filter = ("reason", "active")
    search_fields = ("text_nl", "text_en")
    filter_horizontal = ("legal_grounds",)
