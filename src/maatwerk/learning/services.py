"""Every write of system learning (keyword-only, atomic, validating, logged in the same
transaction). Texts are screened for personal data before they are stored: a
bottleneck or learning point describes the system and may travel to an addressee, the
report and precedents (maatwerk.core.personal_data)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maatwerk.audit import events
from maatwerk.audit.models import Action
from maatwerk.cases.models import Case, HouseholdIdentity, MemberIdentity
from maatwerk.cases.numbering import next_number, next_numbers
from maatwerk.cases.selectors import visible_cases, workable_cases
from maatwerk.core.errors import ConflictError
from maatwerk.core.personal_data import find_personal_data
from maatwerk.core.textsearch import stem_text
from maatwerk.journeys.models import EventType, JourneyEvent, Request
from maatwerk.notices.models import Kind
from maatwerk.notices.services import notify, owner_and_team

from .models import (
    NEXT_STATUSES,
    Bottleneck,
    BottleneckCategory,
    ClosingAnalysis,
    LearningPoint,
    LearningStatus,
    LearningStep,
    Precedent,
    PrecedentLink,
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


def _yearly_reference(model, code: str, scope: str, today: date) -> str:
    """``<code>-<year>-<00001>``: the next reference of ``model`` this year, from the
    concurrency-safe counter of ``cases.numbering``."""
    prefix = f"{code}-{today.year}-"

    def highest_used() -> int:
        last = (
            model.objects.filter(reference__startswith=prefix)
            .order_by("-reference")
            .values_list("reference", flat=True)
            .first()
        )
        return int(last.removeprefix(prefix)) if last else 0

    return f"{prefix}{next_number(f'{scope}:{today.year}', highest_used=highest_used):05d}"


def _next_reference(today: date) -> str:
    return _yearly_reference(LearningPoint, "LP", "learning-point", today)


def next_references(count: int, today: date) -> list[str]:
    """``count`` learning-point references at once (``LP-<year>-<n>``), from the same
    counter as ``learning_point_create``, inside the caller's transaction: for points
    created in bulk (the import of ``maatwerk-case/1``). ``count=0`` takes only the
    counter's lock (before the transaction's first access-log row, ``cases.numbering``)."""
    prefix = f"LP-{today.year}-"

    def highest_used() -> int:
        last = (
            LearningPoint.objects.filter(reference__startswith=prefix)
            .order_by("-reference")
            .values_list("reference", flat=True)
            .first()
        )
        return int(last.removeprefix(prefix)) if last else 0

    numbers = next_numbers(f"learning-point:{today.year}", count, highest_used=highest_used)
    return [f"{prefix}{n:05d}" for n in numbers]


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
            # The case owner (and, by preference, the team) hears of it (issue 11): a
            # notice in this transaction with the pseudonym and the date only.
            notify(
                kind=Kind.LEARNING_POINT,
                recipients=owner_and_team(case),
                case=case,
                subject="cases.case",
                object_id=case.pk,
                key=f"learning_point:{point.pk}:{case.pk}",
                facts={"household": case.household.pseudonym, "date": today},
                url_name="learning:point_detail",
                url_args=[point.pk],
                actor=user,
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


# --- Precedents ---------------------------------------------------------------------------

PRECEDENT_TEXT_FIELDS = ("title", "situation", "asked", "what_worked", "regulation_text")


class PersonalDataFound(ValidationError):
    """Publication refused: ``hits`` maps each field to the spans found in it."""

    def __init__(self, hits: dict):
        self.hits = hits
        super().__init__(
            _("Remove the personal data marked below before publishing: %(kinds)s.")
            % {
                "kinds": ", ".join(
                    sorted({str(PERSONAL_DATA_LABELS[h.kind]) for hs in hits.values() for h in hs})
                )
            }
        )


def precedent_screen(precedent: Precedent) -> dict:
    """The personal data found in the precedent's texts, per field (empty: none)."""
    cases = [precedent.source_case] if precedent.source_case_id else []
    known = _known_identifiers(cases)
    if precedent.source_case_id:
        known.append(precedent.source_case.household.pseudonym)
    found = {}
    for name in PRECEDENT_TEXT_FIELDS:
        hits = find_personal_data(getattr(precedent, name) or "", known=known)
        if hits:
            found[name] = hits
    return found


def _index(precedent: Precedent) -> None:
    """Store the stems of the precedent by weight, and (SQLite) its FTS5 row."""
    a, b, d = precedent_stems(precedent)
    Precedent.objects.filter(pk=precedent.pk).update(search_a=a, search_b=b, search_d=d)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM learning_precedent_fts WHERE rowid = %s", [precedent.pk])
            cursor.execute(
                "INSERT INTO learning_precedent_fts (rowid, a, b, d) VALUES (%s, %s, %s, %s)",
                [precedent.pk, a, b, d],
            )


def precedent_stems(precedent: Precedent) -> tuple[str, str, str]:
    """The stems of the precedent's texts by weight (``stems_by_weight``)."""
    return stems_by_weight(
        rule=precedent.regulation.name if precedent.regulation_id else "",
        regulation_text=precedent.regulation_text,
        domains=[d.name_nl + " " + d.name_en for d in precedent.life_domains.all()],
        title=precedent.title,
        ground=precedent.legal_ground.title if precedent.legal_ground_id else "",
        organisations=[o.name for o in precedent.organisations.all()],
        body=(precedent.situation, precedent.asked, precedent.what_worked),
    )


def stems_by_weight(
    *, rule, regulation_text, domains, title, ground, organisations, body
) -> tuple[str, str, str]:
    """A: the rule and the life domains; B: the title, the exception ground and the
    organisations; D: the situation, what was asked and what worked (ADR 0008)."""
    a = stem_text(rule, regulation_text, *domains)
    b = stem_text(title, ground, *organisations)
    d = stem_text(*body)
    return a, b, d


def precedents_reindex(*, batch_size: int = 500) -> int:
    """Recompute the stems of every precedent and rebuild the SQLite FTS5 table (after
    a change of the stemmer or the stop words, docs/adr/0008). PostgreSQL's GIN index
    follows the stored stems by itself. Returns the number of precedents. Idempotent:
    the result depends only on the precedents' texts."""
    done = 0
    last = 0
    sqlite = connection.vendor == "sqlite"
    if sqlite:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM learning_precedent_fts")
    while True:
        batch = list(
            Precedent.objects.filter(pk__gt=last)
            .select_related("regulation", "legal_ground")
            .prefetch_related("life_domains", "organisations")
            .order_by("pk")[:batch_size]
        )
        if not batch:
            break
        with transaction.atomic():
            rows = []
            for precedent in batch:
                a, b, d = precedent_stems(precedent)
                precedent.search_a, precedent.search_b, precedent.search_d = a, b, d
                rows.append((precedent.pk, a, b, d))
            Precedent.objects.bulk_update(batch, ["search_a", "search_b", "search_d"])
            if sqlite:
                with connection.cursor() as cursor:
                    cursor.executemany(
                        "INSERT INTO learning_precedent_fts (rowid, a, b, d) "
                        "VALUES (%s, %s, %s, %s)",
                        rows,
                    )
        done += len(batch)
        last = batch[-1].pk
    return done


def _next_precedent_reference(today: date) -> str:
    return _yearly_reference(Precedent, "PR", "precedent", today)


def precedent_write(*, request, user, life_domains=(), organisations=(), **fields) -> Precedent:
    """A draft written without a case of this installation: from the national desk's
    files, another municipality's story, or the demo. The same fields, the same screen
    and the same four eyes as a draft from a case."""
    if not user.has_perm("learning.add_precedent"):
        raise ValidationError(_("You cannot write precedents."))
    errors = {}
    if not (fields.get("title") or "").strip():
        errors["title"] = _("Give the precedent a title.")
    if not (fields.get("situation") or "").strip():
        errors["situation"] = _("Describe the situation.")
    if fields.get("outcome") not in Case.Outcome.values:
        errors["outcome"] = _("Choose the outcome.")
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate()
    with transaction.atomic():
        precedent = Precedent.objects.create(
            reference=_next_precedent_reference(today),
            drafted_by=user,
            **{
                name: (value.strip() if isinstance(value, str) else value)
                for name, value in fields.items()
            },
        )
        precedent.life_domains.set(life_domains)
        precedent.organisations.set(organisations)
        _index(precedent)
        events.case_work(request, user=user, action=Action.CREATE, obj=precedent)
    return precedent


def precedent_draft_from_case(*, request, user, case: Case) -> Precedent:
    """A draft pre-filled from a closed case: the situation, life domains,
    organisations, rule, exception ground, what was asked, the interventions, the
    outcome and the lead time. Direct identifiers are never copied (the household's
    identity is not read); the free texts are the professional's and are screened before
    publication."""
    if not user.has_perm("learning.add_precedent"):
        raise ValidationError(_("You cannot write precedents."))
    if not visible_cases(user).filter(pk=case.pk).exists():
        raise ValidationError(_("You cannot write a precedent from this case."))
    if case.status != Case.Status.CLOSED:
        raise ValidationError(_("Write a precedent from a closed case."))
    requests = list(
        Request.objects.filter(case=case)
        .select_related("organisation", "regulation", "legal_ground")
        .order_by("id")
    )
    steps = list(JourneyEvent.objects.filter(request__case=case).order_by("on", "id"))
    submitted = [e.on for e in steps if e.type == EventType.SUBMITTED]
    approved = [e.on for e in steps if e.type == EventType.APPROVED]
    lead_time = (max(approved) - min(submitted)).days if submitted and approved else None
    interventions = sorted({e.get_intervention_display() for e in steps if e.intervention})
    reasons = sorted({e.reason for e in steps if e.type == EventType.REFUSED and e.reason})
    with_rule = next((r for r in requests if r.regulation_id or r.rule_text), None)
    with_ground = next((r for r in requests if r.legal_ground_id), None)
    today = timezone.localdate()
    with transaction.atomic():
        precedent = Precedent.objects.create(
            reference=_next_precedent_reference(today),
            title=(requests[0].subject if requests else case.needed)[:200],
            situation=case.needed[:3000],
            asked="\n".join(f"{r.organisation.name}: {r.subject}" for r in requests)[:2000],
            what_worked=", ".join(str(i) for i in interventions)[:3000],
            outcome=case.outcome or Case.Outcome.SOLVED,
            lead_time_days=lead_time,
            regulation=with_rule.regulation if with_rule else None,
            regulation_text=(with_rule.rule_text if with_rule else "")[:200],
            legal_ground=with_ground.legal_ground if with_ground else None,
            refusal_reasons=reasons,
            source_case=case,
            drafted_by=user,
        )
        precedent.life_domains.set(case.life_domains.all())
        precedent.organisations.set({r.organisation_id for r in requests})
        _index(precedent)
        events.case_work(
            request,
            user=user,
            action=Action.CREATE,
            obj=precedent,
            household=case.household.pseudonym,
        )
    return precedent


def precedent_save(
    *, request, user, precedent: Precedent, expected_version: int | None = None, **fields
) -> Precedent:
    """Change a draft (its drafter, or a coordinator who may publish)."""
    if precedent.status != Precedent.Status.DRAFT:
        raise ValidationError(_("Only a draft can be changed; withdraw it first."))
    if not (precedent.drafted_by_id == user.pk or user.has_perm("learning.publish_precedent")):
        raise ValidationError(_("You cannot change this precedent."))
    errors = {}
    if not (fields.get("title") or "").strip():
        errors["title"] = _("Give the precedent a title.")
    if not (fields.get("situation") or "").strip():
        errors["situation"] = _("Describe the situation.")
    if errors:
        raise ValidationError(errors)
    domains = fields.pop("life_domains", None)
    organisations = fields.pop("organisations", None)
    with transaction.atomic():
        version = precedent.version if expected_version is None else expected_version
        changed = Precedent.objects.filter(pk=precedent.pk, version=version).update(
            **{
                name: (value.strip() if isinstance(value, str) else value)
                for name, value in fields.items()
            },
            version=F("version") + 1,
        )
        if not changed:
            raise ConflictError(_("Someone else changed this precedent in the meantime."))
        precedent.refresh_from_db()
        if domains is not None:
            precedent.life_domains.set(domains)
        if organisations is not None:
            precedent.organisations.set(organisations)
        _index(precedent)
        events.case_work(request, user=user, action=Action.UPDATE, obj=precedent)
    return precedent


def precedent_publish(*, request, user, precedent: Precedent) -> Precedent:
    """Publish a draft: by a second coordinator (four eyes), and only when the screen
    finds no personal data in it."""
    if not user.has_perm("learning.publish_precedent"):
        raise ValidationError(_("You cannot publish precedents."))
    if precedent.drafted_by_id == user.pk:
        raise ValidationError(
            _("A second coordinator publishes a precedent: not the one who wrote it.")
        )
    if precedent.status != Precedent.Status.DRAFT:
        raise ValidationError(_("This precedent is not a draft."))
    hits = precedent_screen(precedent)
    if hits:
        raise PersonalDataFound(hits)
    with transaction.atomic():
        changed = Precedent.objects.filter(pk=precedent.pk, status=Precedent.Status.DRAFT).update(
            status=Precedent.Status.PUBLISHED, published_by=user, published_at=timezone.now()
        )
        if not changed:
            raise ConflictError(_("Someone else published or changed it in the meantime."))
        events.case_work(request, user=user, action=Action.SHARE, obj=precedent, detail="published")
    precedent.refresh_from_db()
    return precedent


def precedent_link(*, request, user, precedent: Precedent, case: Case) -> PrecedentLink:
    """Link a published precedent to an open case the user works on ("this is how it
    was solved before"). The case owner, and by preference the team, get a notice
    (kind ``precedent``), once, in this transaction; not the one who linked it."""
    if not user.has_perm("learning.add_precedentlink") or not user.has_perm(
        "learning.view_precedent"
    ):
        raise ValidationError(_("You cannot link precedents to cases."))
    if not workable_cases(user).filter(pk=case.pk).exists():
        raise ValidationError(_("You can only link a precedent to a case you work on."))
    if case.status == Case.Status.CLOSED:
        raise ValidationError(_("This case is closed: a precedent helps an open case."))
    if precedent.status != Precedent.Status.PUBLISHED:
        raise ValidationError(_("Only a published precedent can be linked to a case."))
    if precedent.source_case_id == case.pk:
        raise ValidationError(_("This precedent was written from this case."))
    today = timezone.localdate()
    with transaction.atomic():
        link, created = PrecedentLink.objects.get_or_create(
            precedent=precedent, case=case, defaults={"linked_by": user}
        )
        if not created:
            raise ValidationError(_("This precedent is linked to the case already."))
        events.case_work(
            request,
            user=user,
            action=Action.CREATE,
            obj=link,
            household=case.household.pseudonym,
            detail=precedent.reference,
        )
        notify(
            kind=Kind.PRECEDENT,
            recipients=owner_and_team(case),
            case=case,
            subject="cases.case",
            object_id=case.pk,
            key=f"precedent:{precedent.pk}:{case.pk}",
            facts={"household": case.household.pseudonym, "date": today},
            url_name="learning:precedent_detail",
            url_args=[precedent.pk],
            actor=user,
        )
    return link
