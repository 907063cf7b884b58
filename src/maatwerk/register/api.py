"""The Maatwerkregister in the API (/api/v1/register/…; docs/api.md): read-only.
Not case data: reads are not logged, as the register's pages are not; refusals are."""

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from rest_framework import serializers

from maatwerk.audit.api import AuditedReadOnlyViewSet

from .models import Organisation, OrganisationType


class OrganisationSerializer(serializers.ModelSerializer):
    life_domains = serializers.SlugRelatedField(
        many=True,
        read_only=True,
        slug_field="code",
        help_text=_("The life domains the organisation works in (codes)."),
    )
    regulations = serializers.SlugRelatedField(
        many=True,
        read_only=True,
        slug_field="code",
        help_text=_("The regulations it decides on (codes)."),
    )

    class Meta:
        model = Organisation
        fields = [
            "id",
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
            "version",
        ]
        extra_kwargs = {
            "id": {"help_text": _("The organisation's number in this installation.")},
            "name": {"help_text": _("The organisation's name.")},
            "slug": {"help_text": _("The organisation's short name in addresses.")},
            "type": {"help_text": _("The kind of organisation (the exchange format's codes).")},
            "description": {"help_text": _("What the organisation does.")},
            "email": {"help_text": _("The central e-mail address.")},
            "phone": {"help_text": _("The central phone number.")},
            "response_target_days": {
                "help_text": _("The working days it takes to answer a request, at most.")
            },
            "active": {"help_text": _("Whether the organisation is still in the register.")},
            "version": {"help_text": _("Changes with every change (for If-Match).")},
        }


class OrganisationFilter(filters.FilterSet):
    type = filters.ChoiceFilter(choices=OrganisationType.choices, help_text=_("Only this type."))
    name = filters.CharFilter(
        lookup_expr="icontains", help_text=_("Part of the name (not case-sensitive).")
    )
    domain = filters.CharFilter(
        field_name="life_domains__code", help_text=_("Works in this life domain (code).")
    )

    class Meta:
        model = Organisation
        fields = ["type", "name", "domain"]


class OrganisationViewSet(AuditedReadOnlyViewSet):
    """The organisations of the Maatwerkregister, by name."""

    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    required_scopes = {"GET": "register:read"}
    required_perms = ("register.view_organisation",)
    audit_object_type = Organisation._meta.label_lower
    audit_activity = "register_management"
    personal_data = False
    ordering = ("name", "id")

    def get_queryset(self):
        return (
            Organisation.objects.filter(active=True)
            .prefetch_related("life_domains", "regulations")
            .distinct()
        )
