from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "maatwerk.accounts"
    verbose_name = _("Accounts and roles")

    def ready(self):
        # Imported here: the signal handlers import models, which the app registry only
        # allows once it is ready (the Django rule for AppConfig.ready).
        from maatwerk.audit.labels import register_object_labels, register_role_names

        from . import labels, signals  # noqa: F401

        register_role_names(labels.log_role_names)
        register_object_labels("accounts.user", labels.log_labels_user)

        # Permissions are created app by app during post_migrate, so the roles are
        # synchronised after each app (idempotent and cheap).
        post_migrate.connect(_sync_roles_after_migrate, dispatch_uid="maatwerk_sync_roles")


def _sync_roles_after_migrate(sender, using="default", **kwargs):
    # Imported when it runs: roles imports models (not ready at module import).
    from .roles import sync_roles

    sync_roles(using=using)
