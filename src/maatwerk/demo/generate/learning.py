"""Generated system learning (docs/learning.md) and the interventions of a case: what
the professional and the coordinator find when they analyse a case, and what they did
besides asking.

- **Closing analysis**: for a case that is closed or reached the national escalation
  level (``learning.selectors.analysis_due_q``), some weeks later; about one in eight
  of those is still to do (on the coordinator's list), the recent ones too.
- **Bottlenecks**: most analysed cases that were stuck have one to three (a case at the
  national level almost always; a case solved at once in a third of them); the others
  say "nothing blocked this case". Collaboration is the most frequent category (half
  of the stuck cases come from cross-domain collaboration), then laws and regulations
  (often naming the rule: kostendelersnorm, fraudeschuld …), communication, knowledge
  and skills, ICT. They name the organisations involved.
- **Learning points**: for about half of the cases with a bottleneck, of order 1, 2 or
  3, addressed to an organisation of the case (orders 1 and 2) or to the ministry of
  the case's domain (order 3); a quarter of them join a learning point already made
  in the same batch for the same kind of bottleneck (a pattern: one point, many cases).
  Each follows ``learning.models.NEXT_STATUSES`` step by step (proposed, sent, an
  answer — acknowledged, in progress, implemented, rejected — or no response), every
  step dated and cut off at today.
- **Precedents**: about one in twelve closed cases that were (partly) solved is written
  up by its professional, and nine in ten of those are published by a coordinator;
  with the search stems (``search_a/b/d``, as ``learning.services`` stores them) and,
  on SQLite, the FTS5 row.
- **Interventions** (``journeys.CaseIntervention``): the national escalation team for
  every case that reached level 4, an information request for a case with a question to
  a ministry, mediation and a contact found through the register for some cases with a
  journey. (A spend that solves a request records its intervention on the request's
  ``solved`` step, as the services do.)

All of it uses dice of its own (seeded per batch), so the rest of the data is what the
same seed gave before this module existed.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from functools import lru_cache

from django.db import connection
from django.db.models import Max

from maatwerk.cases.models import ReferenceCounter
from maatwerk.core.textsearch import stem_text
from maatwerk.learning.models import NEXT_STATUSES, LearningPoint, Precedent
from maatwerk.register.models import LegalGround, LifeDomain, Regulation

from . import tables as T
from . import words as W
from .context import pick
from .world import MINISTRY_FOR

CASE_WORK = "case_work"
NATIONAL = 4
CATEGORIES = ["collaboration", "laws_regulations", "communication", "knowledge_skills",
              "ict_systems"]  # fmt: skip
CATEGORY_CUM = [35, 60, 75, 90, 100]
# The follow-up after "sent": the addressee's first answer (or none).
FIRST_ANSWER = ["acknowledged", "in_progress", "implemented", "rejected", "no_response"]
FIRST_ANSWER_CUM = [25, 45, 65, 80, 100]
ANSWERS = {
    "acknowledged": "Ontvangen; we bekijken het.",
    "in_progress": "We passen de werkwijze aan; dat loopt.",
    "implemented": "Doorgevoerd: de nieuwe werkwijze geldt sinds deze maand.",
    "rejected": "Dit past niet binnen onze opdracht; we houden de regel aan.",
    "no_response": "",
}


# The FTS5 row of a precedent on SQLite (learning.services._index, migration 0003).
FTS_INSERT = "INSERT INTO learning_precedent_fts (rowid, a, b, d) VALUES (%s, %s, %s, %s)"


class References:
    """``LP-<year>-<00001>`` and ``PR-<year>-<00001>`` as ``learning.services`` numbers
    them: continuing from the scope's counter (``cases.numbering``), which is moved past
    the generated numbers after every batch, so the app numbers on after them."""

    def __init__(self):
        self.next: dict[str, int] = {}

    def take(self, model, code: str, scope: str, year: int) -> str:
        key = f"{scope}:{year}"
        number = self.next.get(key)
        if number is None:
            prefix = f"{code}-{year}-"
            counter = ReferenceCounter.objects.filter(scope=key).values_list("value", flat=True)
            last = model.objects.filter(reference__startswith=prefix).aggregate(m=Max("reference"))
            highest = int(last["m"].removeprefix(prefix)) if last["m"] else 0
            number = max([highest, *counter]) + 1
        self.next[key] = number + 1
        return f"{code}-{year}-{number:05d}"

    def save(self) -> None:
        for scope, following in self.next.items():
            ReferenceCounter.objects.update_or_create(
                scope=scope, defaults={"value": following - 1}
            )


class Learning:
    """The system learning of one run: the register's names for the search stems, the
    references, and the learning points of the current batch (for patterns)."""

    def __init__(self, ctx):
        self.ctx = ctx
        world = ctx.world
        self.domain_names = {
            code: f"{nl} {en}"
            for code, nl, en in LifeDomain.objects.values_list("code", "name_nl", "name_en")
        }
        self.regulation_names = dict(Regulation.objects.values_list("id", "name"))
        self.ground_titles = dict(LegalGround.objects.values_list("id", "title"))
        self.references = References()
        self.coordinators = world.coordinators
        self.ministries = {
            code: world.orgs[name] for code, name in MINISTRY_FOR.items() if name in world.orgs
        }
        self.rng = random.Random(0)  # noqa: S311 (seeded per batch: new_batch)
        self.open_points: dict[str, list] = {}

    def new_batch(self, seed: str) -> None:
        self.rng.seed(f"{seed}:learning")
        self.open_points = {}

    def end_batch(self) -> None:
        self.references.save()
        if connection.vendor == "sqlite":
            rows = [(r[0], r[-5], r[-4], r[-3]) for r in self.ctx.rows[T.PRECEDENT.name]]
            if rows:
                with connection.cursor() as cursor:
                    cursor.executemany(FTS_INSERT, rows)

    # --- per case ---------------------------------------------------------------------

    def case(self, d) -> None:
        rng = self.rng
        random_ = rng.random
        today = self.ctx.today
        national_on = min(
            (day for r in d.requests for day, level in r.escalations if level >= NATIONAL),
            default=None,
        )
        self._interventions(d, national_on)
        due_on = d.closed_on if d.status == "closed" else national_on
        if due_on is None:
            return
        analysed_on = due_on + timedelta(days=5 + int(random_() * 50))
        if analysed_on > today or random_() < 0.12:
            return  # still on the list of analyses to do
        by = pick(random_, self.coordinators) if national_on else d.owner
        stuck = (
            national_on is not None
            or d.outcome in ("not_solved", "partly_solved")
            or any(r.reasons for r in d.requests)
        )
        chance = 0.9 if national_on else 0.7 if stuck else 0.33
        bottlenecks = []
        if random_() < chance:
            count = 1 if random_() < 0.55 else 2 if random_() < 0.67 else 3
            for _ in range(count):
                bottlenecks.append(self._bottleneck(d, by, analysed_on))
        at = d.clock.at(analysed_on)
        analysis = self.ctx.take(T.CLOSING_ANALYSIS)
        note = "" if bottlenecks else "Soepel verlopen: de organisaties werkten goed samen."
        self.ctx.add(T.CLOSING_ANALYSIS, (analysis, d.id, not bottlenecks, note, by.id, at))
        self.ctx.log(at, by, "create", CASE_WORK, "learning.closinganalysis", analysis, d.household)
        if bottlenecks and random_() < 0.5:
            self._learning_point(d, by, analysed_on, bottlenecks)
        solved = d.status == "closed" and d.outcome in ("solved", "partly_solved")
        if solved and random_() < 0.08:
            self._precedent(d, analysed_on)

    def _interventions(self, d, national_on) -> None:
        ctx, random_ = self.ctx, self.rng.random
        found: list[tuple[str, date, object]] = []
        if national_on is not None:
            found.append(("escalation_team", national_on, pick(random_, self.coordinators)))
        submitted = [r.first_submitted for r in d.requests if r.first_submitted]
        if any(r.kind == "question" and r.first_submitted for r in d.requests):
            on = min(
                r.first_submitted for r in d.requests if r.kind == "question" and r.first_submitted
            )
            found.append(("information_request", on, d.owner))
        if submitted:
            first = min(submitted)
            span = max(0, (d.last_day - first).days)
            if random_() < 0.12:
                found.append(
                    ("mediation", first + timedelta(days=int(random_() * (span + 1))), d.owner)
                )
            if random_() < 0.15:
                found.append(("register_contact", first, d.owner))
        for intervention, on, by in found:
            iid = ctx.take(T.CASE_INTERVENTION)
            at = d.clock.at(on)
            ctx.add(T.CASE_INTERVENTION, (iid, d.id, intervention, on, by.id, at))
            ctx.log(at, by, "create", CASE_WORK, "journeys.caseintervention", iid, d.household,
                    intervention)  # fmt: skip

    def _bottleneck(self, d, by, on: date) -> tuple[int, str]:
        ctx, rng = self.ctx, self.rng
        random_ = rng.random
        category = rng.choices(CATEGORIES, cum_weights=CATEGORY_CUM)[0]
        text = pick(random_, W.BOTTLENECKS[category])
        regulation = ""
        if category == "laws_regulations" and random_() < 0.7:
            regulation = pick(random_, W.BOTTLENECK_RULES)
        bid = ctx.take(T.BOTTLENECK)
        at = d.clock.at(on)
        ctx.add(T.BOTTLENECK, (bid, d.id, category, text, regulation, by.id, at))
        orgs = list(dict.fromkeys(r.org for r in d.requests))
        add, next_id = ctx.appender(T.BOTTLENECK_ORGS), ctx.counter(T.BOTTLENECK_ORGS)
        for org in orgs[: 1 + int(random_() * 2)]:
            add((next_id(), bid, org.id))
        ctx.log(at, by, "create", CASE_WORK, "learning.bottleneck", bid, d.household, category)
        return bid, category

    def _learning_point(self, d, by, on: date, bottlenecks) -> None:
        ctx, rng = self.ctx, self.rng
        random_ = rng.random
        bid, category = bottlenecks[0]
        at = d.clock.at(on)
        pattern = self.open_points.get(category)
        if pattern and random_() < 0.25:
            point = pick(random_, pattern)  # the same learning point, one case more
        else:
            r = random_()
            order = 1 if r < 0.25 else 2 if r < 0.7 else 3
            addressee = None
            if order == 3:
                addressee = self.ministries.get(d.primary)
            if addressee is None and d.requests:
                addressee = pick(random_, d.requests).org
            pid = ctx.take(T.LEARNING_POINT)
            reference = self.references.take(LearningPoint, "LP", "learning-point", on.year)
            status, status_on = self._steps(d, pid, by, on, addressee)
            ctx.add(
                T.LEARNING_POINT,
                (pid, reference, order, pick(random_, W.LEARNING_POINTS[order]),
                 addressee.id if addressee else None, "" if addressee else d.team.org.name,
                 status, status_on, by.id, at, 1),
            )  # fmt: skip
            point = (pid, order)
            self.open_points.setdefault(category, []).append(point)
        pid, order = point
        ctx.add(T.LEARNING_POINT_CASES, (ctx.take(T.LEARNING_POINT_CASES), pid, d.id))
        ctx.add(T.LEARNING_POINT_BOTTLENECKS, (ctx.take(T.LEARNING_POINT_BOTTLENECKS), pid, bid))
        ctx.log(at, by, "create", CASE_WORK, "learning.learningpoint", pid, d.household,
                f"order {order}")  # fmt: skip

    def _steps(self, d, pid: int, by, on: date, addressee) -> tuple[str, date]:
        """The follow-up, step by step along NEXT_STATUSES, until today."""
        ctx, rng = self.ctx, self.rng
        random_ = rng.random
        today = ctx.today
        add, next_id = ctx.appender(T.LEARNING_STEP), ctx.counter(T.LEARNING_STEP)
        status, day = "proposed", on
        add((next_id(), pid, status, day, "", by.id, "", d.clock.at(day)))
        follow_up = pick(random_, self.coordinators)
        deciders = addressee.deciders if addressee is not None else []
        while NEXT_STATUSES[status]:
            if status == "proposed":
                following = "sent" if random_() < 0.9 else "rejected"
                later = day + timedelta(days=1 + int(random_() * 20))
            elif status == "sent":
                following = rng.choices(FIRST_ANSWER, cum_weights=FIRST_ANSWER_CUM)[0]
                later = day + timedelta(days=10 + int(random_() * 110))
            elif status in ("acknowledged", "no_response"):
                r = random_()
                if r < 0.4:
                    break  # no news since
                following = "in_progress" if r < 0.75 else "implemented" if r < 0.9 else "rejected"
                later = day + timedelta(days=20 + int(random_() * 150))
            else:  # in_progress
                if random_() < 0.45:
                    break
                following = "implemented" if random_() < 0.8 else "rejected"
                later = day + timedelta(days=30 + int(random_() * 200))
            if later > today:
                break
            assert following in NEXT_STATUSES[status], (status, following)
            status, day = following, later
            answer = ANSWERS.get(status, "") if status != "sent" else ""
            if status == "rejected" and not answer:
                answer = ANSWERS["rejected"]
            entered, behalf = follow_up, ""
            if status not in ("sent", "no_response"):  # the addressee's answer
                if deciders and random_() < 0.6:
                    entered = pick(random_, deciders)  # in the app, by its decision maker
                else:
                    behalf = addressee.name if addressee is not None else "de geadresseerde"
            at = d.clock.at(day)
            add((next_id(), pid, status, day, answer, entered.id, behalf, at))
            ctx.log(at, entered, "update", CASE_WORK, "learning.learningpoint", pid, "",
                    f"status {status}")  # fmt: skip
        return status, day

    def _precedent(self, d, analysed_on: date) -> None:
        ctx, rng = self.ctx, self.rng
        random_ = rng.random
        today = ctx.today
        drafted = analysed_on + timedelta(days=int(random_() * 30))
        if drafted > today:
            return
        requests = d.requests
        submitted = [r.first_submitted for r in requests if r.first_submitted]
        approved = [r.approved_on for r in requests if r.approved_on]
        lead = (max(approved) - min(submitted)).days if submitted and approved else None
        with_rule = next((r for r in requests if r.regulation or r.rule), None)
        with_ground = next((r for r in requests if r.ground), None)
        interventions = sorted({r.intervention for r in requests if r.intervention})
        reasons = sorted({reason for r in requests for reason in r.reasons})
        title = (requests[0].subject if requests else W.NEEDED[d.primary])[:200]
        situation = W.NEEDED[d.primary]
        asked = "\n".join(f"{r.org.name}: {r.subject}" for r in requests)[:2000]
        what_worked = ", ".join(W.INTERVENTION_WORDS[i] for i in interventions) or pick(
            random_, W.WHAT_WORKED
        )
        regulation = with_rule.regulation if with_rule else None
        rule_text = (with_rule.rule if with_rule else "")[:200]
        ground = with_ground.ground if with_ground else None
        domains = sorted(d.domains)
        orgs = sorted({r.org.id: r.org for r in requests}.values(), key=lambda o: o.id)
        a, b, dd = _stems(
            self.regulation_names.get(regulation, ""), rule_text,
            tuple(self.domain_names[c] for c in domains), title,
            self.ground_titles.get(ground, ""), tuple(o.name for o in orgs), situation, asked,
            what_worked,
        )  # fmt: skip
        published = drafted + timedelta(days=1 + int(random_() * 30))
        publisher = pick(random_, self.coordinators)
        status, published_by, published_at = "draft", None, None
        if published <= today and random_() < 0.9:
            status, published_by, published_at = "published", publisher.id, d.clock.at(published)
        pid = ctx.take(T.PRECEDENT)
        at = d.clock.at(drafted)
        reference = self.references.take(Precedent, "PR", "precedent", drafted.year)
        ctx.add(
            T.PRECEDENT,
            (pid, reference, status, title, situation, asked, what_worked, d.outcome, lead,
             regulation, rule_text, ground, reasons, d.id, d.owner.id, published_by,
             published_at, a, b, dd, at, 1),
        )  # fmt: skip
        dom = ctx.world.domains
        add, next_id = ctx.appender(T.PRECEDENT_DOMAINS), ctx.counter(T.PRECEDENT_DOMAINS)
        for code in domains:
            add((next_id(), pid, dom[code]))
        add, next_id = ctx.appender(T.PRECEDENT_ORGS), ctx.counter(T.PRECEDENT_ORGS)
        for org in orgs:
            add((next_id(), pid, org.id))
        ctx.log(at, d.owner, "create", CASE_WORK, "learning.precedent", pid, d.household)
        if published_at is not None:
            ctx.log(published_at, publisher, "share", CASE_WORK, "learning.precedent", pid, "",
                    "published")  # fmt: skip


def _stems(rule, rule_text, domains, title, ground, orgs, situation, asked, what_worked):
    """``learning.services._index``: the stems by weight. ``stem_text(*texts)`` is the
    stems of each text in turn, so each text is stemmed once and remembered (they come
    from small word lists, again and again; Snowball in Python is slow)."""
    return (
        _joined(rule, rule_text, *domains),
        _joined(title, ground, *orgs),
        _joined(situation, *asked.split("\n"), what_worked),
    )


def _joined(*texts: str) -> str:
    return " ".join(found for found in map(_stem, texts) if found)


@lru_cache(maxsize=65536)
def _stem(text: str) -> str:
    return stem_text(text)
