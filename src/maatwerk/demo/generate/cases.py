"""Generated cases: the household (a pseudonym, never a name), the case with its life
domains, the household's voices and their versions, and the maatwerkplans with their
versions, goals, actions, cost lines and the household's agreements — with the case
events and access-log rows the services would have written.

Distributions (docs/performance.md): finances is the most frequent life domain and
half of those cases also involve health; the primary domain is one of the case's
domains; about a third of the cases has a safety concern, most of those with a second
voice (a partner, a child) and often a plan of its own; three quarters of the
households see their problems start with housing or income.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from . import tables as T
from . import words as W
from .context import Clock, Context
from .world import DOMAIN_DECIDERS

CASE_WORK = "case_work"
COMPOSITIONS = [
    ("single", 30),
    ("single_parent", 28),
    ("couple_with_children", 22),
    ("couple", 10),
    ("multi_generation", 5),
    ("other", 5),
]
COMPOSITION_CODES = [c for c, _ in COMPOSITIONS]
COMPOSITION_WEIGHTS = [w for _, w in COMPOSITIONS]
# How likely each domain is (finances and health: see the module's docstring).
DOMAIN_CHANCES = [
    ("income_work", 0.42),
    ("housing", 0.38),
    ("parenting_family", 0.22),
    ("addiction", 0.08),
    ("justice", 0.07),
    ("education", 0.06),
    ("residence_status", 0.03),
]
PRIMARY_WEIGHT = {"finances": 5, "housing": 4, "income_work": 4, "safety": 3}
START_DOMAINS = ("housing", "income_work", "finances")
PLAN_TITLES = {
    "finances": "Grip op de schulden",
    "income_work": "Een zeker inkomen",
    "housing": "Thuis blijven wonen",
    "physical_health": "Zorg die past",
    "mental_health": "Rust in het hoofd",
    "addiction": "Een nieuwe start",
    "parenting_family": "Samen verder als gezin",
    "safety": "Veilig thuis",
    "justice": "Een schone lei",
    "education": "De opleiding afmaken",
    "residence_status": "Duidelijkheid over het verblijf",
}
DECIDERS = {
    code: ([k for k, _ in kinds], [sum(w for _, w in kinds[: i + 1]) for i in range(len(kinds))])
    for code, kinds in DOMAIN_DECIDERS.items()
}
PSEUDONYM_FACTOR = 387420489  # 3**18: coprime with 10**9, so the mapping below is 1:1


def pseudonym(household_id: int) -> str:
    """A pseudonym that looks random but is unique per household id (``HG-``: never
    one the application hands out, which start with ``HH-``)."""
    return f"HG-{household_id * PSEUDONYM_FACTOR % 10**9:09d}"


class Draft:
    """One case being generated: what the later parts need to know of it."""

    __slots__ = (
        "agreed",
        "clock",
        "closed_on",
        "deciding",
        "domains",
        "events",
        "excerpt",
        "household",
        "household_id",
        "id",
        "last_day",
        "municipality",
        "opened_on",
        "outcome",
        "owner",
        "plan_on",
        "primary",
        "requests",
        "safety",
        "status",
        "team",
        "version",
        "voices",
    )

    def __init__(self):
        self.events: list[tuple] = []  # (day, kind, actor, summary)
        self.requests: list = []
        self.deciding: list = []
        self.plan_on: date | None = None
        self.excerpt = ""
        self.status = "intake"
        self.outcome = ""
        self.closed_on = None
        self.version = 1
        self.agreed = False


def _domains(rng: random.Random, safety: bool) -> list[str]:
    chosen = []
    if rng.random() < 0.62:
        chosen.append("finances")
        if rng.random() < 0.5:
            r = rng.random()
            chosen += (
                ["mental_health"]
                if r < 0.45
                else ["physical_health"]
                if r < 0.85
                else ["physical_health", "mental_health"]
            )
    else:
        if rng.random() < 0.14:
            chosen.append("physical_health")
        if rng.random() < 0.18:
            chosen.append("mental_health")
    for code, chance in DOMAIN_CHANCES:
        if rng.random() < chance:
            chosen.append(code)
    if rng.random() < (0.7 if safety else 0.02):
        chosen.append("safety")
    if not chosen:
        chosen.append(rng.choice(START_DOMAINS))
    return chosen


def _perspective_text(rng: random.Random, domains: list[str], primary: str) -> list[str]:
    pool = W.HOUSEHOLD_WORDS
    said = rng.sample(pool[primary], 2)
    for code in domains:
        if code != primary and len(said) < 4:
            sentence = rng.choice(pool[code])
            if sentence not in said:
                said.append(sentence)
    return said


def open_case(ctx: Context, rng: random.Random) -> Draft:
    """The case, its household and first voice, on a day in the last three years
    (more in recent years)."""
    world = ctx.world
    d = Draft()
    team = rng.choices(world.teams, cum_weights=world.cum_team_weights)[0]
    owner = rng.choice(team.professionals)
    d.team, d.owner, d.municipality = team, owner, team.org
    span = (ctx.today - world.start).days
    d.opened_on = ctx.today - timedelta(days=int(rng.random() ** 1.25 * span))
    d.last_day = d.opened_on
    d.clock = clock = Clock(rng)
    d.safety = rng.random() < 1 / 3
    d.domains = domains = _domains(rng, d.safety)
    d.primary = primary = rng.choices(domains, weights=[PRIMARY_WEIGHT.get(c, 2) for c in domains])[
        0
    ]
    d.id = ctx.take(T.CASE)
    d.household_id = household_id = ctx.take(T.HOUSEHOLD)
    d.household = pseudonym(household_id)
    d.deciding = _deciding(ctx, rng, d)

    composition = rng.choices(COMPOSITION_CODES, cum_weights=_CUM_COMPOSITION)[0]
    adults, children = _members(rng, composition)
    ctx.add(
        T.HOUSEHOLD,
        (household_id, d.household, composition, adults, children, team.org.name),
    )
    dom = world.domains
    for code in domains:
        ctx.add(T.CASE_DOMAINS, (ctx.take(T.CASE_DOMAINS), d.id, dom[code]))

    # The household's own words; where it sees its problems start.
    sentences = _perspective_text(rng, domains, primary)
    starts = [c for c in domains if c in START_DOMAINS]
    start = rng.choice(starts) if starts and rng.random() < 0.75 else rng.choice(domains)
    at = clock.at(d.opened_on)
    first = ctx.take(T.PERSPECTIVE)
    ctx.add(
        T.PERSPECTIVE,
        (first, d.id, "", 1, " ".join(sentences), dom[start], d.opened_on, "first", owner.id, at),
    )
    d.events.append((d.opened_on, "opened", owner, "", at))
    ctx.log(at, owner, "create", CASE_WORK, "cases.case", d.id, d.household)
    voices = {"": [(first, d.opened_on, sentences)]}

    # A second voice: mostly where there is a safety concern.
    if rng.random() < (0.6 if d.safety else 0.04):
        member = rng.choice(W.MEMBERS_SAFETY if d.safety else W.MEMBERS_OTHER)
        day = d.opened_on + timedelta(days=rng.randint(3, 20))
        if day <= ctx.today:
            said = rng.sample(W.MEMBER_WORDS, 3)
            pid = _perspective(ctx, d, member, 1, said, day, "conversation", dom["safety"])
            voices[member] = [(pid, day, said)]
    # A later version of the household's words.
    if rng.random() < 0.25:
        day = d.opened_on + timedelta(days=rng.randint(30, 240))
        if day <= ctx.today:
            said = [*sentences[:2], rng.choice(W.UPDATE_WORDS)]
            confirmation = rng.choice(("conversation", "signed", "phone"))
            pid = _perspective(ctx, d, "", 2, said, day, confirmation, dom[start])
            voices[""].append((pid, day, said))
    d.voices = voices
    return d


def _deciding(ctx: Context, rng: random.Random, d: Draft) -> list:
    """Who must decide: organisations for the primary domain and up to two others."""
    world = ctx.world
    codes = [d.primary, *[c for c in d.domains if c != d.primary][:2]]
    found = []
    for n, code in enumerate(codes):
        if n and rng.random() < 0.5:
            continue
        kinds = DECIDERS[code]
        kind = rng.choices(kinds[0], cum_weights=kinds[1])[0]
        org = world.organisation(kind, d.municipality, rng)
        if org is not None and org not in found:
            found.append(org)
    return found or [d.municipality]


_CUM_COMPOSITION = []
_total = 0
for _w in COMPOSITION_WEIGHTS:
    _total += _w
    _CUM_COMPOSITION.append(_total)


def _members(rng: random.Random, composition: str) -> tuple[int, int]:
    if composition == "single":
        return 1, 0
    if composition == "single_parent":
        return 1, rng.randint(1, 4)
    if composition == "couple":
        return 2, 0
    if composition == "couple_with_children":
        return 2, rng.randint(1, 5)
    if composition == "multi_generation":
        return rng.randint(3, 5), rng.randint(0, 4)
    return rng.randint(1, 3), rng.randint(0, 2)


def _perspective(ctx, d: Draft, member, version, said, day, confirmation, start_domain) -> int:
    at = d.clock.at(day)
    pid = ctx.take(T.PERSPECTIVE)
    ctx.add(
        T.PERSPECTIVE,
        (pid, d.id, member, version, " ".join(said), start_domain, day, confirmation,
         d.owner.id, at),
    )  # fmt: skip
    d.events.append((day, "perspective", d.owner, member, at))
    ctx.log(
        at, d.owner, "update" if version > 1 else "create", CASE_WORK, "cases.perspective",
        pid, d.household,
    )  # fmt: skip
    d.last_day = max(d.last_day, day)
    return pid


def _voice_at(voices: list, day: date):
    """The newest version of a voice recorded on or before ``day``."""
    current = voices[0]
    for version in voices:
        if version[1] <= day:
            current = version
    return current


def make_plans(ctx: Context, rng: random.Random, d: Draft, labels: dict) -> None:
    """The plans of the case (none while it is still in intake): one for the household,
    and one for a second voice in most cases that have one."""
    today = ctx.today
    plan_on = d.opened_on + timedelta(days=5 + int(rng.gammavariate(2.0, 10.0)))
    if plan_on > today:
        return
    if rng.random() < 0.04:  # closed at intake: the household withdrew, or no way found
        closed = d.opened_on + timedelta(days=rng.randint(10, 60))
        if closed <= today:
            d.closed_on, d.outcome = closed, rng.choice(("withdrawn", "not_solved"))
        return
    d.plan_on = plan_on
    voices = d.voices
    members = [m for m in voices if m]
    _plan(ctx, rng, d, "", voices[""], plan_on, labels)
    if members and rng.random() < 0.7:
        member = members[0]
        day = max(plan_on, voices[member][0][1]) + timedelta(days=rng.randint(0, 10))
        if day <= today:
            _plan(ctx, rng, d, member, voices[member], day, labels)


def _plan(ctx, rng, d: Draft, member: str, voices: list, day: date, labels: dict) -> None:
    world = ctx.world
    owner = d.owner
    if not member:
        title = PLAN_TITLES[d.primary]
    else:
        title = "Veilig thuis" if d.safety else f"Een eigen plan: {member.lower()}"
    plan_id = ctx.take(T.PLAN)
    at = d.clock.at(day)
    ctx.add(T.PLAN, (plan_id, d.id, title, member, owner.id, at))
    if d.status == "intake":
        d.status = "plan"
        d.events.append((day, "status", owner, labels["plan"], at))
    days = [day]
    if rng.random() < 0.3:
        later = day + timedelta(days=rng.randint(15, 120))
        if later <= ctx.today:
            days.append(later)
    for number, vday in enumerate(days, start=1):
        perspective_id, _pday, said = _voice_at(voices, vday)
        vat = d.clock.at(vday)
        vid = ctx.take(T.PLAN_VERSION)
        safety = rng.choice(W.SAFETY) if d.safety else ""
        ctx.add(
            T.PLAN_VERSION,
            (vid, plan_id, number, perspective_id, rng.choice(W.INTENDED_EFFECT),
             rng.choice(W.IMPACT), rng.choice(W.PURPOSE_OF_LAW), rng.choice(W.ETHICS),
             rng.choice(W.LEGAL_CHECK), rng.choice(W.LEGALITY), safety, owner.id, vat),
        )  # fmt: skip
        for ground in rng.sample(world.all_grounds, rng.choice((0, 1, 1, 2))):
            ctx.add(T.PLAN_GROUNDS, (ctx.take(T.PLAN_GROUNDS), vid, ground))
        goals = []
        pool = W.GOALS.get(d.primary if not member else "safety") or W.GOALS["finances"]
        for order, text in enumerate(rng.sample(pool, min(len(pool), rng.randint(2, 3)))):
            sentence = rng.choice(said) if rng.random() < 0.85 else ""
            ctx.add(T.GOAL, (ctx.take(T.GOAL), vid, order, text, sentence))
            goals.append(text)
        for order in range(rng.randint(1, 3)):
            org = rng.choice(d.deciding) if d.deciding and rng.random() < 0.6 else d.municipality
            ctx.add(
                T.PLAN_ACTION,
                (ctx.take(T.PLAN_ACTION), vid, order, rng.choice(W.ACTIONS), org.id,
                 rng.choice(W.PERSONS), vday + timedelta(days=rng.randint(7, 60))),
            )  # fmt: skip
        costs = world.reference_costs
        order = 0
        for code, description in rng.sample(W.COST_CURRENT, rng.randint(1, 3)):
            ref_id, amount = costs.get(code, (None, Decimal("1000.00")))
            ctx.add(
                T.COST_LINE,
                (ctx.take(T.COST_LINE), vid, "current", order, description, ref_id,
                 _vary(rng, amount)),
            )  # fmt: skip
            order += 1
        for code, description in rng.sample(W.COST_PLAN, rng.randint(1, 2)):
            ref_id, amount = costs.get(code, (None, Decimal("800.00")))
            ctx.add(
                T.COST_LINE,
                (ctx.take(T.COST_LINE), vid, "plan", order, description, ref_id,
                 _vary(rng, amount)),
            )  # fmt: skip
            order += 1
        summary = f"{title} v{number}"
        d.events.append((vday, "plan", owner, summary, vat))
        ctx.log(
            vat, owner, "create" if number == 1 else "update", CASE_WORK, "cases.planversion",
            vid, d.household,
        )  # fmt: skip
        if not member:
            d.excerpt = "\n".join(goals)
        # The household's agreement with this version (only the newest can be agreed to).
        agree_on = vday + timedelta(days=rng.randint(0, 14))
        before_next = number == len(days) or agree_on < days[number]
        if agree_on <= ctx.today and before_next and rng.random() < 0.85:
            aat = d.clock.at(agree_on)
            aid = ctx.take(T.AGREEMENT)
            ctx.add(
                T.AGREEMENT,
                (aid, vid, agree_on, rng.choice(("conversation", "signed", "phone")),
                 rng.choice(W.AGREEMENT_WORDS), owner.id, aat),
            )  # fmt: skip
            d.events.append((agree_on, "agreement", owner, summary, aat))
            ctx.log(aat, owner, "update", CASE_WORK, "cases.agreement", aid, d.household)
            d.agreed = True
            d.last_day = max(d.last_day, agree_on)
        d.last_day = max(d.last_day, vday)


def _vary(rng: random.Random, amount) -> Decimal:
    """About the reference amount, in whole tens of euros."""
    return Decimal(max(10, int(float(amount) * rng.uniform(0.5, 1.5) / 10) * 10)) * CENTS


CENTS = Decimal("1.00")


def close_case(ctx: Context, rng: random.Random, d: Draft, labels: dict) -> None:
    """The case's status follows its requests: in the journey while any is open; when
    all are answered it is executed and, later, closed with an outcome. Then the case
    row itself, its events and some reads of the case page."""
    today = ctx.today
    owner = d.owner
    if d.requests:
        submitted = [r for r in d.requests if r.first_submitted]
        if submitted:
            first = min(r.first_submitted for r in submitted)
            at = d.clock.at(first)
            if d.status in ("intake", "plan"):
                d.status = "journey"
                d.events.append((first, "status", owner, labels["journey"], at))
            if all(r.finished for r in d.requests):
                done = max(r.finished for r in d.requests)
                good = sum(r.state in ("approved", "solved") for r in d.requests)
                _move(ctx, rng, d, done, good, len(d.requests), labels)
    elif d.plan_on is not None and d.agreed and rng.random() < 0.5:
        _move(ctx, rng, d, d.last_day, 1, 1, labels)
    if d.closed_on is not None and d.status != "closed":
        _status(ctx, d, d.closed_on, "closed", labels)

    # Reads of the case page (every page of a case writes one row).
    span = max(0, (min(today, d.last_day + timedelta(days=30)) - d.opened_on).days)
    for _ in range(rng.choice((1, 2, 2, 3, 3, 4))):
        day = d.opened_on + timedelta(days=rng.randint(0, span))
        reader = owner if rng.random() < 0.85 else rng.choice(d.team.professionals)
        ctx.log(d.clock.at(day), reader, "read", CASE_WORK, "cases.case", d.id, d.household)

    created = None
    updated = None
    for day, kind, actor, summary, at in d.events:
        ctx.add(T.CASE_EVENT, (ctx.take(T.CASE_EVENT), d.id, kind, day, actor.id, summary, at))
        created = created or at
        updated = at if updated is None or at > updated else updated
    needed = W.NEEDED[d.primary]
    ctx.add(
        T.CASE,
        (d.id, f"MW-{d.opened_on.year}-{d.id:07d}", d.team.org.name, d.household_id,
         d.team.id, owner.id, d.status, d.outcome, d.opened_on, d.closed_on, needed,
         ctx.world.domains[d.primary], d.safety, d.version, created, updated),
    )  # fmt: skip
    for org in d.deciding:
        ctx.add(T.CASE_DECIDING, (ctx.take(T.CASE_DECIDING), d.id, org.id))


def _move(ctx, rng, d: Draft, done: date, good: int, total: int, labels: dict) -> None:
    """After the last answer: executing (something was granted) and later closed, or
    closed straight away when nothing was."""
    today = ctx.today
    if good:
        day = done + timedelta(days=rng.randint(0, 10))
        if day > today:
            return
        _status(ctx, d, day, "executing", labels)
        closed = day + timedelta(days=int(rng.gammavariate(2.0, 45.0)))
        if closed <= today:
            d.closed_on = closed
            d.outcome = "solved" if good == total else "partly_solved"
    else:
        closed = done + timedelta(days=rng.randint(10, 60))
        if closed <= today:
            d.closed_on = closed
            d.outcome = rng.choice(("not_solved", "not_solved", "withdrawn"))


def _status(ctx, d: Draft, day: date, status: str, labels: dict) -> None:
    at = d.clock.at(day)
    d.events.append((day, "status", d.owner, labels[status], at))
    ctx.log(
        at, d.owner, "update", CASE_WORK, "cases.case", d.id, d.household,
        f"status {d.status} -> {status}",
    )  # fmt: skip
    d.status = status
    d.version += 1
    d.last_day = max(d.last_day, day)
