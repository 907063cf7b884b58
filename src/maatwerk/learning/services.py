"""Every write of system learning (keyword-only, atomic, validating, logged in the same
transaction). Texts are screened for personal data before they are stored: a
bottleneck or learning point describes the system and may travel to an addressee, the
report and precedents (maatwerk.core.personal_data)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maatwerk.audit import events
from maatwerk.audit.models import Action
from maatwerk.cases.models import Case, HouseholdIdentity, MemberIdentity
from maatwerk.cases.numbering import next_number
from maatwerk.cases.selectors import workable_cases
from maatwerk.core.errors import ConflictError
from maatwerk.core.personal_data import find_personal_data

from .models import (
    NEXT_STATUSES,
    Bottleneck,
    BottleneckCategory,
    ClosingAnalysis,
    LearningPoint,
    LearningStatus,
    LearningStep,
)
from .selectors import analysis_due_q, may_answer, may_follow_up

PERSONAL_DATA_LABELS = {
    "known": gettext_lazy("a name or detail of the household"),
    "bsn": gettext_lazy("a citizen service number (BSN)"),
    "phone": gettext_lazy("a phone number"),
    "email": gettext_lazy("an e-mail address"),
    "address": gettext_lazy("an address"),
    "birth_date": gettext_lazy("a date of birth"),
    "iban": gettext_lazy("a bank account number (IBAN)"),
}


def _known_identifiers(cases) -> list[str]:
    """The direct identifiers of the households (and their members) of ``cases``, as
    the screen must know them. Decrypted here, never stored or logged."""
    household_ids = [case.household_id for case in cases]
    known: list[str] = []
    for identity in [
        *HouseholdIdentity.objects.filter(household_id__in=household_ids),
        *MemberIdentity.objects.filter(household_id__in=household_ids),
    ]:
        known += [identity.names, identity.bsn, identity.street, identity.postcode]
        if identity.street and identity.house_number:
            known.append(f"{identity.street} {identity.house_number}")
        known += (identity.names or "").split(",")
    return [value for value in known if value]


def screen(field: str, text: str, cases) -> None:
    """Refuse ``text`` when it contains personal data, naming each kind found."""
    hits = find_personal_data(text, known=_known_identifiers(cases))
    if hits:
        labels = sorted({PERSONAL_DATA_LABELS[hit.kind] for hit in hits})
        raise ValidationError(
            {
                field: _(
                    "Write this without personal data: it describes the system, not the "
                    "household. Found: %(kinds)s."
                )
                % {"kinds": ", ".join(str(label) for label in labels)}
            }
        )


def _require_workable(user, case: Case, permission: str) -> None:
    if not user.has_perm(permission) or not workable_cases(user).filter(pk=case.pk).exists():
        raise ValidationError(_("You cannot record system learning for this case."))


def bottleneck_add(
    *, request, user, case: Case, category: str, text: str, regulation: str = "", organisations=()
) -> Bottleneck:
    _require_workable(user, case, "learning.add_bottleneck")
    errors = {}
    text = (text or "").strip()
    if category not in BottleneckCategory.values:
        errors["category"] = _("Choose what kind of bottleneck this was.")
    if not text:
        errors["text"] = _("Describe what blocked the case.")
    if errors:
        raise ValidationError(errors)
    screen("text", text, [case])
    screen("regulation", regulation or "", [case])
    with transaction.atomic():
        bottleneck = Bottleneck.objects.create(
            case=case,
            category=category,
            text=text,
            regulation=(regulation or "").strip(),
            recorded_by=user,
        )
        bottleneck.organisations.set(organisations)
        events.case_work(
            request,
            user=user,
            action=Action.CREATE,
            obj=bottleneck,
            household=case.household.pseudonym,
            detail=category,
        )
    return bottleneck


def bottleneck_remove(*, request, user, bottleneck: Bottleneck) -> None:
    case = bottleneck.case
    _require_workable(user, case, "learning.add_bottleneck")
    with transaction.atomic():
        if bottleneck.learning_points.exists():
            raise ValidationError(
                _("This bottleneck is linked to a learning point: unlink it there first.")
            )
        events.case_work(
            request,
            user=user,
            action=Action.DELETE,
            obj=bottleneck,
            household=case.household.pseudonym,
            detail=bottleneck.category,
        )
        bottleneck.organisations.clear()
        bottleneck.delete()


def _next_reference(today: date) -> str:
    scope = f"learning-point:{today.year}"
    prefix = f"LP-{today.year}-"

    def highest_used() -> int:
        last = (
            LearningPoint.objects.filter(reference__startswith=prefix)
            .order_by("-reference")
            .values_list("reference", flat=True)
            .first()
        )
        return int(last.removeprefix(prefix)) if last else 0

    return f"{prefix}{next_number(scope, highest_used=highest_used):05d}"


def learning_point_create(
    *,
    request,
    user,
    cases,
    order: int,
    text: str,
    addressee=None,
    addressee_name: str = "",
    bottlenecks=(),
) -> LearningPoint:
    cases = list(cases)
    errors = {}
    # A coordinator may draft one from a pattern (the exceptions register), without a
    # case; everyone else writes learning points about the cases they work on.
    if not cases and not user.has_perm("learning.follow_up_learningpoint"):
        errors["cases"] = _("Link the learning point to at least one case.")
    for case in cases:
        try:
            _require_workable(user, case, "learning.add_learningpoint")
        except ValidationError:
            errors["cases"] = _("You can only link cases you work on.")
    if order not in (1, 2, 3):
        errors["order"] = _("Choose the order: 1, 2 or 3.")
    text = (text or "").strip()
    if not text:
        errors["text"] = _("Say what should change.")
    addressee_name = (addressee_name or "").strip()
    if addressee is None and not addressee_name and order in (2, 3):
        errors["addressee"] = _(
            "Say who should change it: an organisation or ministry from the register."
        )
    bottlenecks = list(bottlenecks)
    if any(b.case_id not in {c.pk for c in cases} for b in bottlenecks):
        errors["bottlenecks"] = _("Only bottlenecks of the linked cases can be linked.")
    if errors:
        raise ValidationError(errors)
    screen("text", text, cases)
    if not cases and not user.has_perm("learning.add_learningpoint"):
        raise ValidationError(_("You cannot record learning points."))
    today = timezone.localdate()
    with transaction.atomic():
        point = LearningPoint.objects.create(
            reference=_next_reference(today),
            order=order,
            text=text,
            addressee=addressee,
            addressee_name="" if addressee else addressee_name,
            status=LearningStatus.PROPOSED,
            status_on=today,
            created_by=user,
        )
        point.cases.set(cases)
        point.bottlenecks.set(bottlenecks)
        LearningStep.objects.create(
            learning_point=point, status=LearningStatus.PROPOSED, on=today, entered_by=user
        )
        for case in cases:
            events.case_work(
                request,
                user=user,
                action=Action.CREATE,
                obj=point,
                household=case.household.pseudonym,
                detail=f"order {order}",
            )
        if not cases:
            events.case_work(
                request, user=user, action=Action.CREATE, obj=point, detail=f"order {order}"
            )
    return point


def learning_point_step(
    *,
    request,
    user,
    point: LearningPoint,
    status: str,
    on: date,
    answer: str = "",
    on_behalf_of: str = "",
    expected_version: int | None = None,
) -> LearningStep:
    """The next step of the follow-up: sent, an answer of the addressee (in the app by
    its decision maker, or recorded on its behalf), or no response."""
    answering = may_answer(user, point)
    if not (answering or may_follow_up(user, point)):
        raise ValidationError(_("You cannot record the follow-up of this learning point."))
    errors = {}
    allowed = NEXT_STATUSES.get(point.status, ())
    if status not in allowed:
        errors["status"] = _("A learning point that is %(now)s cannot become %(next)s.") % {
            "now": point.get_status_display(),
            "next": LearningStatus(status).label if status in LearningStatus.values else status,
        }
    if on is None:
        errors["on"] = _("Enter the date.")
    elif on > timezone.localdate():
        errors["on"] = _("The date cannot be in the future.")
    elif on < point.status_on:
        errors["on"] = _("The date cannot be before the previous step (%(date)s).") % {
            "date": point.status_on.strftime("%d-%m-%Y")
        }
    answer = (answer or "").strip()
    on_behalf_of = (on_behalf_of or "").strip()
    if answering and not may_follow_up(user, point) and status == LearningStatus.NO_RESPONSE:
        errors["status"] = _("Answer the learning point, or leave it for the coordinator.")
    if status in (LearningStatus.REJECTED, LearningStatus.IMPLEMENTED) and not answer:
        errors["answer"] = _("Write down what the addressee answered.")
    if errors:
        raise ValidationError(errors)
    screen("answer", answer, list(point.cases.all()))
    with transaction.atomic():
        version = point.version if expected_version is None else expected_version
        changed = LearningPoint.objects.filter(pk=point.pk, version=version).update(
            status=status, status_on=on, version=F("version") + 1
        )
        if not changed:
            raise ConflictError(
                _("Someone else recorded a step of this learning point in the meantime.")
            )
        step = LearningStep.objects.create(
            learning_point=point,
            status=status,
            on=on,
            answer=answer,
            entered_by=user,
            on_behalf_of="" if answering else on_behalf_of,
        )
        events.case_work(
            request, user=user, action=Action.UPDATE, obj=point, detail=f"status {status}"
        )
    point.refresh_from_db()
    return step


def closing_analysis_complete(
    *, request, user, case: Case, no_bottlenecks: bool = False, note: str = ""
) -> ClosingAnalysis:
    _require_workable(user, case, "learning.add_bottleneck")
    if not Case.objects.filter(pk=case.pk).filter(analysis_due_q()).exists():
        raise ValidationError(
            _(
                "This case needs no closing analysis yet: it is open and has not reached "
                "the national level."
            )
        )
    has_bottlenecks = Bottleneck.objects.filter(case=case).exists()
    if not has_bottlenecks and not no_bottlenecks:
        raise ValidationError(
            {
                "no_bottlenecks": _(
                    "Record at least one bottleneck, or tick that nothing blocked this case."
                )
            }
        )
    if has_bottlenecks and no_bottlenecks:
        raise ValidationError(
            {"no_bottlenecks": _("This case has bottlenecks: untick 'nothing blocked'.")}
        )
    screen("note", note or "", [case])
    with transaction.atomic():
        analysis = ClosingAnalysis.objects.create(
            case=case, no_bottlenecks=no_bottlenecks, note=(note or "").strip(), completed_by=user
        )
        events.case_work(
            request,
            user=user,
            action=Action.CREATE,
            obj=analysis,
            household=case.household.pseudonym,
        )
    return analysis
