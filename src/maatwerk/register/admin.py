from django import forms
from django.contrib import admin
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from maatwerk.audit.admin_mixins import AuditedAdminMixin, InputRulesAdminMixin
from maatwerk.core import forms as core_forms

from .models import (
    Contact,
    EscalationStep,
    LegalGround,
    LifeDomain,
    Organisation,
    ReferenceCost,
    Regulation,
)


class OrganisationForm(core_forms.ModelForm):
    """Refuses to save over a change someone else saved since this form was opened."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Organisation
        fields = [
            "name",
            "slug",
            "type",
            "description",
            "life_domains",
            "regulations",
            "email",
            "phone",
            "response_target_days",
            "active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            current = (
                Organisation.objects.filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            if cleaned.get("loaded_version") != current:
                raise forms.ValidationError(
                    _(
                        "Someone else saved this organisation while you were editing it. "
                        "Open it again to see their changes; your changes were not saved."
                    ),
                    code="conflict",
                )
        return cleaned


class ContactInline(InputRulesAdminMixin, admin.StackedInline):
    model = Contact
    extra = 0
    fields = ("name", "function", "email", "phone", "mandate", "active")


class EscalationStepInline(InputRulesAdminMixin, admin.TabularInline):
    model = EscalationStep
    extra = 0
    max_num = 4
    autocomplete_fields = ("contact",)


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = OrganisationForm
    list_display = ("name", "type", "response_target_days", "active")
    list_filter = ("type", "active", "life_domains")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("life_domains", "regulations")
    inlines = [ContactInline, EscalationStepInline]

    def save_model(self, request, obj, form, change):
        if change:
            # Compare-and-set: the version only moves forward from the one loaded.
            updated = Organisation.objects.filter(
                pk=obj.pk, version=form.cleaned_data.get("loaded_version")
            ).update(version=F("version") + 1)
            if not updated:
                raise RuntimeError("organisation changed concurrently")  # clean() guards this
            obj.version = form.cleaned_data["loaded_version"] + 1
        super().save_model(request, obj, form, change)


@admin.register(Contact)
class ContactAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "function", "organisation", "email", "phone", "active")
    list_filter = ("active", "organisation__type")
    search_fields = ("name", "organisation__name", "email")


@admin.register(LifeDomain)
class LifeDomainAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name_nl", "name_en", "order", "active")
    readonly_fields = ("code",)

    def get_readonly_fields(self, request, obj=None):
        # The codes are fixed by the exchange format; only names and order change.
        return ("code",) if obj else ()


@admin.register(Regulation)
class RegulationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "abbreviation", "active")
    search_fields = ("name", "abbreviation")


@admin.register(LegalGround)
class LegalGroundAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("title", "regulation", "article", "active")
    list_filter = ("active", "regulation")
    search_fields = ("title", "article", "description")


@admin.register(ReferenceCost)
class ReferenceCostAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name_nl", "amount", "unit", "active")
    list_filter = ("unit", "active")
