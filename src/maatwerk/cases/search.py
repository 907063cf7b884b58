"""Finding a case: search over the cases a user may see (docs/cases.md#finding-a-case).

One search box finds a case by

- a part of the household's **pseudonym** or of the case **reference** ("3991" finds
  HH-3991 and MW-2026-03991),
- the household's **municipality** (a part of it),
- words in the **perspective** (the current words of every voice), the **plan** (the
  current version of every plan: title, reverse test, why the exception grounds
  apply, goals and actions; never the safety text), the **requests** (what is asked,
  the rule) and the **organisations** asked or that must decide.

The words are searched in ``CaseSearchText``, one row per case that the services keep
up to date (``refresh``; the apps above add their part through
``cases.extensions.register_search_text``). It is the same Dutch full-text search as
the precedents' (``maatwerk.core.textsearch``, docs/adr/0008): the row stores the
Snowball Dutch **stems** of each text, computed in Python, so "schulden" finds
"schuld" and "uitkeringen" "uitkering", and Dutch stop words are ignored, with the
same answers on both databases. PostgreSQL matches the stems with a GIN-indexed
``tsvector`` of the ``simple`` configuration (``document``; the stems are stems
already) against ``to_tsquery('simple', 'schuld & uitker')``; SQLite with ``LIKE '%
schuld %'`` on the stored stems (each stem between spaces). Every stem of the query
must be found (in any of the texts).

The words are matched only in the cases the user reaches through the policy
(``workable_cases``: own teams, escalated for coordinators), never in a case seen only
through an emergency access: that one is found by pseudonym or reference alone.
Which cases are searched at all is decided by the caller's queryset
(``visible_cases``, through ``selectors.case_search``).

This module imports no selectors (``selectors.case_search`` imports it): the policy's
querysets come in as arguments.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from maatwerk.core.textsearch import query_terms, stem_text

from .extensions import search_text_parts
from .models import Case, CaseSearchText, Perspective, PlanVersion

# The stems are computed in Python (core.textsearch); PostgreSQL keeps them as they are.
CONFIG = "simple"
MAX_QUERY = 100
BATCH = 500
TEXT_FIELDS = ("perspective", "plan", "requests", "organisations")
WEIGHTS = {"perspective": "A", "plan": "B", "requests": "C", "organisations": "D"}
# A query that looks like a pseudonym or a reference ("3991", "HH-3991",
# "MW-2026-00005"): not case content, so it may be named in the access log.
IDENTIFIER = re.compile(r"^[A-Za-z]{0,4}-?[0-9][0-9-]*$")

LABELS = {
    "pseudonym": _("pseudonym"),
    "reference": _("reference"),
    "municipality": _("municipality"),
    "perspective": _("perspective"),
    "plan": _("plan"),
    "requests": _("requests"),
    "organisations": _("organisation"),
}


def full_text() -> bool:
    """Whether the database does the Dutch full-text search (PostgreSQL)."""
    return connection.vendor == "postgresql"


def normalise(text: str) -> str:
    return " ".join((text or "").split())[:MAX_QUERY]


def terms(text: str) -> list[str]:
    """The distinct Dutch stems of a query (``core.textsearch.query_terms``)."""
    return query_terms(normalise(text))


def stored(*texts: str) -> str:
    """What the search table keeps of texts: their stems, each between spaces (so that
    ``LIKE '% stem %'`` finds whole stems only)."""
    stems = stem_text(*texts)
    return f" {stems} " if stems else ""


def is_identifier(text: str) -> bool:
    return bool(IDENTIFIER.match(normalise(text)))


# --- Keeping the text up to date --------------------------------------------------------


def _perspectives(case_ids) -> dict[int, str]:
    current: dict[tuple[int, str], str] = {}
    rows = (
        Perspective.objects.filter(case_id__in=case_ids)
        .order_by("case_id", "member", "version")
        .values_list("case_id", "member", "text")
    )
    for case_id, member, text in rows:
        current[(case_id, member)] = text  # the last version of each voice wins
    texts: dict[int, list[str]] = {}
    for (case_id, _member), text in current.items():
        texts.setdefault(case_id, []).append(text)
    return {case_id: "\n".join(parts) for case_id, parts in texts.items()}


def _plans(case_ids) -> dict[int, str]:
    newer = PlanVersion.objects.filter(plan=OuterRef("plan"), number__gt=OuterRef("number"))
    versions = (
        PlanVersion.objects.filter(plan__case_id__in=case_ids)
        .filter(~Exists(newer))
        .select_related("plan")
        .prefetch_related("goals", "actions")
    )
    texts: dict[int, list[str]] = {}
    for version in versions:
        parts = [
            version.plan.title,
            version.intended_effect,
            version.impact,
            version.purpose_of_law,
            version.ethics,
            version.legal_check,
            version.legality,
            *(goal.text for goal in version.goals.all()),
            *(action.what for action in version.actions.all()),
        ]
        texts.setdefault(version.plan.case_id, []).extend(p for p in parts if p)
    return {case_id: "\n".join(parts) for case_id, parts in texts.items()}


def _deciding(case_ids) -> dict[int, str]:
    through = Case.deciding_organisations.through
    names: dict[int, list[str]] = {}
    rows = (
        through.objects.filter(case_id__in=case_ids)
        .order_by("case_id", "id")  # as they were added: the same text on every database
        .values_list("case_id", "organisation__name")
    )
    for case_id, name in rows:
        names.setdefault(case_id, []).append(name)
    return {case_id: "\n".join(parts) for case_id, parts in names.items()}


def refresh(case_ids: Iterable[int]) -> int:
    """Rewrite the search text of these cases (and, on PostgreSQL, their Dutch
    ``tsvector``) from what they hold now. Called by every service that changes what
    is searched (inside its transaction); ``maatwerk search-index`` rebuilds all of
    it in batches. Returns the number of rows written."""
    ids = sorted({int(pk) for pk in case_ids})
    written = 0
    for start in range(0, len(ids), BATCH):
        written += _refresh_batch(ids[start : start + BATCH])
    return written


def _refresh_batch(ids: list[int]) -> int:
    ids = list(Case.objects.filter(pk__in=ids).values_list("pk", flat=True))
    if not ids:
        return 0
    perspectives, plans, deciding = _perspectives(ids), _plans(ids), _deciding(ids)
    extra: dict[int, dict[str, list[str]]] = {}
    for part in search_text_parts():
        for case_id, fields in part(ids).items():
            for name, text in fields.items():
                if name not in ("requests", "organisations"):
                    raise ValueError(f"unknown search field {name!r}")
                extra.setdefault(case_id, {}).setdefault(name, []).append(text)
    rows = []
    for case_id in ids:
        more = extra.get(case_id, {})
        rows.append(
            CaseSearchText(
                case_id=case_id,
                perspective=stored(perspectives.get(case_id, "")),
                plan=stored(plans.get(case_id, "")),
                requests=stored(*more.get("requests", [])),
                organisations=stored(deciding.get(case_id, ""), *more.get("organisations", [])),
            )
        )
    CaseSearchText.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["case"],
        update_fields=[*TEXT_FIELDS, "updated_at"],
    )
    if full_text():
        vector = None
        for name in TEXT_FIELDS:
            part = SearchVector(name, config=CONFIG, weight=WEIGHTS[name])
            vector = part if vector is None else vector + part
        CaseSearchText.objects.filter(case_id__in=ids).update(document=vector)
    return len(rows)


# --- Searching --------------------------------------------------------------------------


def _text_matches(stems: list[str]) -> QuerySet[CaseSearchText]:
    """The search rows holding every stem (in any of their texts). The stems are
    ``[a-z0-9]+`` (``core.textsearch``): nothing of the query is syntax."""
    if not stems:
        return CaseSearchText.objects.none()
    if full_text():
        return CaseSearchText.objects.filter(
            document=SearchQuery(" & ".join(stems), config=CONFIG, search_type="raw")
        )
    condition = Q()
    for stem in stems:
        any_field = Q()
        for name in TEXT_FIELDS:
            any_field |= Q(**{f"{name}__contains": f" {stem} "})
        condition &= any_field
    return CaseSearchText.objects.filter(condition)


def search_filter(cases: QuerySet[Case], text: str, *, text_scope: QuerySet[Case]) -> QuerySet:
    """``cases`` narrowed to those the query finds: a part of the pseudonym, the
    reference or the municipality, or (only within ``text_scope``, the policy's
    ``workable_cases``) the words in the searched texts. No joins that multiply rows:
    the words are an ``IN`` subquery on the search table."""
    text = normalise(text)
    if not text:
        return cases
    found = (
        Q(household__pseudonym__icontains=text)
        | Q(reference__icontains=text)
        | Q(household__municipality__icontains=text)
    )
    if stems := terms(text):
        in_texts = _text_matches(stems).filter(case__in=text_scope.values("pk"))
        found |= Q(pk__in=in_texts.values("case_id"))
    return cases.filter(found)


def organisation_filter(cases: QuerySet[Case], organisation) -> QuerySet:
    """The cases with a request to ``organisation`` or that it must decide on."""
    asked = Case.objects.filter(requests__organisation=organisation).values("pk")
    deciding = Case.deciding_organisations.through.objects.filter(organisation=organisation).values(
        "case_id"
    )
    return cases.filter(Q(pk__in=asked) | Q(pk__in=deciding))


@dataclass
class Matched:
    fields: list[str]

    @property
    def labels(self) -> list[str]:
        return [str(LABELS[name]) for name in self.fields]


def match_reasons(rows: list[Case], text: str, *, text_scope: QuerySet[Case]) -> None:
    """Say, for each case on the shown page, why the query found it: sets
    ``case.matched`` (a ``Matched``: the fields that hold the query or one of its
    stems). One query for the page, whatever the number of cases; the same answer on
    both databases (the stored stems are compared in Python)."""
    text = normalise(text)
    if not text or not rows:
        return
    lowered = text.lower()
    stems = set(terms(text))
    by_case: dict[int, set[str]] = {}
    if stems:
        ids = [case.pk for case in rows]
        texts = CaseSearchText.objects.filter(case_id__in=ids, case__in=text_scope.values("pk"))
        for row in texts.values("case_id", *TEXT_FIELDS):
            by_case[row["case_id"]] = {
                name for name in TEXT_FIELDS if stems & set(row[name].split())
            }
    for case in rows:
        fields = []
        if lowered in case.household.pseudonym.lower():
            fields.append("pseudonym")
        if lowered in case.reference.lower():
            fields.append("reference")
        if lowered in (case.household.municipality or "").lower():
            fields.append("municipality")
        fields += [name for name in TEXT_FIELDS if name in by_case.get(case.pk, set())]
        case.matched = Matched(fields)


def log_detail(text: str, hits: int) -> str:
    """What the access log keeps of a search: the number of hits, and the query only
    when it is a pseudonym or a reference. Words may themselves be case data (a name,
    an illness): of those only how many there were."""
    text = normalise(text)
    if not text:
        return f"hits={hits}"
    if is_identifier(text):
        return f"search={text}; hits={hits}"
    return f"search=<{len(text.split())} words, not kept>; hits={hits}"


SearchTextPart = Callable[[list[int]], dict[int, dict[str, str]]]
