"""Export of cases as ``maatwerk-case/1`` JSON Lines (docs/exchange.md#export-the-models--a-line).

``export_lines`` yields one line (with its ``\\n``) per case, in batches of ``BATCH``
cases ordered by id (keyset: ``id > last``), each batch read with a fixed number of
queries whatever its size, so a million cases stream in constant memory.
"""

import json
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet, Sum

from maatwerk.budgets.models import LedgerEntry, Spend
from maatwerk.cases.models import Case, Perspective
from maatwerk.journeys.models import CaseIntervention, EventType, JourneyEvent, Request
from maatwerk.learning.models import Bottleneck, LearningPoint

from .validate import FORMAT

BATCH = 500

# The format's maximum lengths, for text the app allows longer (cut, ending in "…").
MAX_SUBJECT = 500
MAX_TO = 200
MAX_TEXT = 5000
MAX_REGULATION = 500
MAX_NAME = 200


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def cases_for(
    *, date_from: date | None = None, date_to: date | None = None, team=None
) -> QuerySet[Case]:
    cases = Case.objects.all()
    if date_from:
        cases = cases.filter(opened_on__gte=date_from)
    if date_to:
        cases = cases.filter(opened_on__lte=date_to)
    if team is not None:
        cases = cases.filter(team=team)
    return cases


def _events(events: list[JourneyEvent]) -> list[dict]:
    """The journey as the format has it: corrections in place of what they correct,
    the app's own event types mapped (docs/exchange.md)."""
    corrected = {e.corrects_id for e in events if e.corrects_id}
    out = []
    for e in sorted(events, key=lambda e: (e.on, e.pk)):
        if e.pk in corrected or e.type == EventType.KEPT_OPEN:
            continue
        kind, text = e.type, e.text
        if e.type == EventType.SOLVED:
            kind, text = EventType.WITHDRAWN, f"Opgelost met {e.intervention}".strip()
        elif e.type == EventType.FORWARDED:
            target = e.redirected_to or ""
            ref = e.forwarded_to.reference if e.forwarded_to_id else ""
            kind, text = EventType.WITHDRAWN, f"Doorgestuurd naar {target} ({ref})"
        item = {"on": e.on.isoformat(), "type": str(kind)}
        if kind in (EventType.REFUSED, EventType.REDIRECTED) and e.reason:
            item["reason"] = e.reason
        if kind == EventType.ESCALATED and e.level is not None:
            item["level"] = e.level
        if text:
            item["text"] = _cut(text, MAX_TEXT)
        if kind == EventType.CONDITION_ADDED:
            item["household_agrees"] = e.household_agrees
        if kind == EventType.REDIRECTED and e.redirected_to:
            item["to"] = _cut(e.redirected_to, MAX_TO)
        out.append(item)
    return out


def _batch(cases: list[Case]) -> list[dict]:
    ids = [c.pk for c in cases]
    domains = defaultdict(list)
    through = Case.life_domains.through
    for case_id, code in (
        through.objects.filter(case_id__in=ids)
        .order_by("id")
        .values_list("case_id", "lifedomain__code")
    ):
        domains[case_id].append(code)
    perspectives = {
        p.case_id: p
        for p in Perspective.objects.filter(case_id__in=ids, member="", version=1).only(
            "case_id", "text", "recorded_on"
        )
    }
    requests = defaultdict(list)
    request_list = list(
        Request.objects.filter(case_id__in=ids)
        .select_related("organisation", "regulation")
        .order_by("id")
    )
    for req in request_list:
        requests[req.case_id].append(req)
    events = defaultdict(list)
    solved = defaultdict(list)
    for e in (
        JourneyEvent.objects.filter(request__case_id__in=ids)
        .select_related("forwarded_to")
        .order_by("on", "id")
    ):
        events[e.request_id].append(e)
    bottlenecks = defaultdict(list)
    for b in Bottleneck.objects.filter(case_id__in=ids).order_by("id"):
        bottlenecks[b.case_id].append(b)
    points = defaultdict(list)
    lp_through = LearningPoint.cases.through
    links = list(
        lp_through.objects.filter(case_id__in=ids).values_list("case_id", "learningpoint_id")
    )
    lp_by_id = {
        lp.pk: lp
        for lp in LearningPoint.objects.filter(pk__in={lp for _c, lp in links}).select_related(
            "addressee"
        )
    }
    for case_id, lp_id in sorted(links, key=lambda link: link[1]):
        points[case_id].append(lp_by_id[lp_id])
    interventions = defaultdict(list)
    for case_id, code in (
        CaseIntervention.objects.filter(case_id__in=ids)
        .order_by("id")
        .values_list("case_id", "intervention")
    ):
        interventions[case_id].append(code)
    for req in request_list:
        for e in events[req.pk]:
            if e.type == EventType.SOLVED and e.intervention:
                solved[req.case_id].append(e.intervention)
    spends = defaultdict(list)
    booked = list(Spend.objects.filter(case_id__in=ids, state=Spend.State.BOOKED).order_by("id"))
    reversed_ = dict(
        LedgerEntry.objects.filter(spend__in=[s.pk for s in booked], kind=LedgerEntry.Kind.REVERSAL)
        .values("spend_id")
        .annotate(total=Sum("amount"))
        .values_list("spend_id", "total")
    )
    for spend in booked:
        amount = spend.amount - (reversed_.get(spend.pk) or Decimal("0"))
        if amount > 0:
            spends[spend.case_id].append((spend, amount))

    lines = []
    for case in cases:
        household = case.household
        perspective = perspectives.get(case.pk)
        out_requests = []
        for req in requests[case.pk]:
            journey = _events(events[req.pk])
            if not journey or journey[0]["type"] != EventType.SUBMITTED:
                continue  # a draft, or withdrawn before it was sent: not in the format
            item = {
                "ref": req.reference,
                "organisation": req.organisation.name,
                "organisation_type": req.organisation.type,
            }
            if req.kind != Request.Kind.EXCEPTION:
                item["kind"] = req.kind
            item["subject"] = _cut(req.subject, MAX_SUBJECT)
            regulation = req.rule_text or (req.regulation.name if req.regulation_id else "")
            item["regulation"] = _cut(regulation, MAX_REGULATION) if regulation else None
            item["events"] = journey
            out_requests.append(item)
        codes = list(interventions[case.pk])
        codes += [c for c in dict.fromkeys(solved[case.pk]) if c not in codes]
        lines.append(
            {
                "format": FORMAT,
                "ref": case.reference,
                "source": case.source,
                "opened_on": case.opened_on.isoformat(),
                "closed_on": case.closed_on.isoformat() if case.closed_on else None,
                "outcome": case.outcome or None,
                "household": {
                    "composition": household.composition,
                    "adults": household.adults,
                    "children": household.children,
                    "municipality": household.municipality or None,
                },
                "life_domains": domains[case.pk],
                "primary_domain": case.primary_domain.code,
                "safety_concern": case.safety_concern,
                "perspective": {
                    "text": perspective.text if perspective else "",
                    "recorded_on": (
                        perspective.recorded_on if perspective else case.opened_on
                    ).isoformat(),
                },
                "requests": out_requests,
                "bottlenecks": [
                    {
                        "category": b.category,
                        "text": _cut(b.text, MAX_TEXT),
                        "regulation": _cut(b.regulation, MAX_REGULATION) if b.regulation else None,
                    }
                    for b in bottlenecks[case.pk]
                ],
                "learning_points": [
                    {
                        "order": lp.order,
                        "text": _cut(lp.text, MAX_TEXT),
                        "addressee": _cut(lp.addressee_label, MAX_NAME)
                        if lp.addressee_label
                        else None,
                        "status": lp.status,
                    }
                    for lp in points[case.pk]
                ],
                "interventions": codes,
                "budget_spends": [
                    {
                        "on": spend.on.isoformat(),
                        "amount": f"{amount:.2f}",
                        "purpose": _cut(spend.description, MAX_SUBJECT),
                        "bridging": spend.bridging,
                    }
                    for spend, amount in spends[case.pk]
                ],
            }
        )
    return lines


def export_batches(
    cases: QuerySet[Case], *, batch: int = BATCH
) -> Iterator[list[tuple[Case, str]]]:
    """Batches of ``(case, line)``: the line is the JSON text with its ``\\n``."""
    last = 0
    base = cases.select_related("household", "primary_domain").order_by("pk")
    while True:
        rows = list(base.filter(pk__gt=last)[:batch])
        if not rows:
            return
        last = rows[-1].pk
        records = _batch(rows)
        yield [
            (case, json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
            for case, record in zip(rows, records, strict=True)
        ]


def export_lines(cases: QuerySet[Case], *, batch: int = BATCH) -> Iterator[str]:
    for rows in export_batches(cases, batch=batch):
        for _case, line in rows:
            yield line
