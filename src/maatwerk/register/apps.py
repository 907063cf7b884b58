from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class RegisterConfig(AppConfig):
    name = "maatwerk.register"
    verbose_name = _("Maatwerkregister")

    def ready(self):
        # Imported here, not at the top: models may only be imported once the app
        # registry is ready (the Django rule for AppConfig.ready).
        from maatwerk.audit.labels import register_object_labels

        from .selectors import log_labels_organisation

        register_object_labels("register.organisation", log_labels_organisation)
        post_migrate.connect(_seed_reference_lists, sender=self)


def _seed_reference_lists(sender, using="default", **kwargs):
    # Imported when it runs: the seed imports models (not ready at module import).
    from .seed import seed_reference_lists

    seed_reference_lists(using=using)
