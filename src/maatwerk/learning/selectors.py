"""Reads of system learning, under one policy derived from the case policy
(docs/access.md):

- a **bottleneck** is seen by whoever may see its case (``visible_cases``);
- a **learning point** is seen by whoever may see one of its cases, by the decision
  makers of its addressee (``learning.answer_learningpoint``: they answer it), and by
  coordinators (``learning.view_all_learningpoints``: they follow every one up). The
  cases a learning point names are shown only where the viewer may see them.
- analysts see neither: the patterns pages give them counts, disclosure-controlled.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from maatwerk.audit.access import NO_SUCH_OBJECT, NOT_VISIBLE, Refused
from maatwerk.audit.labels import ids_as_ints
from maatwerk.cases.models import Case
from maatwerk.cases.selectors import visible_cases, workable_cases
from maatwerk.journeys.models import Request

from .models import Bottleneck, ClosingAnalysis, LearningPoint, LearningStep

NATIONAL_LEVEL = 4
CASES_SHOWN = 50


def visible_bottlenecks(user) -> QuerySet[Bottleneck]:
    return Bottleneck.objects.filter(case__in=visible_cases(user).values("pk"))


def visible_learning_points(user) -> QuerySet[LearningPoint]:
    if not user.is_authenticated or not user.is_active:
        return LearningPoint.objects.none()
    if user.has_perm("learning.view_all_learningpoints"):
        return LearningPoint.objects.all()
    through = LearningPoint.cases.through
    scope = Q(
        Exists(
            through.objects.filter(
                learningpoint_id=OuterRef("pk"), case_id__in=visible_cases(user).values("pk")
            )
        )
    )
    if user.has_perm("learning.answer_learningpoint") and user.organisation_id:
        scope |= Q(addressee_id=user.organisation_id)
    return LearningPoint.objects.filter(scope)


def may_answer(user, point: LearningPoint) -> bool:
    """A decision maker of the addressee answers it in the app."""
    return bool(
        user.has_perm("learning.answer_learningpoint")
        and point.addressee_id
        and point.addressee_id == user.organisation_id
    )


def may_follow_up(user, point: LearningPoint) -> bool:
    """Coordinators send learning points and record every step; the professional who
    wrote one may send it too."""
    if user.has_perm("learning.follow_up_learningpoint"):
        return True
    return point.created_by_id == user.pk and user.has_perm("learning.add_learningpoint")


def learning_point_refused(pk, *, detail: str = NOT_VISIBLE) -> Refused:
    """A learning point is about the system, not one household: the row names the
    learning point, not the households of its cases."""
    return Refused(
        object_type=LearningPoint._meta.label_lower,
        object_id=pk,
        detail=detail if LearningPoint.objects.filter(pk=pk).exists() else NO_SUCH_OBJECT,
    )


def hidden_learning_point(kwarg: str):
    return lambda kwargs: learning_point_refused(kwargs[kwarg])


def learning_point_for(user, pk) -> LearningPoint:
    point = (
        visible_learning_points(user)
        .select_related("addressee", "created_by")
        .filter(pk=pk)
        .first()
    )
    if point is None:
        raise learning_point_refused(pk)
    return point


def learning_point_page(user, point: LearningPoint) -> dict:
    """What the learning point's page shows, in a fixed number of queries: its steps,
    its bottlenecks and the cases the viewer may see (at most ``CASES_SHOWN``; the
    others only counted)."""
    steps = list(LearningStep.objects.filter(learning_point=point).select_related("entered_by"))
    linked = point.cases.count()
    shown = list(
        visible_cases(user)
        .filter(learning_points=point)
        .select_related("household")
        .order_by("household__pseudonym")[:CASES_SHOWN]
    )
    bottlenecks = list(
        visible_bottlenecks(user).filter(learning_points=point).select_related("case__household")
    )
    return {
        "steps": steps,
        "cases": shown,
        "other_cases": linked - len(shown),
        "bottlenecks": bottlenecks,
    }


def learning_point_rows(user, *, status: str = "", order: int | None = None):
    """The list of learning points, newest first (the page pages the ids first)."""
    points = visible_learning_points(user)
    if status:
        points = points.filter(status=status)
    if order:
        points = points.filter(order=order)
    return points.select_related("addressee").order_by("-created_at", "-id")


def analysis_due_q() -> Q:
    """A case needs its closing analysis once it is closed or a request reached the
    national escalation level, until the analysis is completed."""
    national = Request.objects.filter(case=OuterRef("pk"), escalation_level__gte=NATIONAL_LEVEL)
    return (Q(status=Case.Status.CLOSED) | Q(Exists(national))) & Q(closing_analysis__isnull=True)


def analyses_to_do(user) -> QuerySet[Case]:
    """The cases whose closing analysis the user can do now (coordinator's start page,
    the professional's own cases)."""
    return (
        workable_cases(user)
        .filter(analysis_due_q())
        .select_related("household", "team")
        .order_by("closed_on", "id")
    )


def case_learning_section(user, case: Case) -> dict:
    """The case page's section (cases.extensions): its bottlenecks, learning points and
    the analysis' state, in three queries whatever their number."""
    bottlenecks = list(
        Bottleneck.objects.filter(case=case).prefetch_related("organisations").order_by("id")
    )
    points = list(
        LearningPoint.objects.filter(cases=case).select_related("addressee").order_by("id")
    )
    analysis = ClosingAnalysis.objects.filter(case=case).select_related("completed_by").first()
    return {
        "learning_section_template": "learning/_case_section.html",
        "bottlenecks": bottlenecks,
        "case_learning_points": points,
        "closing_analysis": analysis,
        "analysis_due": analysis is None
        and Case.objects.filter(pk=case.pk).filter(analysis_due_q()).exists(),
    }


def regulation_suggestions(prefix: str = "", limit: int = 20) -> list[str]:
    """Regulations named in earlier bottlenecks (the form's suggestions), most used
    first. Regulation names are not personal data."""
    rows = Bottleneck.objects.exclude(regulation="")
    if prefix:
        rows = rows.filter(regulation__istartswith=prefix)
    return list(rows.values_list("regulation", flat=True).distinct().order_by("regulation")[:limit])


def log_labels_learning_point(ids: list[str]) -> dict[str, str]:
    rows = LearningPoint.objects.filter(pk__in=ids_as_ints(ids)).values_list("pk", "reference")
    return {
        str(pk): _("learning point %(reference)s") % {"reference": reference}
        for pk, reference in rows
    }
