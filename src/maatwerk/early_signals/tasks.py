"""The background work of the early signals (django-tasks, ADR 0009): taking in an
uploaded file. Enqueued on commit of the upload's row; ``maatwerk db_worker`` runs it.

"Once": the upload's row is locked and must still be ``queued``; the intake and the
new status are written in one transaction, so a task that runs twice takes the file
in once."""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django_tasks import task

from . import services, uploads
from .models import Upload

logger = logging.getLogger(__name__)


def process(upload_id: int) -> str:
    with transaction.atomic():
        upload = (
            Upload.objects.select_for_update(skip_locked=True)
            .select_related("creditor__organisation", "team", "uploaded_by")
            .filter(pk=upload_id, status=Upload.Status.QUEUED)
            .first()
        )
        if upload is None:
            return "skipped"
        with upload.file.open("rb") as handle:
            data = handle.read()
        with translation.override(settings.LANGUAGE_CODE):
            checked = uploads.check_file(data)
        upload.row_count = checked.row_count
        upload.bad_rows = checked.bad_rows
        upload.problem_count = len(checked.problems)
        upload.problems = [p.as_dict() for p in checked.problems[: uploads.MAX_PROBLEMS_KEPT]]
        refused = checked.file_refused or (checked.problems and not upload.valid_only)
        if refused or not checked.rows:
            upload.status = Upload.Status.REJECTED
        else:
            result = services.intake_signals(
                checked.rows,
                creditor=upload.creditor,
                team=upload.team,
                user=upload.uploaded_by,
                file_name=upload.file_name,
            )
            upload.intake = result.intake
            upload.status = Upload.Status.DONE
        upload.finished_at = timezone.now()
        name = upload.file.name
        upload.file = ""
        upload.save()
        # The file is personal data: gone once processed (after the commit).
        storage = Upload._meta.get_field("file").storage
        transaction.on_commit(lambda: storage.delete(name))
    return upload.status


@task()
def place_open_bundles(version_id: int) -> int:
    """After a new version of the rules: place the open bundles again."""
    return services.place_open_bundles()


@task()
def process_upload(upload_id: int) -> str:
    try:
        return process(upload_id)
    except Exception:
        logger.exception("signal upload %s failed", upload_id)
        Upload.objects.filter(pk=upload_id, status=Upload.Status.QUEUED).update(
            status=Upload.Status.FAILED, finished_at=timezone.now()
        )
        raise
