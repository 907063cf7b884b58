"""The cases in the API (/api/v1/cases/; docs/api.md): read-only, scoped by the one
access policy (``visible_cases``), sensitive life domains and the safety concern only
for those who reach the case through the policy (``may_see_sensitive``), exactly as
the case list shows them."""

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from rest_framework import serializers

from maatwerk.audit.api import AuditedReadOnlyViewSet

from .models import Case
from .selectors import SENSITIVE_DOMAINS, visible_cases, with_sensitive_visible


class CaseSerializer(serializers.ModelSerializer):
    pseudonym = serializers.CharField(
        source="household.pseudonym",
        read_only=True,
        help_text=_("The household's pseudonym: never a name or a citizen service number."),
    )
    team = serializers.CharField(
        source="team.name", read_only=True, help_text=_("The team that works on the case.")
    )
    composition = serializers.CharField(
        source="household.composition",
        read_only=True,
        help_text=_("The household's composition (the exchange format's codes)."),
    )
    municipality = serializers.CharField(
        source="household.municipality",
        read_only=True,
        help_text=_("The household's municipality."),
    )
    life_domains = serializers.SerializerMethodField(
        help_text=_(
            "The life domains' codes. The sensitive ones (health, addiction, safety, "
            "justice) only for those who work on the case."
        )
    )
    primary_domain = serializers.SerializerMethodField(
        help_text=_("The primary life domain's code (null when it is sensitive and not shown).")
    )
    safety_concern = serializers.SerializerMethodField(
        help_text=_("Whether there is a safety concern (null when not shown to the caller).")
    )

    class Meta:
        model = Case
        fields = [
            "id",
            "reference",
            "source",
            "pseudonym",
            "team",
            "status",
            "outcome",
            "opened_on",
            "closed_on",
            "composition",
            "municipality",
            "life_domains",
            "primary_domain",
            "safety_concern",
            "version",
        ]
        extra_kwargs = {
            "id": {"help_text": _("The case's number in this installation.")},
            "reference": {"help_text": _("The case's reference at its source.")},
            "source": {"help_text": _("The organisation whose reference it is.")},
            "status": {"help_text": _("Where the case stands.")},
            "outcome": {"help_text": _("The outcome of a closed case (empty while open).")},
            "opened_on": {"help_text": _("The day the case was opened.")},
            "closed_on": {"help_text": _("The day the case was closed (null while open).")},
            "version": {"help_text": _("Changes with every change of the case (for If-Match).")},
        }

    def _sensitive(self, case) -> bool:
        return bool(getattr(case, "sensitive_visible", False))

    def get_life_domains(self, case) -> list[str]:
        codes = [domain.code for domain in case.life_domains.all()]
        if not self._sensitive(case):
            codes = [code for code in codes if code not in SENSITIVE_DOMAINS]
        return sorted(codes)

    def get_primary_domain(self, case) -> str | None:
        code = case.primary_domain.code
        if code in SENSITIVE_DOMAINS and not self._sensitive(case):
            return None
        return code

    def get_safety_concern(self, case) -> bool | None:
        return case.safety_concern if self._sensitive(case) else None


class CaseFilter(filters.FilterSet):
    opened_from = filters.DateFilter(
        field_name="opened_on", lookup_expr="gte", help_text=_("Opened on or after this day.")
    )
    opened_to = filters.DateFilter(
        field_name="opened_on", lookup_expr="lte", help_text=_("Opened on or before this day.")
    )
    status = filters.ChoiceFilter(choices=Case.Status.choices, help_text=_("Only this status."))
    reference = filters.CharFilter(help_text=_("Exactly this reference."))

    class Meta:
        model = Case
        fields = ["status", "reference", "opened_from", "opened_to"]


class CaseViewSet(AuditedReadOnlyViewSet):
    """Cases the caller may see, newest first."""

    serializer_class = CaseSerializer
    filterset_class = CaseFilter
    required_scopes = {"GET": "cases:read"}
    required_perms = ("cases.view_case",)
    audit_object_type = Case._meta.label_lower
    ordering = ("-opened_on", "-id")

    def get_queryset(self):
        user = self.request.user
        return with_sensitive_visible(
            visible_cases(user).select_related("household", "team", "primary_domain"),
            user,
        ).prefetch_related("life_domains")

    def audit_household(self, obj) -> str:
        return obj.household.pseudonym
