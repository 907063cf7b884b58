"""The logged entry points of the exchange: importing a file and exporting cases.
Every import writes one ``create`` row per imported case to the access log (at the end
of its transaction); every export one ``export`` row per exported case, per batch
before the batch leaves (docs/audit.md)."""

from collections.abc import Iterator

from maatwerk.audit.models import Action, ProcessingActivity
from maatwerk.audit.services import log_access_many

from .exporter import export_batches
from .importer import ImportResult, import_file

COMMAND_LINE = "export-cases (command line)"

__all__ = ["ImportResult", "export_stream", "import_cases"]


def import_cases(path, *, team=None, skip_invalid=False, actor=None, request=None, progress=None):
    """Validate and import a ``maatwerk-case/1`` file (``importer.import_file``)."""
    kwargs = {"progress": progress} if progress else {}
    return import_file(
        path, team=team, skip_invalid=skip_invalid, actor=actor, request=request, **kwargs
    )


def export_stream(
    cases, *, actor=None, request=None, detail: str = "", progress=None
) -> Iterator[str]:
    """The lines of ``cases``, logged batch by batch as they are produced."""
    done = 0
    for rows in export_batches(cases):
        log_access_many(
            [
                {
                    "action": Action.EXPORT,
                    "processing_activity": ProcessingActivity.CASE_WORK,
                    "request": request,
                    "actor": actor,
                    "actor_username": "" if actor or request else COMMAND_LINE,
                    "obj": case,
                    "household": case.household.pseudonym,
                    "detail": f"maatwerk-case/1 {detail}".strip(),
                }
                for case, _line in rows
            ]
        )
        for _case, line in rows:
            yield line
        done += len(rows)
        if progress:
            progress("exporting", done, None)
