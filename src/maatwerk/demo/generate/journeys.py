"""Generated requests and their journeys.

Each request first gets its whole life, from submission to its last answer, and is
then cut off at today: what lies after today has not happened yet, so the requests of
recent cases are still waiting — many of them past their due date (overdue, with the
scheduler's notice already in the notifications). Every step follows the state
machine (``journeys.workflow.TRANSITIONS``; the generator checks each one), dates
never go back, and due dates are counted in working days (``journeys.calendar``)
from the last step that restarts the clock.

Lead times follow the research: about six months on average from submission until
approval, a minority (about a fifth) within two months. On the way: information asked
and given, redirects to another desk, refusals with a typed reason, conditions (with
the household's answer), escalations up the organisation's route (level 4: the
national escalation team, where the coordinators see the case), withdrawals, and
requests solved by a spend from the maatwerkbudget.
"""

from __future__ import annotations

import itertools
import random
from datetime import date, timedelta

from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from maatwerk.journeys.jobs import notice_key
from maatwerk.journeys.workflow import RESTARTS_CLOCK, TRANSITIONS, proposed_level
from maatwerk.register.models import EscalationStep

from . import tables as T
from . import words as W
from .context import Context, add_working_days, overdue_from, pick
from .world import MINISTRY_FOR

CASE_WORK = "case_work"
OUTCOMES = ["approved", "refused", "withdrawn", "solved", "redirected"]
OUTCOME_WEIGHTS = [66, 12, 8, 8, 6]
REASONS = list(W.REFUSED)
REASON_WEIGHTS = [10, 25, 12, 12, 10, 12, 10, 5, 4]
DECISIONS = {"information_requested", "redirected", "refused", "condition_added", "approved"}
# The overdue notice, as the scheduler words it (journeys.jobs._texts).
# The wording of journeys.jobs._texts (the same msgids, so the same translation).
NOTICE = (
    "Request %(reference)s of household %(household)s to %(organisation)s was due on "
    "%(due)s and is overdue since %(since)s."
)
PROPOSAL = "Proposed next step: escalation level %(level)s (%(label)s) at %(organisation)s."
BEYOND = (
    "Proposed next step: the request is at the highest escalation level already; "
    "bring the case to the doorbraaktafel or to the coordinator."
)


class Result:
    """What the case and the budget need to know of one generated request."""

    __slots__ = (
        "approved_after",
        "approved_on",
        "escalations",
        "finished",
        "first_submitted",
        "ground",
        "id",
        "intervention",
        "kind",
        "org",
        "reasons",
        "reference",
        "regulation",
        "rule",
        "state",
        "subject",
    )

    def __init__(self, rid, reference, org, kind="exception"):
        self.id, self.reference, self.org, self.kind = rid, reference, org, kind
        self.state = "draft"
        self.first_submitted = None
        self.finished = None
        self.approved_after = None  # days from the first submission to the approval
        self.approved_on = None  # the day of the first approval
        self.escalations: list[tuple[date, int]] = []
        self.reasons: list[str] = []  # the reasons of its refusals
        self.intervention = ""  # of its solved step
        self.subject = self.rule = ""
        self.regulation = self.ground = None


class Texts:
    """The wording that depends on the installation's language, made once."""

    def __init__(self):
        with translation.override(settings.LANGUAGE_CODE):
            self.notice = gettext(NOTICE)
            self.proposal = gettext(PROPOSAL)
            self.beyond = gettext(BEYOND)
            self.levels = {level: str(EscalationStep.Level(level).label) for level in (1, 2, 3, 4)}
        self._dates: dict[date, str] = {}

    def date(self, day: date) -> str:
        found = self._dates.get(day)
        if found is None:
            with translation.override(settings.LANGUAGE_CODE):
                found = self._dates[day] = date_format(day, "DATE_FORMAT")
        return found


def lead_time(random_, rng: random.Random, outcome: str) -> int:
    """Days from submission to the last answer."""
    if outcome == "approved":
        if random_() < 0.2:
            return 7 + int(random_() * 54)
        return 60 + int(rng.gammavariate(2.0, 92.0))
    if outcome == "redirected":
        return 5 + int(random_() * 36)
    return 10 + int(rng.gammavariate(2.0, LEAD_SCALE[outcome]))


LEAD_SCALE = {"refused": 40.0, "withdrawn": 50.0, "solved": 30.0}
# A step: (days after submission, event, reason, text, level, redirected to, household
# agrees), in the order of the journey-event row.
Step = tuple


def _plan_steps(random_, rng: random.Random, outcome: str, lead: int) -> list[Step]:
    """The whole journey, from submission to the last answer."""
    episodes = []
    r = random_()
    episodes += ["information"] * (0 if r < 0.55 else 1 if r < 0.9 else 2)
    if random_() < 0.12:
        episodes.append("redirect")
    if random_() < 0.15:
        episodes.append("condition")
    r = random_()
    for _ in range(0 if r < 0.55 else 1 if r < 0.82 else 2 if r < 0.94 else 3):
        episodes.append("refusal" if random_() < 0.45 else "escalation")
    if len(episodes) > 1:
        rng.shuffle(episodes)
    cuts = [rng.expovariate(1.0) for _ in range(len(episodes) + 1)]
    scale = lead / sum(cuts)
    steps: list[Step] = [(0, "submitted", "", "", None, "", None)]
    level = 0
    elapsed = 0.0
    day = 0
    for n, episode in enumerate(episodes):
        elapsed += cuts[n]
        day = max(day, int(elapsed * scale))
        room = max(1, int(cuts[n + 1] * scale * 0.6))
        follow = day + min(room, 2 + int(random_() * 14))
        if episode == "information":
            steps.append(
                (day, "information_requested", "", pick(random_, W.INFORMATION), None, "", None)
            )
            steps.append((follow, "information_provided", "", "Gestuurd.", None, "", None))
        elif episode == "redirect":
            reason = "wrong_desk" if random_() < 0.5 else ""
            steps.append((day, "redirected", reason, "", None, pick(random_, W.REDIRECTS), None))
            steps.append((follow, "submitted", "", "", None, "", None))
        elif episode == "condition":
            r = random_()
            agrees = True if r < 0.6 else False if r < 0.8 else None
            steps.append(
                (day, "condition_added", "", pick(random_, W.CONDITIONS), None, "", agrees)
            )
        else:
            if level >= 4:
                continue
            level = min(4, level + (1 if random_() < 0.7 else 2))
            if episode == "refusal":
                reason = rng.choices(REASONS, cum_weights=REASON_CUM)[0]
                steps.append((day, "refused", reason, W.REFUSED[reason], None, "", None))
                steps.append((follow, "escalated", "", "", level, "", None))
            else:
                steps.append((day, "escalated", "", "", level, "", None))
        day = steps[-1][0]
    end = max(lead, day)
    if outcome == "approved":
        steps.append((end, "approved", "", pick(random_, W.APPROVED), None, "", None))
    elif outcome == "refused":
        reason = rng.choices(REASONS, cum_weights=REASON_CUM)[0]
        steps.append((end, "refused", reason, W.REFUSED[reason], None, "", None))
    elif outcome == "redirected":
        steps.append((end, "redirected", "", "", None, pick(random_, W.REDIRECTS), None))
    elif outcome == "withdrawn":
        steps.append((end, "withdrawn", "", "Niet meer nodig.", None, "", None))
    else:
        steps.append((end, "solved", "", "", None, "", None))
    return steps


REASON_CUM = list(itertools.accumulate(REASON_WEIGHTS))
OUTCOME_CUM = list(itertools.accumulate(OUTCOME_WEIGHTS))
# ``TRANSITIONS`` with plain strings (the generator checks every step against it).
MOVES = {
    str(event): ({str(state) for state in allowed}, str(target) if target else None)
    for event, (allowed, target) in TRANSITIONS.items()
}
RESTARTS = {str(event) for event in RESTARTS_CLOCK}


def make_requests(ctx: Context, rng: random.Random, d, texts: Texts, spend_for) -> None:
    """The requests of a case with a plan: mostly one to each organisation that must
    decide, sometimes a question to a ministry. ``spend_for`` (budgets) books the spend
    that solves a request and returns (reference, intervention, booked by) or None."""
    if d.plan_on is None:
        return
    random_ = rng.random
    if random_() < 0.1:
        return  # a plan that needs nobody's exception
    targets = [(org, "exception") for org in d.deciding[:3]]
    targets = [t for n, t in enumerate(targets) if n == 0 or random_() < 0.85]
    ministry = ctx.world.orgs.get(MINISTRY_FOR.get(d.primary, ""))
    if ministry is not None and random_() < 0.05:
        targets.append((ministry, "question"))
    for n, (org, kind) in enumerate(targets):
        created = d.plan_on + timedelta(days=int(random_() * 8) + 3 * n)
        if created > ctx.today:
            continue
        _request(ctx, rng, d, org, kind, f"R{len(d.requests) + 1}", created, texts, spend_for)


def _request(ctx, rng, d, org, kind, reference, created, texts: Texts, spend_for) -> None:
    world = ctx.world
    random_ = rng.random
    today = ctx.today
    owner = d.owner
    household = d.household
    clock_at = d.clock.at
    log = ctx.log
    rid = ctx.take(T.REQUEST)
    result = Result(rid, reference, org, kind)
    d.requests.append(result)
    subject, rule = pick(random_, W.SUBJECTS.get(org.type) or W.SUBJECTS["other"])
    result.subject, result.rule = subject, rule
    regulation = pick(random_, org.regulations) if org.regulations and random_() < 0.8 else None
    ground = None
    if kind == "exception" and random_() < 0.6:
        pool = (
            world.grounds.get(world.regulation_codes.get(regulation, ""), ()) or world.all_grounds
        )
        ground = pick(random_, pool) if pool else None
    result.regulation, result.ground = regulation, ground
    extra = random_() < 0.05
    created_at = clock_at(created)
    log(created_at, owner, "create", CASE_WORK, "journeys.request", rid, household)

    state = "draft"
    first_submitted = due_on = None
    level = 0
    last = created
    if random_() >= 0.04:  # a few drafts are never sent
        add_event, event_id = ctx.appender(T.JOURNEY_EVENT), ctx.counter(T.JOURNEY_EVENT)
        submit = created + timedelta(days=int(random_() * 6))
        outcome = (
            "approved" if kind == "question" else rng.choices(OUTCOMES, cum_weights=OUTCOME_CUM)[0]
        )
        steps = _plan_steps(random_, rng, outcome, lead_time(random_, rng, outcome))
        final = len(steps) - 1
        deciders = org.deciders
        behalf_text = f"telefonisch antwoord van {org.name}"
        for index, (offset, type_, reason, text, step_level, redirected_to, agrees) in enumerate(
            steps
        ):
            day = submit + timedelta(days=offset)
            if day < last:
                day = last
            if day > today:
                break
            allowed, target = MOVES[type_]
            if state not in allowed:
                raise AssertionError(f"generated {type_} after {state}")
            by, behalf = owner, ""
            if type_ in DECISIONS:
                if deciders and random_() < 0.75:
                    by = pick(random_, deciders)
                else:
                    behalf = behalf_text
            escalated_to = intervention = None
            if type_ == "escalated":
                escalated_to = org.steps.get(step_level)
                level = step_level
                result.escalations.append((day, level))
            elif type_ == "solved":
                booked = spend_for(ctx, rng, d, result, day)
                if booked is None:
                    break
                text, intervention, by = booked
                result.intervention = intervention
            elif type_ == "refused" and reason:
                result.reasons.append(reason)
            elif type_ == "approved" and result.approved_on is None:
                result.approved_on = day
            at = clock_at(day)
            eid = event_id()
            add_event(
                (eid, rid, type_, day, reason, text, step_level, escalated_to, redirected_to,
                 None, None, intervention or "", agrees, None, by.id, behalf, at),
            )  # fmt: skip
            log(
                at, by, "update", CASE_WORK, "journeys.journeyevent", eid, household,
                f"{reference}: {type_}", behalf,
            )  # fmt: skip
            if type_ == "submitted":
                shared = SHARED_EXTRA if extra else SHARED if d.excerpt else SHARED_NO_EXCERPT
                log(
                    at, by, "share", CASE_WORK, "journeys.request", rid, household,
                    f"with {org.name}: {shared}",
                )  # fmt: skip
                if first_submitted is None:
                    first_submitted = day
            if target:
                state = target
            if type_ in RESTARTS:
                due_on = add_working_days(day, org.target)
            last = day
            if index == final:
                result.finished = day
                if type_ == "approved":
                    result.approved_after = (day - first_submitted).days
        if last > d.last_day:
            d.last_day = last
    overdue = state == "waiting" and due_on is not None and overdue_from(due_on) <= today
    result.state = state
    result.first_submitted = first_submitted
    ctx.add(
        T.REQUEST,
        (rid, d.id, reference, org.id, kind, subject, regulation, rule, ground, True,
         d.excerpt, "Medische verklaring." if extra else "",
         "AVG art. 9 lid 2 onder h" if extra else "", created if extra else None, state,
         first_submitted, due_on, overdue, level, org.target if due_on else None, None,
         owner.id, created_at),
    )  # fmt: skip
    if overdue:
        _notify(ctx, rng, d, result, due_on, level, texts)


SHARED = "subject, perspective, plan excerpt"
SHARED_NO_EXCERPT = "subject, perspective"
SHARED_EXTRA = "subject, perspective, plan excerpt, more (with legal basis)"


def _notify(ctx, rng, d, result: Result, due_on: date, level: int, texts: Texts) -> None:
    """The scheduler's overdue notice, already sent: to the case owner and the
    organisation's decision makers (so that running the scheduler on generated data
    does not send them all again)."""
    proposed = proposed_level(level)
    key = notice_key(result.id, due_on, proposed)
    since = overdue_from(due_on)
    facts = {
        "household": d.household,
        "reference": result.reference,
        "organisation": result.org.name,
        "due": due_on.isoformat(),
        "since": since.isoformat(),
        "level": proposed,
        "label": texts.levels.get(proposed, ""),
    }
    sent = d.clock.midnight(since) + timedelta(hours=7)
    read = sent + timedelta(days=rng.randint(0, 3), hours=2)
    recent = ctx.today - timedelta(days=7)
    for person in [d.owner, *result.org.deciders]:
        read_at = read if since < recent and rng.random() < 0.7 else None
        url = "journeys:request_detail" if person.id == d.owner.id else "journeys:decide"
        ctx.add(
            T.NOTIFICATION,
            (ctx.take(T.NOTIFICATION), person.id, d.id, "overdue", key, "journeys.request",
             result.id, facts, url, [result.id], sent, read_at, "app", "none", None),
        )  # fmt: skip
