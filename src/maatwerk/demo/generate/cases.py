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

import itertools
import random
from datetime import date, timedelta
from decimal import Decimal

from maatwerk.cases.search import stored as stored_search

from . import tables as T
from . import words as W
from .context import Clock, Context, pick
from .world import DOMAIN_DECIDERS

CASE_WORK = "case_work"
ACTION_OWNED = 0.7  # actions given to the case owner (the rest: someone outside the app)
ACTION_DONE = 0.85  # actions marked done (by the case owner), around their date
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
PSEUDONYM_PREFIX = "HG-"
PSEUDONYM_FACTOR = 387420489  # 3**18: coprime with 10**9, so the mapping below is 1:1


def pseudonym(household_id: int) -> str:
    """A pseudonym that looks random but is unique per household id (``HG-``: never
    one the application hands out, which start with ``HH-``)."""
    return f"{PSEUDONYM_PREFIX}{household_id * PSEUDONYM_FACTOR % 10**9:09d}"


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
        "plan_texts",
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
        self.plan_texts: list[list[str]] = []  # per plan, the newest version's words


def _domains(random_, safety: bool) -> list[str]:
    chosen = []
    if random_() < 0.62:
        chosen.append("finances")
        if random_() < 0.5:
            r = random_()
            chosen += (
                ["mental_health"]
                if r < 0.45
                else ["physical_health"]
                if r < 0.85
                else ["physical_health", "mental_health"]
            )
    else:
        if random_() < 0.14:
            chosen.append("physical_health")
        if random_() < 0.18:
            chosen.append("mental_health")
    for code, chance in DOMAIN_CHANCES:
        if random_() < chance:
            chosen.append(code)
    if random_() < (0.7 if safety else 0.02):
        chosen.append("safety")
    if not chosen:
        chosen.append(pick(random_, START_DOMAINS))
    return chosen


def _perspective_text(random_, domains: list[str], primary: str) -> list[str]:
    pool = W.HOUSEHOLD_WORDS
    own = pool[primary]
    first = int(random_() * len(own))
    second = (first + 1 + int(random_() * (len(own) - 1))) % len(own)
    said = [own[first], own[second]]
    for code in domains:
        if code != primary and len(said) < 4:
            sentence = pick(random_, pool[code])
            if sentence not in said:
                said.append(sentence)
    return said


def open_case(ctx: Context, rng: random.Random) -> Draft:
    """The case, its household and first voice, on a day in the last three years
    (more in recent years)."""
    world = ctx.world
    random_ = rng.random
    d = Draft()
    team = rng.choices(world.teams, cum_weights=world.cum_team_weights)[0]
    owner = pick(random_, team.professionals)
    d.team, d.owner, d.municipality = team, owner, team.org
    today = ctx.today
    span = (today - world.start).days
    d.opened_on = opened = today - timedelta(days=int(random_() ** 1.25 * span))
    d.last_day = opened
    d.clock = clock = Clock(rng)
    d.safety = safety = random_() < 1 / 3
    d.domains = domains = _domains(random_, safety)
    d.primary = primary = (
        domains[0]
        if len(domains) == 1
        else rng.choices(domains, weights=[PRIMARY_WEIGHT.get(c, 2) for c in domains])[0]
    )
    d.id = case_id = ctx.take(T.CASE)
    d.household_id = household_id = ctx.take(T.HOUSEHOLD)
    d.household = household = pseudonym(household_id)
    d.deciding = _deciding(ctx, rng, d)

    composition = rng.choices(COMPOSITION_CODES, cum_weights=_CUM_COMPOSITION)[0]
    adults, children = _members(rng, composition)
    ctx.add(T.HOUSEHOLD, (household_id, household, composition, adults, children, team.org.name))
    dom = world.domains
    add_domain, domain_id = ctx.appender(T.CASE_DOMAINS), ctx.counter(T.CASE_DOMAINS)
    for code in domains:
        add_domain((domain_id(), case_id, dom[code]))

    # The household's own words; where it sees its problems start.
    sentences = _perspective_text(random_, domains, primary)
    starts = [c for c in domains if c in START_DOMAINS]
    start = pick(random_, starts) if starts and random_() < 0.75 else pick(random_, domains)
    at = clock.at(opened)
    first = ctx.take(T.PERSPECTIVE)
    ctx.add(
        T.PERSPECTIVE,
        (
            first,
            case_id,
            "",
            1,
            " ".join(sentences),
            "household",
            dom[start],
            opened,
            "first",
            owner.id,
            at,
        ),
    )
    d.events.append((opened, "opened", owner, "", at))
    ctx.log(at, owner, "create", CASE_WORK, "cases.case", case_id, household)
    voices = {"": [(first, opened, sentences)]}

    # A second voice: mostly where there is a safety concern.
    if random_() < (0.6 if safety else 0.04):
        member = pick(random_, W.MEMBERS_SAFETY if safety else W.MEMBERS_OTHER)
        day = opened + timedelta(days=3 + int(random_() * 18))
        if day <= today:
            said = rng.sample(W.MEMBER_WORDS, 3)
            where = dom["safety"] if safety else dom[start]
            pid = _perspective(ctx, d, member, 1, said, day, "conversation", where)
            voices[member] = [(pid, day, said)]
    # A later version of the household's words.
    if random_() < 0.25:
        day = opened + timedelta(days=30 + int(random_() * 210))
        if day <= today:
            said = [*sentences[:2], pick(random_, W.UPDATE_WORDS)]
            confirmation = pick(random_, AGREED_HOW)
            pid = _perspective(ctx, d, "", 2, said, day, confirmation, dom[start])
            voices[""].append((pid, day, said))
    d.voices = voices
    return d


AGREED_HOW = ("conversation", "signed", "phone")


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


_CUM_COMPOSITION = list(itertools.accumulate(COMPOSITION_WEIGHTS))


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


def _audience(member: str) -> str:
    """The safe default audience of a voice's pieces (cases.audience.default_audience):
    the whole household's words for the household, a member's for that member only."""
    return "household" if not member else "member"


def _perspective(ctx, d: Draft, member, version, said, day, confirmation, start_domain) -> int:
    at = d.clock.at(day)
    pid = ctx.take(T.PERSPECTIVE)
    ctx.add(
        T.PERSPECTIVE,
        (pid, d.id, member, version, " ".join(said), _audience(member), start_domain, day,
         confirmation, d.owner.id, at),
    )  # fmt: skip
    d.events.append((day, "perspective", d.owner, member, at))
    ctx.log(
        at, d.owner, "update" if version > 1 else "create", CASE_WORK, "cases.perspective",
        pid, d.household,
    )  # fmt: skip
    if day > d.last_day:
        d.last_day = day
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
    random_ = rng.random
    owner = d.owner
    today = ctx.today
    clock = d.clock
    if not member:
        title = PLAN_TITLES[d.primary]
    else:
        title = "Veilig thuis" if d.safety else f"Een eigen plan: {member.lower()}"
    plan_id = ctx.take(T.PLAN)
    at = clock.at(day)
    ctx.add(T.PLAN, (plan_id, d.id, title, member, owner.id, at))
    if d.status == "intake":
        d.status = "plan"
        d.events.append((day, "status", owner, labels["plan"], at))
    days = [day]
    if random_() < 0.3:
        later = day + timedelta(days=15 + int(random_() * 105))
        if later <= today:
            days.append(later)
    add_version, version_id = ctx.appender(T.PLAN_VERSION), ctx.counter(T.PLAN_VERSION)
    add_ground, ground_id = ctx.appender(T.PLAN_GROUNDS), ctx.counter(T.PLAN_GROUNDS)
    add_goal, goal_id = ctx.appender(T.GOAL), ctx.counter(T.GOAL)
    add_action, action_id = ctx.appender(T.PLAN_ACTION), ctx.counter(T.PLAN_ACTION)
    add_done, done_id = ctx.appender(T.PLAN_ACTION_DONE), ctx.counter(T.PLAN_ACTION_DONE)
    add_cost, cost_id = ctx.appender(T.COST_LINE), ctx.counter(T.COST_LINE)
    costs = world.reference_costs
    grounds = world.all_grounds
    goal_pool = W.GOALS[d.primary if not member else "safety"]
    deciding = d.deciding
    for number, vday in enumerate(days, start=1):
        perspective_id, _pday, said = _voice_at(voices, vday)
        vat = clock.at(vday)
        vid = version_id()
        row = (
            vid, plan_id, number, perspective_id, pick(random_, W.INTENDED_EFFECT),
            pick(random_, W.IMPACT), pick(random_, W.PURPOSE_OF_LAW), pick(random_, W.ETHICS),
            pick(random_, W.LEGAL_CHECK), pick(random_, W.LEGALITY),
            pick(random_, W.SAFETY) if d.safety else "", _audience(member), "professionals",
            owner.id, vat,
        )  # fmt: skip
        add_version(row)
        searched = [title, *row[4:10]]  # what cases.search finds in the version
        if grounds and random_() < 0.7:
            add_ground((ground_id(), vid, pick(random_, grounds)))
        goals = rng.sample(goal_pool, 2) if len(goal_pool) > 2 and random_() < 0.6 else goal_pool
        searched += goals
        whats = []
        for order, text in enumerate(goals):
            add_goal(
                (goal_id(), vid, order, text, pick(random_, said) if random_() < 0.85 else "",
                 _audience(member)),
            )  # fmt: skip
        for order in range(1 + (random_() < 0.5)):
            org = pick(random_, deciding) if random_() < 0.6 else d.municipality
            due = vday + timedelta(days=7 + int(random_() * 53))
            aid = action_id()
            what = pick(random_, W.ACTIONS)
            whats.append(what)
            add_action(
                (aid, vid, order, what, org.id, pick(random_, W.PERSONS),
                 due, owner.id if random_() < ACTION_OWNED else None, _audience(member)),
            )  # fmt: skip
            # Most actions are done by their date or a little later (the rest is late).
            if random_() < ACTION_DONE:
                done_on = due + timedelta(days=int(random_() * 14) - 7)
                if vday <= done_on <= today:
                    dat = clock.at(done_on)
                    add_done((done_id(), aid, done_on, owner.id, dat))
                    ctx.log(dat, owner, "update", CASE_WORK, "cases.planaction", aid,
                            d.household)  # fmt: skip
        newest = [text for text in (*searched, *whats) if text]
        current = pick(random_, W.COST_CURRENT)
        lines = [("current", *current), ("plan", *pick(random_, W.COST_PLAN))]
        if random_() < 0.4:
            other = pick(random_, W.COST_CURRENT)
            if other is not current:
                lines.insert(1, ("current", *other))
        for order, (kind, code, description) in enumerate(lines):
            ref_id, amount = costs.get(code, NO_REFERENCE)
            add_cost((cost_id(), vid, kind, order, description, ref_id, _vary(random_, amount)))
        summary = f"{title} v{number}"
        d.events.append((vday, "plan", owner, summary, vat))
        ctx.log(
            vat, owner, "create" if number == 1 else "update", CASE_WORK, "cases.planversion",
            vid, d.household,
        )  # fmt: skip
        if not member:
            d.excerpt = "\n".join(goals)
        # The household's agreement with this version (only the newest can be agreed to).
        agree_on = vday + timedelta(days=int(random_() * 15))
        before_next = number == len(days) or agree_on < days[number]
        if agree_on <= today and before_next and random_() < 0.85:
            aat = clock.at(agree_on)
            aid = ctx.take(T.AGREEMENT)
            ctx.add(
                T.AGREEMENT,
                (aid, vid, agree_on, pick(random_, AGREED_HOW), pick(random_, W.AGREEMENT_WORDS),
                 owner.id, aat),
            )  # fmt: skip
            d.events.append((agree_on, "agreement", owner, summary, aat))
            ctx.log(aat, owner, "update", CASE_WORK, "cases.agreement", aid, d.household)
            d.agreed = True
            if agree_on > d.last_day:
                d.last_day = agree_on
        if vday > d.last_day:
            d.last_day = vday
    d.plan_texts.append(newest)


def search_row(ctx: Context, d: Draft, at) -> None:
    """The case's row of the case search (``cases.search.refresh`` would write the same
    texts: the newest words of every voice, the newest version of every plan, what the
    requests ask and of which rule, the organisations that must decide and that were
    asked), so that the run need not read everything back to index it."""
    perspective = "\n".join(" ".join(d.voices[member][-1][2]) for member in sorted(d.voices))
    plan = "\n".join(text for texts in d.plan_texts for text in texts)
    requests = "\n".join(t for r in d.requests for t in (r.subject, r.rule) if t)
    deciding = "\n".join(org.name for org in d.deciding)
    asked = "\n".join(r.org.name for r in d.requests)
    # What the row keeps is the texts' Dutch stems (cases.search.stored), as refresh does.
    ctx.add(
        T.CASE_SEARCH_TEXT,
        (
            d.id,
            stored_search(perspective),
            stored_search(plan),
            stored_search(*([requests] if requests else [])),
            stored_search(deciding, *([asked] if asked else [])),
            None,
            at,
        ),
    )


NO_REFERENCE = (None, Decimal("800.00"))
CENTS = Decimal("1.00")


def _vary(random_, amount) -> Decimal:
    """About the reference amount, in whole tens of euros."""
    return Decimal(max(10, int(float(amount) * (0.5 + random_()) / 10) * 10)) * CENTS


def close_case(ctx: Context, rng: random.Random, d: Draft, labels: dict) -> None:
    """The case's status follows its requests: in the journey while any is open; when
    all are answered it is executed and, later, closed with an outcome. Then the case
    row itself, its events and some reads of the case page."""
    today = ctx.today
    owner = d.owner
    random_ = rng.random
    if d.requests:
        submitted = [r.first_submitted for r in d.requests if r.first_submitted]
        if submitted:
            first = min(submitted)
            if d.status in ("intake", "plan"):
                d.status = "journey"
                d.events.append((first, "status", owner, labels["journey"], d.clock.at(first)))
            if all(r.finished for r in d.requests):
                done = max(r.finished for r in d.requests)
                good = sum(r.state in ("approved", "solved") for r in d.requests)
                _move(ctx, rng, d, done, good, len(d.requests), labels)
    elif d.plan_on is not None and d.agreed and random_() < 0.5:
        _move(ctx, rng, d, d.last_day, 1, 1, labels)
    if d.closed_on is not None and d.status != "closed":
        _status(ctx, d, d.closed_on, "closed", labels)

    # Reads of the case page (every page of a case writes one row; most reads of the
    # work itself are in the rows of the writes).
    span = max(0, (min(today, d.last_day + timedelta(days=30)) - d.opened_on).days)
    for _ in range(pick(random_, READS)):
        day = d.opened_on + timedelta(days=int(random_() * (span + 1)))
        reader = owner if random_() < 0.85 else pick(random_, d.team.professionals)
        ctx.log(d.clock.at(day), reader, "read", CASE_WORK, "cases.case", d.id, d.household)

    case_id = d.id
    add_event, event_id = ctx.appender(T.CASE_EVENT), ctx.counter(T.CASE_EVENT)
    events = d.events
    for day, kind, actor, summary, at in events:
        add_event((event_id(), case_id, kind, day, actor.id, summary, at))
    # The services change a case with update(), which leaves ``updated_at`` as it was.
    created = updated = events[0][4]
    ctx.add(
        T.CASE,
        (case_id, f"MW-{d.opened_on.year}-{case_id:07d}", d.team.org.name, d.household_id,
         d.team.id, owner.id, d.status, d.outcome, d.opened_on, d.closed_on,
         W.NEEDED[d.primary], ctx.world.domains[d.primary], d.safety, d.version, created,
         updated),
    )  # fmt: skip
    add_deciding, deciding_id = ctx.appender(T.CASE_DECIDING), ctx.counter(T.CASE_DECIDING)
    for org in d.deciding:
        add_deciding((deciding_id(), case_id, org.id))


READS = (0, 1, 1, 2)


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
    if day > d.last_day:
        d.last_day = day
