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
``cases.extensions.register_search_text``). On PostgreSQL that is Dutch full-text
search: the row's stored ``tsvector`` (``document``, GIN index) against
``websearch_to_tsquery('dutch', …)``, so "schulden" also finds "schuld" and common
words are ignored. On SQLite every word must appear (``LIKE``, no stemming) in one of
the texts.

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

from django.contrib.postgres.search import SearchQuery, SearchVector, SearchVectorExact
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .extensions import search_text_parts
from .models import Case, CaseSearchText, Perspective, PlanVersion

CONFIG = "dutch"
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


def words(text: str) -> list[str]:
    """The words of a query (for SQLite's LIKE and for the reasons); at least two
    characters each."""
    return [w for w in re.findall(r"\w+", normalise(text).lower()) if len(w) >= 2]


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
                perspective=perspectives.get(case_id, ""),
                plan=plans.get(case_id, ""),
                requests="\n".join(t for t in more.get("requests", []) if t),
                organisations="\n".join(
                    t for t in [deciding.get(case_id, ""), *more.get("organisations", [])] if t
                ),
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


def _text_matches(text: str) -> QuerySet[CaseSearchText]:
    if full_text():
        return CaseSearchText.objects.filter(
            document=SearchQuery(text, config=CONFIG, search_type="websearch")
        )
    condition = Q()
    for word in words(text):
        any_field = Q()
        for name in TEXT_FIELDS:
            any_field |= Q(**{f"{name}__icontains": word})
        condition &= any_field
    if not condition:
        return CaseSearchText.objects.none()
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
    if words(text) or full_text():
        in_texts = _text_matches(text).filter(case__in=text_scope.values("pk"))
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


def _any_word_query(text: str):
    query = None
    for word in words(text):
        part = SearchQuery(word, config=CONFIG)
        query = part if query is None else query | part
    return query


def match_reasons(rows: list[Case], text: str, *, text_scope: QuerySet[Case]) -> None:
    """Say, for each case on the shown page, why the query found it: sets
    ``case.matched`` (a ``Matched``: the fields that hold the query or one of its
    words). One query for the page, whatever the number of cases."""
    text = normalise(text)
    if not text or not rows:
        return
    lowered = text.lower()
    ids = [case.pk for case in rows]
    texts = CaseSearchText.objects.filter(case_id__in=ids, case__in=text_scope.values("pk"))
    by_case: dict[int, set[str]] = {}
    query = _any_word_query(text) if full_text() else None
    if full_text() and query is not None:
        flags = {
            f"m_{name}": SearchVectorExact(SearchVector(name, config=CONFIG), query)
            for name in TEXT_FIELDS
        }
        for row in texts.annotate(**flags).values("case_id", *flags):
            by_case[row["case_id"]] = {name for name in TEXT_FIELDS if row[f"m_{name}"]}
    elif not full_text():
        wanted = words(text)
        for row in texts.values("case_id", *TEXT_FIELDS):
            by_case[row["case_id"]] = {
                name for name in TEXT_FIELDS if any(w in row[name].lower() for w in wanted)
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
