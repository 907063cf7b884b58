"""Reads of the register. The register holds no case data; what a user may browse
is decided by the ``register.view_organisation`` permission (see accounts.roles)."""

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from maatwerk.audit.labels import ids_as_ints

from .models import Contact, EscalationStep, Organisation


def organisation_search(
    *,
    query: str = "",
    type: str = "",
    domain: str = "",
    regulation: str = "",
    include_inactive: bool = False,
) -> QuerySet[Organisation]:
    organisations = Organisation.objects.all()
    if not include_inactive:
        organisations = organisations.filter(active=True)
    if query:
        organisations = organisations.filter(
            Q(name__icontains=query)
            | Q(description__icontains=query)
            | Q(contacts__name__icontains=query, contacts__active=True)
        )
    if type:
        organisations = organisations.filter(type=type)
    if domain:
        organisations = organisations.filter(life_domains__code=domain)
    if regulation:
        organisations = organisations.filter(regulations__code=regulation)
    return organisations.distinct().prefetch_related("life_domains", "regulations").order_by("name")


def organisation_detail(*, slug: str) -> Organisation | None:
    return (
        Organisation.objects.filter(slug=slug)
        .prefetch_related(
            "life_domains",
            "regulations",
            Prefetch("contacts", queryset=Contact.objects.filter(active=True).order_by("name")),
            Prefetch(
                "escalation_steps",
                queryset=EscalationStep.objects.select_related("contact__organisation").order_by(
                    "level"
                ),
            ),
        )
        .first()
    )


def log_labels_organisation(ids: list[str]) -> dict[str, str]:
    """Names for the access log's page (``audit.labels``)."""
    rows = Organisation.objects.filter(pk__in=ids_as_ints(ids)).values_list("pk", "name")
    return {str(pk): _("organisation %(name)s") % {"name": name} for pk, name in rows}
