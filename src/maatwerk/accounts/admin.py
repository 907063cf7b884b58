from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from maatwerk.audit.admin_mixins import AuditedAdminMixin
from maatwerk.audit.models import ProcessingActivity

from .models import Role, Team, User


@admin.register(User)
class UserAdmin(AuditedAdminMixin, BaseUserAdmin):
    audit_processing_activity = ProcessingActivity.ACCOUNT_MANAGEMENT
    list_display = ("username", "first_name", "last_name", "organisation", "is_active")
    list_filter = ("is_active", "groups", "organisation", "teams")
    filter_horizontal = ("groups", "teams")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal details"), {"fields": ("first_name", "last_name", "email")}),
        (_("Organisation, teams and roles"), {"fields": ("organisation", "teams", "groups")}),
        (_("Status"), {"fields": ("is_active", "last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "password1", "password2")}),
        (_("Organisation, teams and roles"), {"fields": ("organisation", "teams", "groups")}),
    )
    readonly_fields = ("last_login", "date_joined")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["label"] = _("roles")
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Team)
class TeamAdmin(AuditedAdminMixin, admin.ModelAdmin):
    audit_processing_activity = ProcessingActivity.ACCOUNT_MANAGEMENT
    list_display = ("name", "organisation", "active")
    list_filter = ("active", "organisation")
    search_fields = ("name", "organisation__name")


@admin.register(Role)
class RoleAdmin(AuditedAdminMixin, admin.ModelAdmin):
    audit_processing_activity = ProcessingActivity.ACCOUNT_MANAGEMENT
    list_display = ("code", "name_nl", "requires_two_factor")
    readonly_fields = ("code", "group")
    fields = (
        "code",
        "group",
        "name_nl",
        "name_en",
        "description_nl",
        "description_en",
        "requires_two_factor",
        "order",
    )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.unregister(Group)


@admin.register(Group)
class AuditedGroupAdmin(AuditedAdminMixin, GroupAdmin):
    """The groups behind the roles: changing their permissions is logged."""

    audit_processing_activity = ProcessingActivity.ACCOUNT_MANAGEMENT
