from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class JourneysConfig(AppConfig):
    name = "maatwerk.journeys"
    verbose_name = _("Journeys")

    def ready(self):
        post_migrate.connect(_seed, sender=self)


def _seed(sender, using="default", **kwargs):
    from .seed import seed_counter_arguments

    seed_counter_arguments(using=using)
