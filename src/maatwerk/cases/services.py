"""Every write of case data: keyword-only, atomic, validating, and logged in the same
transaction as the change."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maatwerk.audit import events
from maatwerk.audit.models import Action, ProcessingActivity, Result
from maatwerk.audit.services import log_access
from maatwerk.core.dates import date_problem
from maatwerk.core.errors import ConflictError, NotAllowed

from . import search
from .attention import refresh_attention
from .audience import audience_problem, default_audience
from .extensions import closing_forms
from .models import (
    Audience,
    Case,
    CaseEvent,
    Confirmation,
    EmergencyAccess,
    EmergencyAccessReview,
    Household,
    HouseholdIdentity,
    MemberIdentity,
    Perspective,
)
from .numbering import next_number
from .selectors import (
    active_emergency_accesses,
    current_perspectives,
    emergency_access_of,
    find_case_for_emergency,
    latest_version,
    may_work_on,
)
from .workflow import TRANSITIONS

# A reason for an emergency access must say something: at least this many characters.
EMERGENCY_REASON_MIN_LENGTH = 20
EMERGENCY_NOTE_MIN_LENGTH = 5


def case_frame(request, case: Case, *, detail: str = "") -> list[dict]:
    """The read every page of one case does: the household's voices, shown in the page's
    header (``cases/_case_header.html``), and the page's access-log row, in one
    transaction (inside the caller's, when it has one). A read through an emergency
    access says so in the row's detail. Returns the voices."""
    with transaction.atomic(savepoint=False):
        voices = current_perspectives(case)
        if request is not None and (access := emergency_access_of(request.user, case, cached=True)):
            detail = "; ".join(part for part in (detail, f"emergency access {access.pk}") if part)
        events.case_read(request, case, detail=detail)
    return voices


class EmergencyRefused(Exception):
    """Break-the-glass refused: the reference or pseudonym is unknown, ambiguous, or
    not one the user may open. One message for all of them (no existence oracle)."""


def emergency_access_open(
    *, request, user, query: str, reason: str
) -> tuple[Case, EmergencyAccess | None]:
    """Break the glass: open one case, read-only, outside the access policy, for
    ``MAATWERK_BREAK_GLASS_MINUTES``. Needs ``cases.break_glass`` and a typed reason.
    Every attempt with a valid reason is logged (action ``emergency_access``), a refused
    one with result ``denied``; the privacy officers are told by the scheduler
    (``cases.jobs``) and review it on their start page. A case the user already reaches
    through the policy (returned with ``None``), or already has a running emergency
    access to (returned with that one), gets no new row. Returns (case, access)."""
    if not user.has_perm("cases.break_glass"):
        raise NotAllowed("break-the-glass needs cases.break_glass")
    reason = (reason or "").strip()
    query = (query or "").strip()
    errors = {}
    if not query:
        errors["case"] = _("Give the case reference or the household's pseudonym.")
    if not reason:
        errors["reason"] = _("Say why you need this case now.")
    elif len(reason) < EMERGENCY_REASON_MIN_LENGTH:
        errors["reason"] = _(
            "Explain the emergency in at least %(count)d characters; the privacy officer "
            "reviews it."
        ) % {"count": EMERGENCY_REASON_MIN_LENGTH}
    if errors:
        raise ValidationError(errors)
    case = find_case_for_emergency(query)
    if case is None:
        # The refusal is logged and kept (its own transaction), then reported.
        log_access(
            action=Action.EMERGENCY_ACCESS,
            processing_activity=ProcessingActivity.CASE_WORK,
            request=request,
            actor=user,
            result=Result.DENIED,
            object_type=Case._meta.label_lower,
            detail=f"refused: no single case for {query[:100]!r}",
        )
        raise EmergencyRefused
    with transaction.atomic():
        if may_work_on(user, case):
            return case, None
        running = active_emergency_accesses(user).filter(case=case).order_by("-expires_at")
        if current := running.first():
            return case, current
        now = timezone.now()
        access = EmergencyAccess.objects.create(
            user=user,
            case=case,
            reason=reason,
            started_at=now,
            expires_at=now + timedelta(minutes=settings.BREAK_GLASS_MINUTES),
        )
        log_access(
            action=Action.EMERGENCY_ACCESS,
            processing_activity=ProcessingActivity.CASE_WORK,
            request=request,
            actor=user,
            obj=case,
            household=case.household.pseudonym,
            detail=f"emergency access {access.pk} until "
            f"{timezone.localtime(access.expires_at):%Y-%m-%d %H:%M}",
        )
    return case, access


def emergency_access_review(*, request, user, access: EmergencyAccess, note: str):
    """The privacy officer marks an emergency access as reviewed, with a note; once
    (a second review is a ConflictError), never their own, logged in the same
    transaction."""
    if not user.has_perm("cases.review_emergencyaccess"):
        raise NotAllowed("reviewing needs cases.review_emergencyaccess")
    if access.user_id == user.pk:
        raise NotAllowed("nobody reviews their own emergency access")
    note = (note or "").strip()
    if EmergencyAccessReview.objects.filter(access=access).exists():
        raise ConflictError(_("Someone else reviewed this emergency access already."))
    if len(note) < EMERGENCY_NOTE_MIN_LENGTH:
        raise ValidationError(
            {
                "note": _("Write down what you found, in at least %(count)d characters.")
                % {"count": EMERGENCY_NOTE_MIN_LENGTH}
            }
        )
    try:
        with transaction.atomic():
            review = EmergencyAccessReview.objects.create(
                access=access, reviewed_by=user, reviewed_at=timezone.now(), note=note
            )
            log_access(
                action=Action.CREATE,
                processing_activity=ProcessingActivity.AUDIT_SUPERVISION,
                request=request,
                actor=user,
                obj=review,
                household=access.case.household.pseudonym,
                detail=f"review of emergency access {access.pk}",
            )
    except IntegrityError as exc:
        raise ConflictError(_("Someone else reviewed this emergency access already.")) from exc
    return review


PSEUDONYM_DIGITS = (4, 4, 4, 4, 5, 5, 6, 6, 8)


def _pseudonym(digits: int) -> str:
    return f"HH-{secrets.randbelow(9 * 10 ** (digits - 1)) + 10 ** (digits - 1)}"


def _create_household(**fields) -> Household:
    """A household with a new random pseudonym. A pseudonym that is taken — also by a
    household created at the same moment, which the unique index finds and a check
    beforehand would not see — is drawn again (in a savepoint, so the caller's
    transaction goes on)."""
    for digits in PSEUDONYM_DIGITS:
        candidate = _pseudonym(digits)
        try:
            with transaction.atomic():
                return Household.objects.create(pseudonym=candidate, **fields)
        except IntegrityError:
            if not Household.objects.filter(pseudonym=candidate).exists():
                raise  # not the pseudonym
    raise RuntimeError("could not find a free pseudonym")


def new_pseudonyms(count: int) -> list[str]:
    """``count`` different random pseudonyms, none of them taken now, drawn as
    ``_create_household`` draws one (for households created in bulk, e.g. an import).
    A pseudonym taken meanwhile by a household created at the same moment makes the
    caller's insert fail on the unique index (nothing is stored); that is as rare as
    ``_create_household``'s retry."""
    chosen: set[str] = set()
    wanted = count
    for digits in PSEUDONYM_DIGITS:
        if wanted <= 0:
            break
        # A digit count whose range is nearly full is skipped, as retries would be.
        if 9 * 10 ** (digits - 1) < 4 * (wanted + len(chosen)):
            continue
        candidates = {_pseudonym(digits) for _ in range(wanted)} - chosen
        taken = set(
            Household.objects.filter(pseudonym__in=candidates).values_list("pseudonym", flat=True)
        )
        fresh = candidates - taken
        chosen |= fresh
        wanted = count - len(chosen)
    while wanted > 0:  # the widest range: draw until every one is free
        candidates = {_pseudonym(PSEUDONYM_DIGITS[-1]) for _ in range(wanted)} - chosen
        taken = set(
            Household.objects.filter(pseudonym__in=candidates).values_list("pseudonym", flat=True)
        )
        chosen |= candidates - taken
        wanted = count - len(chosen)
    return list(chosen)


def new_reference(source: str, year: int) -> str:
    """The next case reference of ``source`` in ``year``: ``MW-<year>-<00001>``.
    Inside the caller's transaction, which keeps the numbering locked until it ends
    (``numbering``): take it before the transaction's first access-log row."""
    prefix = f"MW-{year}-"

    def highest_used() -> int:
        used = Case.objects.filter(source=source, reference__startswith=prefix)
        numbers = (ref.removeprefix(prefix) for ref in used.values_list("reference", flat=True))
        return max((int(n) for n in numbers if n.isdigit()), default=0)

    number = next_number(f"case:{source}:{year}", highest_used=highest_used)
    return f"{prefix}{number:05d}"


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
    source = team.organisation.name
    with transaction.atomic():
        # First the reference: it locks this source's numbering for the year until
        # the commit, before the access log's lock (see numbering).
        reference = new_reference(source, opened_on.year)
        household = _create_household(
            composition=composition,
            adults=adults,
            children=children,
            municipality=team.organisation.name if team.organisation.type == "municipality" else "",
        )
        case = Case.objects.create(
            reference=reference,
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
        refresh_attention([case.pk])
        search.refresh([case.pk])
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
                    # None when the voice has no version yet (a tampered based_on_version)
                    current=Perspective.objects.filter(
                        case=case, member=member, version=current
                    ).first(),
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
            search.refresh([case.pk])
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
    *,
    request,
    user,
    case: Case,
    status: str,
    on,
    loaded_version: int,
    outcome: str = "",
    closing: list | None = None,
) -> Case:
    """Move the case along its life cycle. Closing needs an outcome and, for the open
    work of the apps above (``cases.extensions.register_closing_step``: journeys asks
    what happens to each open request), a valid answer: ``closing`` holds the (step,
    bound form) pairs of ``closing_forms``; without it, closing a case with open work
    is refused. Reopening a closed case is a dated event of its own."""
    errors = {}
    if status not in TRANSITIONS[case.status]:
        errors["status"] = _("A case cannot go from “%(old)s” to “%(new)s”.") % {
            "old": case.get_status_display(),
            "new": Case.Status(status).label if status in Case.Status.values else status,
        }
    closes = status == Case.Status.CLOSED
    reopens = case.status == Case.Status.CLOSED and not closes
    if closes and not outcome:
        errors["outcome"] = _("Choose the outcome when closing the case.")
    if not closes and outcome:
        errors["outcome"] = _("An outcome is only given when the case is closed.")
    if problem := date_problem(on, opened_on=case.opened_on):
        errors["on"] = problem
    elif reopens and case.closed_on and on < case.closed_on:
        errors["on"] = _("A case cannot be reopened before the date it was closed.")
    if closes:
        closing = closing_forms(case) if closing is None else closing
        if any(not form.is_valid() for _step, form in closing):
            errors.setdefault(
                NON_FIELD_ERRORS, _("Say what happens to each open request before closing.")
            )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        updated = Case.objects.filter(pk=case.pk, version=loaded_version).update(
            status=status,
            outcome=outcome,
            closed_on=on if closes else None,
            version=loaded_version + 1,
        )
        if not updated:
            raise ConflictError(_("Someone else changed this case in the meantime."))
        kind = CaseEvent.Kind.STATUS
        if closes:
            kind = CaseEvent.Kind.CLOSED
        elif reopens:
            kind = CaseEvent.Kind.REOPENED
        CaseEvent.objects.create(
            case=case,
            kind=kind,
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
            detail=f"status {case.status} -> {status}" + (" (reopened)" if reopens else ""),
        )
        if closes:
            case.status = Case.Status.CLOSED
            for step, form in closing:
                step.apply(request=request, user=user, case=case, form=form, on=on)
        refresh_attention([case.pk])
    case.refresh_from_db()
    return case
