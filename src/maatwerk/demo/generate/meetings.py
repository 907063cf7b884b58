"""Generated doorbraaktafels for escalated cases: about half of the escalations to
level 2 or higher get a table within two weeks. The team's own table (organised by
the case manager, for the team) for levels 2 and 3; the national desk's table
(organised by a coordinator, without a team) for level 4. Cases escalated in the same
week go on the same table. Attendees: the case manager (who knows the household), the
organisation that must decide, the organiser; minutes for the tables already held."""

from __future__ import annotations

import random
from datetime import timedelta

from . import tables as T
from . import words as W
from .context import Clock, Context

CASE_WORK = "case_work"


def note_escalations(ctx: Context, rng: random.Random, d, candidates: list) -> None:
    for result in d.requests:
        for day, level in result.escalations:
            if level >= 2 and rng.random() < 0.5:
                candidates.append((day + timedelta(days=rng.randint(3, 14)), level, d, result))


def make_meetings(ctx: Context, rng: random.Random, candidates: list) -> None:
    world = ctx.world
    horizon = ctx.today + timedelta(days=14)
    tables: dict[tuple, list] = {}
    for day, level, d, result in candidates:
        if day > horizon:
            continue
        year, week, _ = day.isocalendar()
        if level >= 4:
            coordinator = world.coordinators[(year * 53 + week) % len(world.coordinators)]
            key = ("desk", coordinator.id, year, week)
        else:
            key = ("team", d.team.id, year, week)
        tables.setdefault(key, []).append((day, level, d, result))
    now = Clock.midnight(ctx.today) + timedelta(hours=8)
    for key, items in tables.items():
        items.sort(key=lambda item: (item[0], item[2].id))
        day, level, first, _ = items[0]
        if key[0] == "desk":
            organiser = next(c for c in world.coordinators if c.id == key[1])
            team_id = None
            title = f"Doorbraaktafel Landelijk Maatwerkloket {day:%d-%m-%Y}"
            location = "Landelijk Maatwerkloket (online)"
        else:
            organiser = first.owner
            team_id = first.team.id
            title = f"Doorbraaktafel {first.team.name} {day:%d-%m-%Y}"
            location = f"Gemeentehuis {first.municipality.name.removeprefix('Gemeente ')}"
        starts_at = Clock.midnight(day) + timedelta(hours=10)
        planned = min(Clock.midnight(day - timedelta(days=3)) + timedelta(hours=9), now)
        mid = ctx.take(T.MEETING)
        ctx.add(T.MEETING, (mid, title[:200], starts_at, location, organiser.id, team_id, planned))
        seen_cases = set()
        attendees = {organiser.username: (organiser.name, None, organiser.id, False)}
        for _day, _level, d, result in items:
            if d.id in seen_cases:
                continue
            seen_cases.add(d.id)
            ctx.add(T.AGENDA_ITEM, (ctx.take(T.AGENDA_ITEM), mid, d.id, len(seen_cases) - 1))
            attendees.setdefault(d.owner.username, (d.owner.name, None, d.owner.id, True))
            org = result.org
            if org.deciders:
                person = org.deciders[0]
                attendees.setdefault(person.username, (person.name, org.id, person.id, False))
            else:
                attendees.setdefault(
                    org.name, (f"Maatwerkfunctionaris {org.name}", org.id, None, False)
                )
        for name, org_id, user_id, knows in attendees.values():
            ctx.add(T.ATTENDEE, (ctx.take(T.ATTENDEE), mid, name[:200], org_id, user_id, knows))
        ctx.log(
            planned, organiser, "create", CASE_WORK, "meetings.meeting", mid, "",
            f"{len(seen_cases)} cases",
        )  # fmt: skip
        if starts_at < now:
            held = {d.id: d for _day, _level, d, _result in items}
            for n, d in enumerate(held.values()):
                at = starts_at + timedelta(minutes=60 + 5 * n)
                minutes_id = ctx.take(T.MINUTES)
                ctx.add(T.MINUTES, (minutes_id, mid, d.id, rng.choice(W.MINUTES), organiser.id, at))
                ctx.log(
                    at, organiser, "create", CASE_WORK, "meetings.minutes", minutes_id,
                    d.household, f"meeting {mid}",
                )  # fmt: skip
