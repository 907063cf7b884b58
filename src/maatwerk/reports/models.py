"""Background work a user starts in the reports app (an import, an export, a long
report): one row per piece of work, with its progress for the page that polls it.

The work itself runs as a django-tasks task (``maatwerk db_worker``; ADR 0009); the
row is what the user sees: who started it, for which team, how far it is, and its
result (errors, figures, a file). Files are case data: private storage, no URL.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from maatwerk.core.storage import PrivateStorage

job_files = PrivateStorage("reports", "reports:job_file")


class Job(models.Model):
    class Kind(models.TextChoices):
        IMPORT = "import", _("import of cases")
        EXPORT = "export", _("export of cases")
        REPORT = "report", _("report")

    class State(models.TextChoices):
        QUEUED = "queued", _("waiting")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.QUEUED, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # What was asked (period, format, threshold …): never case content.
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    # Progress: ``done`` of ``total`` units (lines, cases); ``total`` unknown until counted.
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(null=True, blank=True)
    phase = models.CharField(_("phase"), max_length=32, blank=True)
    # The outcome: counts, the problems found (line, path, reason), report figures.
    result = models.JSONField(_("result"), null=True, blank=True)
    file = models.FileField(
        _("file"), storage=job_files, upload_to="%Y/%m/", max_length=300, blank=True
    )
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_by", "-created_at"], name="job_user_newest")]
        permissions = [
            (
                "exchange_cases",
                _("Can import and export the cases of one's own teams (maatwerk-case/1)"),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, round(100 * self.done / self.total))


class Report(models.Model):
    """No table: the holder of the report page's permissions (docs/report-page.md).

    ``view_report``: the report page and its downloads (aggregated, disclosure-
    controlled figures); ``view_all_teams``: over all teams and for any team (without
    it, only for one's own teams); ``lower_threshold``: a threshold below
    ``MAATWERK_DISCLOSURE_THRESHOLD`` (granted to no role: functional management gives
    it to one analyst or administrator by hand; every use is logged)."""

    class Meta:
        managed = False
        default_permissions = ()
        verbose_name = _("report")
        permissions = [
            ("view_report", _("Can see the system learning report")),
            ("view_all_teams", _("Can see the report over all teams and for any team")),
            ("lower_threshold", _("Can lower the disclosure threshold of a report")),
        ]

    def __str__(self):
        return str(self._meta.verbose_name)
