"""Names of users and roles for the access log's page (``audit.labels``)."""

from django.utils.translation import gettext as _

from maatwerk.audit.labels import ids_as_ints

from .models import Role, User


def log_role_names(codes: list[str]) -> dict[str, str]:
    """The roles' names in the current language (``Role.name``), by code."""
    return {role.code: role.name for role in Role.objects.filter(code__in=codes)}


def log_labels_user(ids: list[str]) -> dict[str, str]:
    rows = User.objects.filter(pk__in=ids_as_ints(ids)).values_list("pk", "username")
    return {str(pk): _("user %(username)s") % {"username": name} for pk, name in rows}
