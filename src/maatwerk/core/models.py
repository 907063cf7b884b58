"""Append-only history: a correction is a new row, never an edit.

The model and its queryset refuse updates and deletes; the tables that must also refuse
them in the database get triggers (``maatwerk.audit.triggers``).
"""

from django.db import models


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValueError(f"{self.model.__name__} rows are append-only")

    def delete(self):
        raise ValueError(f"{self.model.__name__} rows are append-only")


class AppendOnlyModel(models.Model):
    """History that is only ever added to: a correction is a new row."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError(f"{type(self).__name__} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(f"{type(self).__name__} rows are append-only")
