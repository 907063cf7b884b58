"""Documents of a plan (docs/cases.md#documents-of-a-plan): attaching one, sharing it
with the organisations the case asks, and the team's access to it.

Stored like the receipts and the request attachments: under
``MEDIA_ROOT/plan_documents/`` with a random name (the upload's own name may name
someone), by a storage without URLs, PDF, JPG or PNG by their content and at most 10 MB
(``core.uploads.document_problem``). Only the case team sees a document; shared (with
the household's agreement, and the professional's confirmation for a case with a
safety concern), the decision makers of the organisations that have a request of the
case see it too: that side is the journeys app's (``journeys.selectors.
shared_plan_documents``), because the requests are."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from uuid import uuid4

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maatwerk.audit.access import NO_SUCH_OBJECT, NOT_VISIBLE, Refused
from maatwerk.audit.models import Action, ProcessingActivity
from maatwerk.audit.services import log_access
from maatwerk.core.uploads import detect_type, document_problem

from .models import AttachmentKind, Plan, PlanDocument, plan_document_files
from .selectors import visible_cases

CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg"}


def document_errors(upload, kind: str) -> dict:
    """The field errors of an uploaded document (a plan's, or a request's attachment):
    its file (type by content, size) and its kind."""
    errors = {}
    if problem := document_problem(upload):
        errors["file"] = problem
    if kind not in AttachmentKind.values:
        errors["kind"] = _("Choose the kind of document.")
    return errors


@contextmanager
def stored_document(storage, upload) -> Iterator[str]:
    """Save ``upload`` in ``storage`` under a random name (its own name may name
    someone), in a folder per month, and give that name; when the block fails (the
    database refused the row), the file is removed again: nothing half-stored."""
    extension = Path(upload.name).suffix.lower()
    stored = storage.save(f"{timezone.localdate():%Y/%m}/{uuid4().hex}{extension}", upload)
    try:
        yield stored
    except BaseException:
        storage.delete(stored)
        raise


def _sharing_problems(plan: Plan, *, household_agreed: bool, confirmed: bool) -> dict:
    errors = {}
    if not household_agreed:
        errors["household_agreed"] = _(
            "A document goes to the organisations only when the household agreed to that."
        )
    if plan.case.safety_concern and not confirmed:
        errors["confirm_share"] = _(
            "There is a safety concern: check that this document may go to the organisations "
            "and confirm it."
        )
    return errors


def _log_share(request, user, document: PlanDocument, *, share: bool) -> None:
    plan = document.plan
    log_access(
        action=Action.SHARE if share else Action.UPDATE,
        processing_activity=ProcessingActivity.CASE_WORK,
        request=request,
        actor=user,
        obj=document,
        household=plan.case.household.pseudonym,
        detail=(
            f"plan {plan.pk}: document {document.pk} ({document.kind}) "
            + (
                "shared with the organisations the case asks, with the household's agreement"
                + ("; confirmed (safety concern)" if plan.case.safety_concern else "")
                if share
                else "no longer shared with the organisations"
            )
        ),
    )


def plan_document_add(
    *,
    request,
    user,
    plan: Plan,
    upload,
    kind: str,
    description: str = "",
    share: bool = False,
    household_agreed: bool = False,
    confirmed: bool = False,
) -> PlanDocument:
    """Attach a document to a plan. Nothing is stored when anything is wrong: the file
    is removed again when the database refuses the row."""
    errors = document_errors(upload, kind)
    if share:
        errors.update(
            _sharing_problems(plan, household_agreed=household_agreed, confirmed=confirmed)
        )
    if errors:
        raise ValidationError(errors)
    content_type = detect_type(upload)
    today = timezone.localdate()
    with stored_document(plan_document_files, upload) as stored, transaction.atomic():
        document = PlanDocument.objects.create(
            plan=plan,
            kind=kind,
            description=description,
            file=stored,
            content_type=content_type,
            size=upload.size,
            shared_with_organisations=share,
            shared_on=today if share else None,
            uploaded_by=user,
        )
        log_access(
            action=Action.CREATE,
            processing_activity=ProcessingActivity.CASE_WORK,
            request=request,
            actor=user,
            obj=document,
            household=plan.case.household.pseudonym,
            detail=f"plan {plan.pk}: document ({kind})",
        )
        if share:
            _log_share(request, user, document, share=True)
    return document


def plan_document_set_shared(
    *,
    request,
    user,
    document: PlanDocument,
    share: bool,
    household_agreed: bool = False,
    confirmed: bool = False,
) -> PlanDocument:
    """Share a plan's document with the organisations the case asks, or stop sharing it
    (what they downloaded by then stays in their hands; the log shows it)."""
    with transaction.atomic():
        document = (
            PlanDocument.objects.select_for_update(of=("self",))
            .select_related("plan__case__household")
            .get(pk=document.pk)
        )
        if share == document.shared_with_organisations:
            return document
        if share:
            errors = _sharing_problems(
                document.plan, household_agreed=household_agreed, confirmed=confirmed
            )
            if errors:
                raise ValidationError(errors)
        document.shared_with_organisations = share
        document.shared_on = timezone.localdate() if share else None
        document.save(update_fields=["shared_with_organisations", "shared_on"])
        _log_share(request, user, document, share=share)
    return document


# --- Reads ------------------------------------------------------------------------------


def plan_documents(plan: Plan) -> list[PlanDocument]:
    """The documents of a plan the caller got through the policy (``case_for``)."""
    return list(plan.documents.select_related("uploaded_by").order_by("id"))


def plan_document_refused(pk, *, detail: str = NOT_VISIBLE) -> Refused:
    """The refusal of document ``pk`` (a logged 404, with the household's pseudonym)."""
    pseudonym = (
        PlanDocument.objects.filter(pk=pk)
        .values_list("plan__case__household__pseudonym", flat=True)
        .first()
    )
    return Refused(
        object_type=PlanDocument._meta.label_lower,
        object_id=pk,
        household=pseudonym or "",
        detail=detail if pseudonym is not None else NO_SUCH_OBJECT,
    )


def hidden_plan_document(kwarg: str):
    return lambda kwargs: plan_document_refused(kwargs[kwarg])


def plan_document_for(user, case_pk, plan_pk, pk) -> PlanDocument:
    """One document of a plan of a case the user may see (the case team, or an
    emergency access: ``visible_cases``); or a 404 (logged)."""
    document = (
        PlanDocument.objects.select_related("plan__case__household")
        .filter(
            pk=pk,
            plan_id=plan_pk,
            plan__case_id=case_pk,
            plan__case__in=visible_cases(user).values("pk"),
        )
        .first()
    )
    if document is None:
        raise plan_document_refused(pk)
    return document


def serve(document: PlanDocument, name: str):
    """The file as a download, under a name that names nobody."""
    from django.http import FileResponse

    extension = document.file.name.rsplit(".", 1)[-1].lower()
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=f"{name}-{document.kind}-{document.pk}.{extension}",
        content_type=CONTENT_TYPES.get(document.content_type, "application/pdf"),
    )
