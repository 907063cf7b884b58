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

from collections import Counter
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from maatwerk.audit.access import NO_SUCH_OBJECT, NOT_VISIBLE, Refused
from maatwerk.audit.labels import ids_as_ints
from maatwerk.cases.models import Case
from maatwerk.cases.selectors import visible_cases, workable_cases
from maatwerk.core.textsearch import fts5_match, query_terms, tsquery
from maatwerk.journeys.models import Request
from maatwerk.register.models import LegalGround, Regulation

from .models import (
    ANSWER_STATUSES,
    Bottleneck,
    ClosingAnalysis,
    LearningNotice,
    LearningPoint,
    LearningStep,
    Precedent,
    PrecedentLink,
)

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
    similar = similar_precedents(case) if user.has_perm("learning.view_precedent") else []
    links = (
        list(
            PrecedentLink.objects.filter(case=case, precedent__status=Precedent.Status.PUBLISHED)
            .select_related("precedent", "linked_by")
            .order_by("-created_at", "-id")
        )
        if user.has_perm("learning.view_precedent")
        else []
    )
    linked = {link.precedent_id for link in links}
    return {
        "similar_precedents": [p for p in similar if p.pk not in linked],
        "precedent_links": links,
        "may_link_precedents": bool(similar) and may_link_precedents(user, case),
        "learning_section_template": "learning/_case_section.html",
        "bottlenecks": bottlenecks,
        "case_learning_points": points,
        "closing_analysis": analysis,
        "analysis_due": analysis is None
        and Case.objects.filter(pk=case.pk).filter(analysis_due_q()).exists(),
    }


def follow_up_round(year: int) -> QuerySet[LearningPoint]:
    """The learning points asked "what did you do with it?" in the yearly follow-up
    round of ``year`` (the ``LearningNotice`` rows ``jobs.yearly_follow_up`` wrote),
    each annotated with ``asked_at`` and ``answered``: whether the addressee answered
    (acknowledged, in progress, implemented, rejected) after it was asked. Their
    ``status`` is the answer as it stands. This is what the report's follow-up counts
    aggregate; not scoped, because it is read for counts only (the report's
    disclosure control applies), never shown as rows."""
    asked = LearningNotice.objects.filter(
        learning_point=OuterRef("pk"), kind=LearningNotice.Kind.FOLLOW_UP, key=str(year)
    )
    answers = LearningStep.objects.filter(
        learning_point=OuterRef("pk"),
        status__in=ANSWER_STATUSES,
        created_at__gte=OuterRef("asked_at"),
    )
    return (
        LearningPoint.objects.annotate(asked_at=Subquery(asked.values("created_at")[:1]))
        .filter(asked_at__isnull=False)
        .annotate(answered=Exists(answers))
    )


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


# --- Precedents ---------------------------------------------------------------------------

PRECEDENT_PAGE = 20
RANKED_CANDIDATES = 1000  # SQLite: the best-ranked matches ordered; the rest after them
PG_VECTOR = (
    "(setweight(to_tsvector('simple', learning_precedent.search_a), 'A') || "
    "setweight(to_tsvector('simple', learning_precedent.search_b), 'B') || "
    "setweight(to_tsvector('simple', learning_precedent.search_d), 'D'))"
)
# Built from constants only; the query text is always a parameter.
PG_RANK = "ts_rank(" + PG_VECTOR + ", to_tsquery('simple', %s))"
PG_MATCHING_IDS = (
    "SELECT id FROM learning_precedent WHERE " + PG_VECTOR + " @@ to_tsquery('simple', %s)"  # noqa: S608
)


def visible_precedents(user) -> QuerySet[Precedent]:
    """Published precedents, for every role that may read them; drafts for their
    drafter and for whoever may publish (the reviewer)."""
    if not user.is_authenticated or not user.is_active:
        return Precedent.objects.none()
    scope = Q()
    if user.has_perm("learning.view_precedent"):
        scope |= Q(status=Precedent.Status.PUBLISHED)
    if user.has_perm("learning.add_precedent"):
        scope |= Q(drafted_by=user)
    if user.has_perm("learning.publish_precedent"):
        scope |= Q(status=Precedent.Status.DRAFT)
    if not scope:
        return Precedent.objects.none()
    return Precedent.objects.filter(scope)


def precedent_refused(pk, *, detail: str = NOT_VISIBLE) -> Refused:
    return Refused(
        object_type=Precedent._meta.label_lower,
        object_id=pk,
        detail=detail if Precedent.objects.filter(pk=pk).exists() else NO_SUCH_OBJECT,
    )


def hidden_precedent(kwarg: str):
    return lambda kwargs: precedent_refused(kwargs[kwarg])


def precedent_for(user, pk) -> Precedent:
    precedent = (
        visible_precedents(user)
        .select_related("regulation", "legal_ground", "drafted_by", "published_by")
        .prefetch_related("life_domains", "organisations")
        .filter(pk=pk)
        .first()
    )
    if precedent is None:
        raise precedent_refused(pk)
    return precedent


@dataclass
class PrecedentSearch:
    terms: list[str]
    total: int
    results: list[Precedent]
    facets: dict[str, list[tuple[object, str, int]]]
    page: int
    pages: int


FACETS = ("domain", "organisation", "regulation", "ground", "outcome")


def _matching(
    base: QuerySet[Precedent], terms: list[str]
) -> tuple[QuerySet[Precedent], list[int] | None]:
    """The precedents of ``base`` matching any term, and (SQLite) the ids ranked best
    first; on PostgreSQL the queryset is annotated with ``rank`` instead."""
    if not terms:
        return base, None
    vendor = connection.vendor
    if vendor == "postgresql":
        query = tsquery(terms)
        # Constant SQL (PG_RANK, PG_MATCHING_IDS); the query is a bound parameter.
        rank = RawSQL(PG_RANK, [query])  # noqa: S611
        ids = RawSQL(PG_MATCHING_IDS, [query])  # noqa: S611
        matched = base.annotate(rank=rank).filter(pk__in=ids)
        return matched, None
    match = fts5_match(terms)
    matched = base.filter(
        pk__in=RawSQL(
            "SELECT rowid FROM learning_precedent_fts WHERE learning_precedent_fts MATCH %s",
            [match],
        )
    )
    # The best-ranked matches among ``base`` (published, the facets chosen): ranking
    # over the whole FTS table and filtering afterwards would leave pages short.
    # ``base_sql`` is Django's own compiled SQL, its values bound parameters.
    base_sql, base_params = base.values("pk").query.sql_with_params()
    ranking = " ".join(
        [
            "SELECT rowid FROM learning_precedent_fts WHERE learning_precedent_fts MATCH %s",
            # "+rowid": not offered to FTS5 as a constraint, so it matches first and
            # checks the ids after (as "rowid IN" it looked every id up in turn).
            f"AND +rowid IN ({base_sql})",
            "ORDER BY bm25(learning_precedent_fts, 10.0, 4.0, 1.0) LIMIT %s",
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute(ranking, [match, *base_params, RANKED_CANDIDATES])
        ranked = [row[0] for row in cursor.fetchall()]
    return matched, ranked


def _facets(matched: QuerySet[Precedent]) -> dict:
    """The facet counts over every match, in three queries whatever their number: the
    life domains and the organisations (each a GROUP BY over its link table), and the
    rule, exception ground and outcome together (one GROUP BY over the three columns,
    summed per facet here: at most rules × grounds × outcomes rows)."""
    ids = matched.values("pk")
    through_domains = Precedent.life_domains.through.objects.filter(precedent_id__in=ids)
    through_orgs = Precedent.organisations.through.objects.filter(precedent_id__in=ids)
    outcomes = dict(Case.Outcome.choices)
    combined = (
        Precedent.objects.filter(pk__in=ids)
        .values("regulation_id", "legal_ground_id", "outcome")
        .annotate(n=Count("pk"))
        .order_by()
    )
    regulation, ground, outcome = Counter(), Counter(), Counter()
    for row in combined:
        if row["regulation_id"]:
            regulation[row["regulation_id"]] += row["n"]
        if row["legal_ground_id"]:
            ground[row["legal_ground_id"]] += row["n"]
        outcome[row["outcome"]] += row["n"]
    names = (
        dict(Regulation.objects.filter(pk__in=list(regulation)).values_list("pk", "name"))
        if regulation
        else {}
    )
    titles = (
        dict(LegalGround.objects.filter(pk__in=list(ground)).values_list("pk", "title"))
        if ground
        else {}
    )

    def best(counter, labels, limit=20):
        rows = [(value, str(labels.get(value, value)), n) for value, n in counter.items()]
        return sorted(rows, key=lambda row: (-row[2], row[1]))[:limit]

    return {
        "domain": [
            (row["lifedomain__code"], row["lifedomain__name_nl"], row["n"])
            for row in through_domains.values("lifedomain__code", "lifedomain__name_nl")
            .annotate(n=Count("precedent", distinct=True))
            .order_by("-n", "lifedomain__code")
        ],
        "organisation": [
            (row["organisation_id"], row["organisation__name"], row["n"])
            for row in through_orgs.values("organisation_id", "organisation__name")
            .annotate(n=Count("precedent", distinct=True))
            .order_by("-n", "organisation__name")[:20]
        ],
        "regulation": best(regulation, names),
        "ground": best(ground, titles),
        "outcome": sorted(
            ((value, str(outcomes.get(value, value)), n) for value, n in outcome.items()),
            key=lambda row: (-row[2], row[0]),
        ),
    }


def search_precedents(user, query: str = "", *, filters: dict | None = None, page: int = 1):
    """Published precedents matching the query (any of its stems), ranked, filtered by
    the chosen facets; with the facet counts over every match. A query with nothing to
    search for (empty, only stop words or punctuation) lists the newest."""
    filters = filters or {}
    terms = query_terms(query)
    base = visible_precedents(user).filter(status=Precedent.Status.PUBLISHED)
    if filters.get("domain"):
        base = base.filter(life_domains__code=filters["domain"])
    if filters.get("organisation"):
        base = base.filter(organisations__id=filters["organisation"])
    if filters.get("regulation"):
        base = base.filter(regulation_id=filters["regulation"])
    if filters.get("ground"):
        base = base.filter(legal_ground_id=filters["ground"])
    if filters.get("outcome"):
        base = base.filter(outcome=filters["outcome"])
    if terms and not any(query_terms(query)):
        terms = []
    matched, ranked = _matching(base, terms)
    total = matched.count()
    pages = max(1, -(-total // PRECEDENT_PAGE))
    page = min(max(1, page), pages)
    start = (page - 1) * PRECEDENT_PAGE
    rows = matched.select_related("regulation", "legal_ground").prefetch_related(
        "life_domains", "organisations"
    )
    if not terms:
        results = list(rows.order_by("-published_at", "-id")[start : start + PRECEDENT_PAGE])
    elif ranked is None:
        results = list(
            rows.order_by("-rank", "-published_at", "-id")[start : start + PRECEDENT_PAGE]
        )
    else:
        # SQLite: the ranked ids (best first), then any further matches newest first.
        position = {pk: i for i, pk in enumerate(ranked)}
        window = ranked[start : start + PRECEDENT_PAGE]
        results = sorted(rows.filter(pk__in=window), key=lambda p: position[p.pk])
        if len(results) < PRECEDENT_PAGE and total > len(ranked):
            results += list(
                rows.exclude(pk__in=ranked).order_by("-published_at", "-id")[
                    : PRECEDENT_PAGE - len(results)
                ]
            )
    return PrecedentSearch(
        terms=terms,
        total=total,
        results=results,
        facets=_facets(matched),
        page=page,
        pages=pages,
    )


def similar_precedents(
    case: Case, *, limit: int = 5, req: Request | None = None, reason: str = ""
) -> list[Precedent]:
    """The published precedents that best match a case: its life domains, the
    organisations and rules of its requests (of ``req`` only, when given: the refused
    request) and the words of what is needed, ranked like a search (the domains and the
    rule weigh most). ``reason``: only precedents that met that refusal on the way.

    Starts from ``Precedent.objects`` on purpose: published precedents are readable by
    every role that has ``learning.view_precedent`` (the callers check it), and the
    case comes from the caller's policy (``case_for``)."""
    requests = (
        [req]
        if req is not None
        else list(Request.objects.filter(case=case).select_related("organisation", "regulation"))
    )
    words = [domain.name_nl for domain in case.life_domains.all()]
    words += [r.organisation.name for r in requests]
    words += [r.regulation.name for r in requests if r.regulation_id]
    words += [r.rule_text for r in requests if r.rule_text]
    if req is not None:
        words.append(req.subject)
    words.append(case.needed[:500])
    terms = query_terms(" ".join(words))
    base = Precedent.objects.filter(status=Precedent.Status.PUBLISHED).exclude(source_case=case)
    if reason:
        base = (
            base.filter(refusal_reasons__contains=[reason])
            if connection.vendor == "postgresql"
            else base.filter(refusal_reasons__icontains=f'"{reason}"')
        )
    if not terms:
        return []
    matched, ranked = _matching(base, terms)
    matched = matched.select_related("regulation", "legal_ground")
    if ranked is None:
        return list(matched.order_by("-rank", "-published_at", "-id")[:limit])
    position = {pk: i for i, pk in enumerate(ranked)}
    return sorted(matched.filter(pk__in=ranked[:limit]), key=lambda p: position[p.pk])


def refusal_precedents(user, req: Request, event, *, limit: int = 5) -> list[Precedent]:
    """Next to a refusal: first the similar precedents that met the same refusal on
    the way (and were solved anyway), then other similar ones, at most ``limit``."""
    if not user.has_perm("learning.view_precedent"):
        return []
    case = req.case
    found = (
        similar_precedents(case, req=req, reason=event.reason, limit=limit) if event.reason else []
    )
    for precedent in found:
        precedent.same_refusal = True
    if len(found) < limit:
        seen = {p.pk for p in found}
        more = similar_precedents(case, req=req, limit=limit + len(found))
        found += [p for p in more if p.pk not in seen][: limit - len(found)]
    return found


def refusal_section(user, req: Request, event) -> dict | None:
    """The request page's section next to a refusal (journeys.extensions): the
    similar precedents, each a link, and whether the user may link one to the case."""
    if not user.has_perm("learning.view_precedent"):
        return None
    precedents = refusal_precedents(user, req, event)
    linked = set(
        PrecedentLink.objects.filter(case=req.case_id).values_list("precedent_id", flat=True)
    )
    return {
        "template": "learning/_refusal_precedents.html",
        "precedents": precedents,
        "linked": linked,
        "case": req.case,
        "may_link": bool(precedents) and may_link_precedents(user, req.case),
        "reason": event.get_reason_display() if event.reason else "",
    }


def may_link_precedents(user, case: Case) -> bool:
    return (
        case.status != Case.Status.CLOSED
        and user.has_perm("learning.add_precedentlink")
        and user.has_perm("learning.view_precedent")
        and workable_cases(user).filter(pk=case.pk).exists()
    )


def linkable_cases(user, precedent: Precedent, *, limit: int = 50) -> QuerySet[Case]:
    """The open cases a user may link ``precedent`` to, from the precedent's page: the
    ones the user works on that it is not linked to yet, at most ``limit``."""
    if not user.has_perm("learning.add_precedentlink"):
        return Case.objects.none()
    ids = list(
        workable_cases(user)
        .exclude(status=Case.Status.CLOSED)
        .exclude(precedent_links__precedent=precedent)
        .exclude(pk=precedent.source_case_id or 0)
        .order_by("household__pseudonym", "id")
        .values_list("pk", flat=True)[:limit]
    )
    # Unsliced, so that a form can validate a choice against it.
    return (
        Case.objects.filter(pk__in=ids)
        .select_related("household")
        .order_by("household__pseudonym", "id")
    )
