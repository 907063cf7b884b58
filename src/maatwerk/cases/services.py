"""Every write of case data: keyword-only, atomic, validating, and logged in the same
transaction as the change."""

import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maatwerk.audit import events
from maatwerk.audit.models import Action, ProcessingActivity
from maatwerk.audit.services import log_access
from maatwerk.core.dates import date_problem
from maatwerk.core.errors import ConflictError

from .audience import audience_problem, default_audience
from .models import (
    Audience,
    Case,
    CaseEvent,
    Confirmation,
    Household,
    HouseholdIdentity,
    MemberIdentity,
    Perspective,
)
from .selectors import current_perspectives, latest_version
from .workflow import TRANSITIONS


def case_frame(request, case: Case, *, detail: str = "") -> list[dict]:
    """The read every page of one case does: the household's voices, shown in the page's
    header (``cases/_case_header.html``), and the page's access-log row, in one
    transaction (inside the caller's, when it has one). Returns the voices."""
    with transaction.atomic():
        voices = current_perspectives(case)
        events.case_read(request, case, detail=detail)
    return voices


def new_pseudonym() -> str:
    for digits in (4, 4, 4, 4, 5, 5, 6, 6, 8):
        candidate = f"HH-{secrets.randbelow(9 * 10 ** (digits - 1)) + 10 ** (digits - 1)}"
        if not Household.objects.filter(pseudonym=candidate).exists():
            return candidate
    raise RuntimeError("could not find a free pseudonym")


def new_reference(source: str, year: int) -> str:
    prefix = f"MW-{year}-"
    count = Case.objects.filter(source=source, reference__startswith=prefix).count()
    return f"{prefix}{count + 1:05d}"


def case_open(
    *,
    request,
    user,
    team,
    perspective: str,
    needed: str,
    life_domains,
    primary_domain,
    composition: str,
    adults: int,
    children: int,
    safety_concern: bool,
    deciding_organisations=(),
    problems_start_domain=None,
    opened_on=None,
) -> Case:
    """Open a case for a new household, with its first perspective (kept forever)."""
    if primary_domain not in life_domains:
        raise ValidationError(
            {"primary_domain": _("The primary life domain must be one of the chosen domains.")}
        )
    if team not in user.teams.all():
        raise ValidationError(_("You can only open a case for a team you belong to."))
    opened_on = opened_on or timezone.localdate()
    with transaction.atomic():
        household = Household.objects.create(
            pseudonym=new_pseudonym(),
            composition=composition,
            adults=adults,
            children=children,
            municipality=team.organisation.name if team.organisation.type == "municipality" else "",
        )
        source = team.organisation.name
        case = Case.objects.create(
            reference=new_reference(source, opened_on.year),
            source=source,
            household=household,
            team=team,
            owner=user,
            opened_on=opened_on,
            needed=needed,
            primary_domain=primary_domain,
            safety_concern=safety_concern,
        )
        case.life_domains.set(life_domains)
        case.deciding_organisations.set(deciding_organisations)
        Perspective.objects.create(
            case=case,
            member="",
            version=1,
            text=perspective,
            audience=Audience.HOUSEHOLD,
            problems_start_domain=problems_start_domain,
            recorded_on=opened_on,
            confirmation=Confirmation.FIRST,
            recorded_by=user,
        )
        CaseEvent.objects.create(
            case=case, kind=CaseEvent.Kind.OPENED, happened_on=opened_on, actor=user
        )
        log_access(
            action=Action.CREATE,
            processing_activity=ProcessingActivity.CASE_WORK,
            request=request,
            actor=user,
            obj=case,
            household=household.pseudonym,
        )
    return case


def perspective_record(
    *,
    request,
    user,
    case: Case,
    text: str,
    confirmation: str,
    recorded_on,
    based_on_version: int,
    member: str = "",
    audience: str = "",
    problems_start_domain=None,
) -> Perspective:
    """Add a version of a voice's perspective. ``based_on_version`` is the version the
    user saw; if someone added one since, nothing is saved and ConflictError says so.
    ``audience``: who may hear this version; empty is the voice's safe default (a
    member's words for that member only, the whole household's for the household)."""
    member = member.strip()
    audience = audience or default_audience(member)
    if problem := audience_problem(audience, member):
        raise ValidationError({"audience": problem})
    if confirmation == Confirmation.FIRST and latest_version(case, member) > 0:
        raise ValidationError(
            {"confirmation": _("Say how the household confirmed this new version.")}
        )
    if problem := date_problem(recorded_on, opened_on=case.opened_on):
        raise ValidationError({"recorded_on": problem})
    try:
        with transaction.atomic():
            current = latest_version(case, member)
            if current != based_on_version:
                raise ConflictError(
                    _("Someone else recorded a new version of this perspective in the meantime."),
                    current=Perspective.objects.get(case=case, member=member, version=current),
                )
            perspective = Perspective.objects.create(
                case=case,
                member=member,
                version=current + 1,
                text=text,
                audience=audience,
                problems_start_domain=problems_start_domain,
                recorded_on=recorded_on,
                confirmation=confirmation if current else Confirmation.FIRST,
                recorded_by=user,
            )
            CaseEvent.objects.create(
                case=case,
                kind=CaseEvent.Kind.PERSPECTIVE,
                happened_on=recorded_on,
                actor=user,
                summary=member,
            )
            log_access(
                action=Action.UPDATE if current else Action.CREATE,
                processing_activity=ProcessingActivity.CASE_WORK,
                request=request,
                actor=user,
                obj=perspective,
                household=case.household.pseudonym,
            )
    except IntegrityError as exc:  # a simultaneous save took the same version number
        raise ConflictError(
            _("Someone else recorded a new version of this perspective in the meantime."),
            current=Perspective.objects.filter(case=case, member=member)
            .order_by("-version")
            .first(),
        ) from exc
    return perspective


def identity_save(*, request, user, case: Case, form) -> HouseholdIdentity:
    """Save the household's identifiers; refuses to overwrite a change someone else
    saved since the form was loaded (compare-and-set on ``version``)."""
    loaded = form.cleaned_data["loaded_version"]
    with transaction.atomic():
        identity = form.save(commit=False)
        if loaded == 0:
            if HouseholdIdentity.objects.filter(household=case.household).exists():
                raise ConflictError(_("Someone else saved these details in the meantime."))
            identity.household = case.household
            identity.version = 1
            identity.save(force_insert=True)
        else:
            taken = HouseholdIdentity.objects.filter(
                household=case.household, version=loaded
            ).update(version=loaded + 1)
            if not taken:
                raise ConflictError(_("Someone else saved these details in the meantime."))
            identity.version = loaded + 1
            identity.save()
        log_access(
            action=Action.UPDATE if loaded else Action.CREATE,
            processing_activity=ProcessingActivity.CASE_WORK,
            request=request,
            actor=user,
            object_type=HouseholdIdentity._meta.label_lower,
            object_id=case.household_id,
            household=case.household.pseudonym,
            detail="fields: " + ",".join(form.changed_data),
        )
    return identity


def member_identity_save(*, request, user, case: Case, member: str, form) -> MemberIdentity:
    """Save the identifiers of one member or sub-household (a voice of the case, never
    the whole household); refuses to overwrite a change someone else saved since the
    form was loaded. The log names the voice by the id of its first perspective and
    the fields that changed, never a value or the voice's name."""
    first = (
        Perspective.objects.filter(case=case, member=member).order_by("version").first()
        if member
        else None
    )
    if first is None:
        raise ValidationError(_("Record this member's perspective before their details."))
    loaded = form.cleaned_data["loaded_version"]
    with transaction.atomic():
        identity = form.save(commit=False)
        rows = MemberIdentity.objects.filter(household=case.household, member=member)
        if loaded == 0:
            if rows.exists():
                raise ConflictError(_("Someone else saved these details in the meantime."))
            identity.household = case.household
            identity.member = member
            identity.version = 1
            try:
                with transaction.atomic():
                    identity.save(force_insert=True)
            except IntegrityError as exc:  # saved at the same moment
                raise ConflictError(_("Someone else saved these details in the meantime.")) from exc
        else:
            if not rows.filter(version=loaded).update(version=loaded + 1):
                raise ConflictError(_("Someone else saved these details in the meantime."))
            identity.version = loaded + 1
            identity.save()
        log_access(
            action=Action.UPDATE if loaded else Action.CREATE,
            processing_activity=ProcessingActivity.CASE_WORK,
            request=request,
            actor=user,
            obj=identity,
            household=case.household.pseudonym,
            detail=f"member voice {first.pk}; fields: " + ",".join(form.changed_data),
        )
    return identity


def case_set_status(
    *, request, user, case: Case, status: str, on, loaded_version: int, outcome: str = ""
) -> Case:
    """Move the case along its life cycle; closing needs an outcome."""
    errors = {}
    if status not in TRANSITIONS[case.status]:
        errors["status"] = _("A case cannot go from “%(old)s” to “%(new)s”.") % {
            "old": case.get_status_display(),
            "new": Case.Status(status).label if status in Case.Status.values else status,
        }
    if status == Case.Status.CLOSED and not outcome:
        errors["outcome"] = _("Choose the outcome when closing the case.")
    if status != Case.Status.CLOSED and outcome:
        errors["outcome"] = _("An outcome is only given when the case is closed.")
    if problem := date_problem(on, opened_on=case.opened_on):
        errors["on"] = problem
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        updated = Case.objects.filter(pk=case.pk, version=loaded_version).update(
            status=status,
            outcome=outcome,
            closed_on=on if status == Case.Status.CLOSED else None,
            version=loaded_version + 1,
        )
        if not updated:
            raise ConflictError(_("Someone else changed this case in the meantime."))
        CaseEvent.objects.create(
            case=case,
            kind=CaseEvent.Kind.STATUS,
            happened_on=on,
            actor=user,
            summary=str(Case.Status(status).label),
        )
        log_access(
            action=Action.UPDATE,
            processing_activity=ProcessingActivity.CASE_WORK,
            request=request,
            actor=user,
            obj=case,
            household=case.household.pseudonym,
            detail=f"status {case.status} -> {status}",
        )
    case.refresh_from_db()
    return case
