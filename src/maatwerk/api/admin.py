"""System clients and their tokens in functional management (/beheer/; docs/api.md,
"Tokens"). A token's secret is shown once, on the page right after it is made; only
its hash is kept. Revoking is a change (logged), never a deletion."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maatwerk.audit.admin_mixins import AuditedAdminMixin
from maatwerk.audit.models import Action, ProcessingActivity
from maatwerk.audit.services import log_access
from maatwerk.core import forms as core_forms

from .models import ApiToken, Scope, SystemClient

MAX_LIFETIME_DAYS = 366


class SystemClientForm(core_forms.ModelForm):
    class Meta:
        model = SystemClient
        fields = ["name", "organisation", "user", "contact_email", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "user" in self.fields:
            self.fields["user"].queryset = (
                get_user_model().objects.filter(is_superuser=False).order_by("username")
            )


@admin.register(SystemClient)
class SystemClientAdmin(AuditedAdminMixin, admin.ModelAdmin):
    audit_processing_activity = ProcessingActivity.ACCOUNT_MANAGEMENT
    form = SystemClientForm
    list_display = ("name", "organisation", "user", "active")
    list_filter = ("active",)
    search_fields = ("name",)

    def has_delete_permission(self, request, obj=None):
        return False


class ApiTokenForm(core_forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("scopes"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ApiToken
        fields = ["client", "name", "scopes", "expires_at"]

    def clean_expires_at(self):
        expires_at = self.cleaned_data["expires_at"]
        now = timezone.now()
        if expires_at <= now:
            raise forms.ValidationError(_("A token must expire in the future."))
        if (expires_at - now).days > MAX_LIFETIME_DAYS:
            raise forms.ValidationError(
                _("A token lives at most %(days)s days.") % {"days": MAX_LIFETIME_DAYS}
            )
        return expires_at


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdminMixin, admin.ModelAdmin):
    audit_processing_activity = ProcessingActivity.ACCOUNT_MANAGEMENT
    list_display = ("client", "key_id", "name", "expires_at", "revoked_at", "last_used_at")
    list_filter = ("client",)
    readonly_fields = ("key_id", "scopes_shown", "created_by", "last_used_at", "revoked_at")
    actions = ["revoke"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ApiTokenForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["client", "name", "scopes", "expires_at"]
        return [
            "client",
            "name",
            "key_id",
            "scopes_shown",
            "expires_at",
            "created_by",
            "last_used_at",
            "revoked_at",
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return (
            "client",
            "key_id",
            "scopes_shown",
            "expires_at",
            "created_by",
            "last_used_at",
            "revoked_at",
        )

    @admin.display(description=_("scopes"))
    def scopes_shown(self, obj):
        return ", ".join(obj.scopes)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        token, secret = ApiToken.issue(
            client=form.cleaned_data["client"],
            scopes=form.cleaned_data["scopes"],
            expires_at=form.cleaned_data["expires_at"],
            created_by=request.user,
            name=form.cleaned_data.get("name", ""),
        )
        obj.pk = token.pk
        obj.key_id = token.key_id
        request._maatwerk_token_secret = secret
        log_access(
            action=Action.CREATE,
            processing_activity=self.audit_processing_activity,
            request=request,
            obj=token,
            detail=f"API token {token.key_id} for {token.client}: {', '.join(token.scopes)}",
        )

    def response_add(self, request, obj, post_url_continue=None):
        secret = getattr(request, "_maatwerk_token_secret", None)
        if secret is None:
            return super().response_add(request, obj, post_url_continue)
        context = {
            **self.admin_site.each_context(request),
            "title": _("The new token"),
            "token": ApiToken.objects.get(pk=obj.pk),
            "secret": secret,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "api/admin/token_made.html", context)

    @admin.action(description=_("Revoke the chosen tokens"))
    def revoke(self, request, queryset):
        now = timezone.now()
        for token in queryset.filter(revoked_at__isnull=True):
            ApiToken.objects.filter(pk=token.pk).update(revoked_at=now)
            log_access(
                action=Action.UPDATE,
                processing_activity=self.audit_processing_activity,
                request=request,
                obj=token,
                detail=f"API token {token.key_id} revoked",
            )
        messages.success(request, _("The chosen tokens are revoked."))
