"""Reads and writes of maatwerkplans (services and selectors of the plan part of a
case; kept in their own module because plans are the largest part of a case)."""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, OuterRef, Prefetch, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maatwerk.audit.models import Action, ProcessingActivity
from maatwerk.audit.services import log_access
from maatwerk.core.dates import date_problem
from maatwerk.core.errors import ConflictError

from . import search
from .attention import refresh_attention
from .audience import audience_problem, default_audience
from .models import (
    Agreement,
    Audience,
    Case,
    CaseEvent,
    CostLine,
    Goal,
    Perspective,
    Plan,
    PlanAction,
    PlanActionDone,
    PlanVersion,
)

REVERSE_TEST = ["intended_effect", "impact", "purpose_of_law", "ethics", "legal_check"]
TEXT_FIELDS = [*REVERSE_TEST, "legality", "safety"]
AUDIENCE_FIELDS = ["audience", "safety_audience"]


def sentences(text: str) -> list[str]:
    """The household's words split into sentences (for linking goals to them)."""
    parts = re.split(r"(?<=[.!?])\s+|\n+", text or "")
    return [part.strip() for part in parts if part.strip()]


def current_perspective(case: Case, member: str) -> Perspective | None:
    return (
        Perspective.objects.filter(case=case, member=member).order_by("-version").first()
        or Perspective.objects.filter(case=case, member="").order_by("-version").first()
    )


# An empty audience is the safe default for the plan's voice (cases.audience):
# only that member for a plan serving one member, the whole household otherwise.


@dataclass
class GoalInput:
    text: str
    perspective_sentence: str = ""
    audience: str = ""


@dataclass
class ActionInput:
    what: str
    organisation: object = None
    person: str = ""
    due_on: object = None
    audience: str = ""
    owner: object = None  # a member of the case's team who does it (optional)


@dataclass
class CostInput:
    kind: str
    description: str
    amount: Decimal
    reference_cost: object = None


@dataclass
class PlanContent:
    title: str
    serves_member: str = ""
    goals: list[GoalInput] = field(default_factory=list)
    actions: list[ActionInput] = field(default_factory=list)
    costs: list[CostInput] = field(default_factory=list)
    legal_grounds: list = field(default_factory=list)
    intended_effect: str = ""
    impact: str = ""
    purpose_of_law: str = ""
    ethics: str = ""
    legal_check: str = ""
    legality: str = ""
    safety: str = ""
    audience: str = ""  # who may hear the plan itself: its title, grounds, agreement
    safety_audience: str = Audience.PROFESSIONALS

    def with_defaults(self) -> "PlanContent":
        """The same content with every empty audience set to the voice's safe default."""
        voice = self.serves_member
        default = default_audience(voice)
        for piece in (*self.goals, *self.actions):
            piece.audience = piece.audience or default
        self.audience = self.audience or default
        self.safety_audience = self.safety_audience or Audience.PROFESSIONALS
        return self


def _audience_errors(content: PlanContent) -> dict:
    voice = content.serves_member
    errors = {}
    if problem := audience_problem(content.audience, voice):
        errors["audience"] = problem
    if problem := audience_problem(content.safety_audience, voice, safety=True):
        errors["safety_audience"] = problem
    for name, pieces in (("goals", content.goals), ("actions", content.actions)):
        for piece in pieces:
            if problem := audience_problem(piece.audience, voice):
                errors[name] = problem
    return errors


def _validate(case: Case, content: PlanContent, perspective: Perspective | None) -> None:
    errors = _audience_errors(content)
    if not content.title.strip():
        errors["title"] = _("Give the plan a title.")
    if perspective is None:
        errors["serves_member"] = _("Record the household's perspective before writing a plan.")
    if not content.goals:
        errors["goals"] = _("A plan needs at least one goal.")
    for goal in content.goals:
        if not goal.text.strip():
            errors["goals"] = _("Every goal needs a text.")
        elif (
            perspective
            and goal.perspective_sentence
            and goal.perspective_sentence not in perspective.text
        ):
            errors["goals"] = _(
                "A goal is linked to words that are not in the current perspective."
            )
    owners = {a.owner.pk for a in content.actions if a.owner is not None}
    if owners and len(owners) != case.team.members.filter(pk__in=owners, is_active=True).count():
        errors["actions"] = _("An action can only be given to an active member of the team.")
    for cost in content.costs:
        if cost.amount is None or cost.amount < 0:
            errors["costs"] = _("An amount must be zero or more.")
    if case.safety_concern and not content.safety.strip():
        errors["safety"] = _("There is a safety concern: say how the plan addresses safety.")
    if errors:
        raise ValidationError(errors)


def _changes(old: PlanVersion, new: PlanContent) -> list[str]:
    """What differs between a saved version and new content, as field labels."""
    changed = []
    meta = PlanVersion._meta
    for name in TEXT_FIELDS:
        if (getattr(old, name) or "").strip() != (getattr(new, name) or "").strip():
            changed.append(str(meta.get_field(name).verbose_name))
    for name in AUDIENCE_FIELDS:
        if getattr(old, name) != getattr(new, name):
            changed.append(str(meta.get_field(name).verbose_name))
    if old.plan.title != new.title:
        changed.append(str(Plan._meta.get_field("title").verbose_name))
    old_goals = [(g.text, g.perspective_sentence, g.audience) for g in old.goals.all()]
    if old_goals != [(g.text, g.perspective_sentence, g.audience) for g in new.goals]:
        changed.append(str(gettext_lazy("goals")))
    old_actions = [
        (a.what, a.organisation_id, a.person, a.due_on, a.audience, a.owner_id)
        for a in old.actions.all()
    ]
    new_actions = [
        (
            a.what,
            getattr(a.organisation, "pk", None),
            a.person,
            a.due_on,
            a.audience,
            getattr(a.owner, "pk", None),
        )
        for a in new.actions
    ]
    if old_actions != new_actions:
        changed.append(str(gettext_lazy("actions")))
    old_costs = [(c.kind, c.description, c.amount) for c in old.costs.all()]
    if old_costs != [(c.kind, c.description, Decimal(c.amount)) for c in new.costs]:
        changed.append(str(gettext_lazy("cost comparison")))
    if {g.pk for g in old.legal_grounds.all()} != {g.pk for g in new.legal_grounds}:
        changed.append(str(meta.get_field("legal_grounds").verbose_name))
    return changed


def version_queryset():
    return PlanVersion.objects.select_related("plan", "perspective", "created_by").prefetch_related(
        "goals",
        Prefetch(
            "actions",
            queryset=PlanAction.objects.select_related("organisation", "owner", "done__done_by"),
        ),
        Prefetch("costs", queryset=CostLine.objects.select_related("reference_cost")),
        "legal_grounds",
        Prefetch("agreements", queryset=Agreement.objects.select_related("recorded_by")),
    )


def plan_save_version(
    *, request, user, case: Case, content: PlanContent, plan: Plan | None, based_on: int
) -> PlanVersion:
    """Save a new version of ``plan`` (or a new plan). ``based_on`` is the version
    number the user started from (0 for a new plan); when someone saved a version in
    the meantime nothing is saved and ConflictError lists what they changed. Who may
    hear each piece is part of the version; an empty audience gets the safe default of
    the plan's voice."""
    content.with_defaults()
    perspective = current_perspective(case, content.serves_member)
    _validate(case, content, perspective)
    try:
        with transaction.atomic():
            if plan is None:
                plan = Plan.objects.create(
                    case=case,
                    title=content.title,
                    serves_member=content.serves_member,
                    created_by=user,
                )
                latest = None
            else:
                plan = Plan.objects.select_for_update().get(pk=plan.pk)
                latest = version_queryset().filter(plan=plan).order_by("-number").first()
            latest_number = latest.number if latest else 0
            if latest_number != based_on:
                raise ConflictError(
                    _("Someone else saved a new version of this plan in the meantime."),
                    current=latest,
                )
            if plan.title != content.title or plan.serves_member != content.serves_member:
                Plan.objects.filter(pk=plan.pk).update(
                    title=content.title, serves_member=content.serves_member
                )
            version = PlanVersion.objects.create(
                plan=plan,
                number=latest_number + 1,
                perspective=perspective,
                created_by=user,
                **{name: getattr(content, name) for name in [*TEXT_FIELDS, *AUDIENCE_FIELDS]},
            )
            version.legal_grounds.set(content.legal_grounds)
            Goal.objects.bulk_create(
                Goal(version=version, order=i, text=g.text,
                     perspective_sentence=g.perspective_sentence, audience=g.audience)
                for i, g in enumerate(content.goals)
            )  # fmt: skip
            actions = PlanAction.objects.bulk_create(
                PlanAction(version=version, order=i, what=a.what, organisation=a.organisation,
                           person=a.person, due_on=a.due_on, audience=a.audience, owner=a.owner)
                for i, a in enumerate(content.actions)
            )  # fmt: skip
            if latest is not None:
                _carry_over_done(latest, actions)
            CostLine.objects.bulk_create(
                CostLine(version=version, order=i, kind=c.kind, description=c.description,
                         amount=c.amount, reference_cost=c.reference_cost)
                for i, c in enumerate(content.costs)
            )  # fmt: skip
            if case.status == Case.Status.INTAKE:
                Case.objects.filter(pk=case.pk).update(status=Case.Status.PLAN)
                CaseEvent.objects.create(
                    case=case,
                    kind=CaseEvent.Kind.STATUS,
                    happened_on=timezone.localdate(),
                    actor=user,
                    summary=str(Case.Status.PLAN.label),
                )
            CaseEvent.objects.create(
                case=case,
                kind=CaseEvent.Kind.PLAN,
                happened_on=timezone.localdate(),
                actor=user,
                summary=f"{content.title} v{version.number}",
            )
            search.refresh([case.pk])
            log_access(
                action=Action.CREATE if latest is None else Action.UPDATE,
                processing_activity=ProcessingActivity.CASE_WORK,
                request=request,
                actor=user,
                obj=version,
                household=case.household.pseudonym,
            )
            refresh_attention([case.pk])
    except IntegrityError as exc:  # the same version number taken at the same moment
        raise ConflictError(
            _("Someone else saved a new version of this plan in the meantime."),
            current=version_queryset().filter(plan=plan).order_by("-number").first(),
        ) from exc
    return version


def _carry_over_done(previous: PlanVersion, actions: list[PlanAction]) -> None:
    """An action that was done in the previous version and is kept (the same words)
    stays done in the new one: the same date and person, a row of its own."""
    done = {
        row.action.what: row
        for row in PlanActionDone.objects.filter(action__version=previous).select_related("action")
    }
    PlanActionDone.objects.bulk_create(
        PlanActionDone(action=action, done_on=done[action.what].done_on,
                       done_by_id=done[action.what].done_by_id)
        for action in actions
        if action.what in done
    )  # fmt: skip


def plan_action_done(*, request, user, action: PlanAction, done_on) -> PlanActionDone:
    """Mark an action of a plan's newest version as done on ``done_on``, by ``user``;
    logged, and the case's attention refreshed (an action past its date no longer
    counts). Once: a second time is a Dutch error, nothing is stored."""
    version = action.version
    case = version.plan.case
    errors = {}
    if problem := date_problem(done_on, opened_on=case.opened_on):
        errors["done_on"] = problem
    latest = version.plan.versions.order_by("-number").values_list("number", flat=True).first()
    if latest != version.number:
        errors["__all__"] = _("Only an action of the newest version of the plan can be done.")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            done = PlanActionDone.objects.create(action=action, done_on=done_on, done_by=user)
            log_access(
                action=Action.UPDATE,
                processing_activity=ProcessingActivity.CASE_WORK,
                request=request,
                actor=user,
                obj=action,
                household=case.household.pseudonym,
                detail=f"plan {version.plan_id} v{version.number}: action {action.order + 1} done",
            )
            refresh_attention([case.pk])
    except IntegrityError as exc:  # done already (or at the same moment)
        raise ValidationError(_("This action has already been marked as done.")) from exc
    return done


def conflict_changes(current: PlanVersion | None, content: PlanContent) -> list[str]:
    return _changes(current, content) if current else []


def plan_record_agreement(
    *, request, user, version: PlanVersion, agreed_on, how: str, words: str
) -> Agreement:
    """The household agrees with this (latest) version, in its own words."""
    case = version.plan.case
    errors = {}
    if not words.strip():
        errors["words"] = _("Write down how the household put its agreement, in its words.")
    if problem := date_problem(agreed_on, opened_on=case.opened_on):
        errors["agreed_on"] = problem
    latest = version.plan.versions.order_by("-number").values_list("number", flat=True).first()
    if latest != version.number:
        errors["__all__"] = _("Only the newest version of the plan can be agreed to.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        agreement = Agreement.objects.create(
            version=version, agreed_on=agreed_on, how=how, words=words, recorded_by=user
        )
        CaseEvent.objects.create(
            case=case,
            kind=CaseEvent.Kind.AGREEMENT,
            happened_on=agreed_on,
            actor=user,
            summary=f"{version.plan.title} v{version.number}",
        )
        log_access(
            action=Action.UPDATE,
            processing_activity=ProcessingActivity.CASE_WORK,
            request=request,
            actor=user,
            obj=agreement,
            household=case.household.pseudonym,
        )
        refresh_attention([case.pk])
    return agreement


@dataclass
class PlanState:
    plan: Plan
    version: PlanVersion | None
    latest_number: int
    agreement: Agreement | None
    unlinked_goals: list[Goal]
    perspective_changed: bool
    totals: dict[str, Decimal]

    @property
    def agreed(self) -> bool:
        return self.agreement is not None

    @property
    def drifted(self) -> bool:
        return bool(self.unlinked_goals) or self.perspective_changed

    @property
    def difference(self) -> Decimal:
        return self.totals["current"] - self.totals["plan"]


def plan_state(plan: Plan, number: int | None = None) -> PlanState:
    versions = version_queryset().filter(plan=plan).order_by("-number")
    latest_number = versions.values_list("number", flat=True).first() or 0
    version = versions.filter(number=number).first() if number else versions.first()
    agreement = None
    unlinked: list[Goal] = []
    changed = False
    totals = {"current": Decimal("0.00"), "plan": Decimal("0.00")}
    if version is not None:
        agreements = list(version.agreements.all())
        agreement = agreements[-1] if agreements else None
        unlinked = [goal for goal in version.goals.all() if not goal.from_household]
        newest = (
            Perspective.objects.filter(case_id=plan.case_id, member=version.perspective.member)
            .order_by("-version")
            .values_list("version", flat=True)
            .first()
        )
        changed = newest is not None and newest > version.perspective.version
        for row in version.costs.order_by().values("kind").annotate(total=Sum("amount")):
            totals[row["kind"]] = row["total"]
    return PlanState(plan, version, latest_number, agreement, unlinked, changed, totals)


def plan_states(case: Case) -> list[PlanState]:
    """``plan_state`` of every plan of a case, for the case page: the same answers in
    a fixed number of queries, however many plans, versions, goals and costs the case
    has (the newest version of each plan with its pieces prefetched, the newest
    perspective of each voice in one grouped query, the cost totals summed from the
    prefetched cost lines)."""
    plans = list(case.plans.all())
    if not plans:
        return []
    newest_number = (
        PlanVersion.objects.filter(plan=OuterRef("plan")).order_by("-number").values("number")[:1]
    )
    versions = {
        version.plan_id: version
        # By the plans' ids, not through the case: the planner then starts from the
        # plan index instead of joining every version of every plan (PostgreSQL).
        for version in version_queryset().filter(
            plan_id__in=[plan.pk for plan in plans], number=Subquery(newest_number)
        )
    }
    newest_perspective = dict(
        Perspective.objects.filter(case=case)
        .values("member")
        .annotate(newest=Max("version"))
        .values_list("member", "newest")
    )
    states = []
    for plan in plans:
        version = versions.get(plan.pk)
        agreement = None
        unlinked: list[Goal] = []
        changed = False
        totals = {"current": Decimal("0.00"), "plan": Decimal("0.00")}
        if version is not None:
            agreements = list(version.agreements.all())
            agreement = agreements[-1] if agreements else None
            unlinked = [goal for goal in version.goals.all() if not goal.from_household]
            newest = newest_perspective.get(version.perspective.member)
            changed = newest is not None and newest > version.perspective.version
            for cost in version.costs.all():
                totals[cost.kind] = totals.get(cost.kind, Decimal("0.00")) + cost.amount
        states.append(
            PlanState(
                plan,
                version,
                version.number if version else 0,
                agreement,
                unlinked,
                changed,
                totals,
            )
        )
    return states


def plan_export(*, request, user, case: Case, printed, confirmed: str = "") -> None:
    """Log the export of a printable plan (``cases.audience.PrintedPlan``): for whom,
    and which pieces it holds and leaves out. When the case has a safety concern, only
    after the professional saw the preview and confirmed exactly this content
    (``confirmed`` is the preview's ``printed.digest``); otherwise nothing is logged
    and ValidationError says so."""
    if case.safety_concern and confirmed != printed.digest:
        raise ValidationError(
            {
                "confirm": _(
                    "There is a safety concern: check what will be printed and confirm it first."
                )
                if not confirmed
                else _(
                    "What will be printed changed after you checked it. Check it again and confirm."
                )
            }
        )
    log_access(
        action=Action.EXPORT,
        processing_activity=ProcessingActivity.CASE_WORK,
        request=request,
        actor=user,
        object_type=PlanVersion._meta.label_lower,
        object_id=printed.version_id,
        household=case.household.pseudonym,
        detail=printed.log_detail(confirmed=confirmed == printed.digest),
    )
