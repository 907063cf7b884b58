"""The world the generated cases live in: organisations of the register (the seeded
ones plus generated municipalities, housing associations, health insurers, energy
companies and care providers, each with contacts and an escalation route), teams, and
users with the regular roles.

It depends on the number of cases only (not on the seed), and it is found again by
natural key (organisation name, team name within its organisation, username — which
names the team or organisation): a second run (``--append``) reuses what exists and
adds only what is missing. Its size follows the number of cases: about a
thousand cases per team, up to the 342 municipalities of the Netherlands.
"""

from __future__ import annotations

import hashlib
import itertools
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.text import slugify

from maatwerk.accounts.models import Team, User
from maatwerk.register.models import (
    EscalationStep,
    LegalGround,
    LifeDomain,
    Organisation,
    ReferenceCost,
    Regulation,
)
from maatwerk.register.seed import CONTACT_ROLES

from . import tables as T
from . import words as W

PREFIX = "gen-"  # every generated username starts with it: how generated data is found
EMAIL_DOMAIN = "generated.example.org"
MAX_MUNICIPALITIES = 342
CASES_PER_TEAM = 1000
NATIONAL_TEAM = "Landelijk Escalatieteam"
NATIONAL_DESK = "Landelijk Maatwerkloket"

# Which kinds of organisation decide on what, per life domain (weights): the
# generator sends a case's requests to organisations of these kinds.
DOMAIN_DECIDERS = {
    "finances": [
        ("municipality", 5),
        ("Belastingdienst/Toeslagen", 4),
        ("CJIB", 2),
        ("Belastingdienst", 2),
        ("CAK", 1),
        ("DUO", 1),
        ("energy_company", 2),
        ("health_insurer", 2),
        ("housing_association", 2),
    ],
    "income_work": [("UWV", 5), ("SVB", 2), ("municipality", 4)],
    "housing": [("housing_association", 5), ("municipality", 3)],
    "physical_health": [("health_insurer", 4), ("CAK", 2), ("municipality", 2)],
    "mental_health": [("health_insurer", 3), ("municipality", 3), ("care_provider", 2)],
    "addiction": [("care_provider", 3), ("municipality", 2)],
    "parenting_family": [("municipality", 5), ("SVB", 1)],
    "safety": [("municipality", 1)],
    "justice": [("CJIB", 1)],
    "education": [("DUO", 3), ("municipality", 1)],
    "residence_status": [("IND", 1)],
}
MINISTRY_FOR = {
    "finances": "Ministerie van Sociale Zaken en Werkgelegenheid",
    "income_work": "Ministerie van Sociale Zaken en Werkgelegenheid",
    "physical_health": "Ministerie van Volksgezondheid, Welzijn en Sport",
    "mental_health": "Ministerie van Volksgezondheid, Welzijn en Sport",
    "parenting_family": "Ministerie van Volksgezondheid, Welzijn en Sport",
}


@dataclass(eq=False)
class Org:
    id: int
    name: str
    type: str
    target: int  # response target in working days
    regulations: list[int] = field(default_factory=list)
    steps: dict[int, int] = field(default_factory=dict)  # level -> contact id
    deciders: list[Person] = field(default_factory=list)
    weight: float = 1.0
    housing: Org | None = None  # a municipality's housing association
    care: Org | None = None


@dataclass(eq=False)
class Person:
    """A generated user as the access log names them."""

    id: int
    username: str
    roles: str
    organisation: str
    role: str
    name: str
    team: TeamInfo | None = None
    origin: str | None = None


@dataclass(eq=False)
class TeamInfo:
    id: int
    name: str
    org: Org
    weight: float
    professionals: list[Person] = field(default_factory=list)
    holders: list[Person] = field(default_factory=list)
    sizes: tuple[int, int] = (0, 0)  # professionals, budget holders


@dataclass
class World:
    orgs: dict[str, Org]
    municipalities: list[Org]
    by_type: dict[str, list[Org]]
    teams: list[TeamInfo]
    cum_team_weights: list[float]
    coordinators: list[Person]
    analysts: list[Person]
    domains: dict[str, int]
    regulations: dict[str, int]
    grounds: dict[str, list[int]]  # regulation code -> legal ground ids
    all_grounds: list[int]
    reference_costs: dict[str, tuple[int, object]]
    start: date
    regulation_codes: dict[int, str] = field(default_factory=dict)
    created: dict[str, int] = field(default_factory=dict)

    def organisation(self, kind: str, municipality: Org, rng: random.Random) -> Org | None:
        """An organisation of ``kind`` for a household in ``municipality``: its own
        municipality, its housing association, one of the insurers …, or a named one."""
        if kind == "municipality":
            return municipality
        if kind == "housing_association":
            return municipality.housing
        if kind == "care_provider":
            return municipality.care
        if kind in self.by_type:
            return rng.choice(self.by_type[kind])
        return self.orgs.get(kind)


def _scale(cases: int) -> dict[str, int]:
    return {
        "municipalities": min(MAX_MUNICIPALITIES, max(3, round(cases / 2900))),
        "teams": max(2, cases // CASES_PER_TEAM),
        "big_deciders": max(2, min(12, cases // 80000)),
        "coordinators": max(2, cases // 40000),
        "analysts": max(1, cases // 100000),
    }


class _Names:
    def __init__(self, rng: random.Random, taken: set[str]):
        self.rng = rng
        self.taken = set(taken)

    def person(self) -> tuple[str, str]:
        return self.rng.choice(W.FIRST_NAMES), self.rng.choice(W.LAST_NAMES)

    def place(self) -> str:
        rng = self.rng
        for _ in range(1000):
            prefix = rng.choice(W.PLACE_PREFIXES)
            stem = rng.choice(W.PLACE_STEMS)
            name = f"{prefix}{stem.lower() if prefix and not prefix.endswith(' ') else stem}"
            name += rng.choice(W.PLACE_ENDINGS)
            if f"Gemeente {name}" not in self.taken:
                self.taken.add(f"Gemeente {name}")
                return name
        raise RuntimeError("ran out of place names")

    def unique(self, name: str) -> str:
        candidate, n = name, 2
        while candidate in self.taken:
            candidate, n = f"{name} {n}", n + 1
        self.taken.add(candidate)
        return candidate


def build_world(*, ctx_ids: T.Ids, rows: dict, cases: int, today: date) -> World:
    """Find or make the world for ``cases`` cases; new rows go into ``rows`` (per
    table name), with ids from ``ctx_ids``."""
    # The world does not depend on the seed: a second run (--append) with another seed
    # finds the same organisations, teams and users again.
    rng = random.Random("world")  # noqa: S311 (seeded on purpose)
    scale = _scale(cases)
    start = date(today.year - 3, 1, 1)
    created = {"organisations": 0, "teams": 0, "users": 0}

    def add(table, row):
        rows[table.name].append(row)

    domains = dict(LifeDomain.objects.values_list("code", "id"))
    regulations = dict(Regulation.objects.values_list("code", "id"))
    grounds: dict[str, list[int]] = {}
    all_grounds = []
    for gid, reg_code in (
        LegalGround.objects.filter(active=True).values_list("id", "regulation__code").order_by("id")
    ):
        grounds.setdefault(reg_code or "", []).append(gid)
        all_grounds.append(gid)
    reference_costs = {
        code: (rid, amount)
        for rid, code, amount in ReferenceCost.objects.values_list("id", "code", "amount")
    }

    existing = {}
    for oid, name, type_, target in Organisation.objects.values_list(
        "id", "name", "type", "response_target_days"
    ).order_by("id"):
        existing[name] = Org(oid, name, type_, target)
    by_id = {org.id: org for org in existing.values()}
    for oid, reg in Organisation.regulations.through.objects.values_list(
        "organisation_id", "regulation_id"
    ).order_by("id"):
        by_id[oid].regulations.append(reg)
    for oid, level, contact in EscalationStep.objects.values_list(
        "organisation_id", "level", "contact_id"
    ):
        by_id[oid].steps[level] = contact
    national = existing.get(NATIONAL_TEAM)
    national_contact = national.steps.get(1) if national else None

    names = _Names(rng, set(existing))
    orgs = dict(existing)
    contact_number = [0]

    def organisation(name, type_, domain_codes, regulation_codes, target, description):
        if name in orgs:
            return orgs[name]
        oid = ctx_ids.take(T.ORGANISATION)
        slug = slugify(name.replace("/", " "))
        add(
            T.ORGANISATION,
            (oid, name, slug, type_, description, f"maatwerk@{slug}.example.org",
             f"+31 20 000 {oid % 10000:04d}", target, True, 1),
        )  # fmt: skip
        org = Org(oid, name, type_, target)
        for code in domain_codes:
            add(T.ORGANISATION_DOMAINS, (ctx_ids.take(T.ORGANISATION_DOMAINS), oid, domains[code]))
        for code in regulation_codes:
            add(
                T.ORGANISATION_REGULATIONS,
                (ctx_ids.take(T.ORGANISATION_REGULATIONS), oid, regulations[code]),
            )
            org.regulations.append(regulations[code])
        for level, (function, mandate) in enumerate(CONTACT_ROLES, start=1):
            first, last = names.person()
            cid = ctx_ids.take(T.CONTACT)
            contact_number[0] += 1
            add(
                T.CONTACT,
                (cid, oid, f"{first} {last}", function,
                 f"{slugify(first)}.{slugify(last)}@{slug}.example.org",
                 f"+31 20 000 {contact_number[0] % 10000:04d}", mandate, True),
            )  # fmt: skip
            add(T.ESCALATION_STEP, (ctx_ids.take(T.ESCALATION_STEP), oid, level, cid, None))
            org.steps[level] = cid
        if national_contact is not None:
            add(
                T.ESCALATION_STEP, (ctx_ids.take(T.ESCALATION_STEP), oid, 4, national_contact, None)
            )
            org.steps[4] = national_contact
        orgs[name] = org
        created["organisations"] += 1
        return org

    # Municipalities: the seeded ones first (the larger cities), then generated ones.
    municipalities = [o for o in existing.values() if o.type == "municipality"]
    municipal_regs = ["participatiewet", "wmo", "jeugdwet", "wgs"]
    while len(municipalities) < scale["municipalities"]:
        name = f"Gemeente {names.place()}"
        municipalities.append(
            organisation(
                name, "municipality",
                ["finances", "income_work", "housing", "parenting_family", "mental_health"],
                municipal_regs, rng.choice([5, 8, 8, 10]),
                "Gegenereerde gemeente: wijkteams, Participatiewet, Wmo, Jeugdwet.",
            )
        )  # fmt: skip
    municipalities = municipalities[: scale["municipalities"]]
    for rank, municipality in enumerate(municipalities):
        municipality.weight = 1 / (rank + 1) ** 0.6

    def kind(type_: str, count: int, make_name, domain_codes, regulation_codes, target):
        found = [o for o in existing.values() if o.type == type_]
        while len(found) < count:
            found.append(
                organisation(
                    names.unique(make_name()), type_, domain_codes, regulation_codes,
                    target, "Gegenereerde organisatie.",
                )
            )  # fmt: skip
        return found[:count] if len(found) > count else found

    housing = kind(
        "housing_association",
        max(1, len(municipalities) // 4),
        lambda: f"{rng.choice(W.HOUSING_NAMES)} {names.place()}",
        ["housing"],
        ["huurrecht", "woningwet"],
        10,
    )
    insurer_names = itertools.cycle(W.INSURERS)
    energy_names = itertools.cycle(W.ENERGY)
    insurers = kind(
        "health_insurer",
        5,
        lambda: f"Zorgverzekeraar {next(insurer_names)}",
        ["physical_health", "finances"],
        ["zvw"],
        10,
    )
    energy = kind(
        "energy_company",
        4,
        lambda: next(energy_names),
        ["finances", "housing"],
        [],
        10,
    )
    care = kind(
        "care_provider",
        max(1, len(municipalities) // 15),
        lambda: f"{rng.choice(W.CARE_NAMES)} {names.place()}",
        ["mental_health", "addiction"],
        ["wmo", "zvw", "wvggz"],
        15,
    )
    for i, municipality in enumerate(municipalities):
        municipality.housing = housing[i % len(housing)]
        municipality.care = care[i % len(care)]
    by_type = {
        "housing_association": housing,
        "health_insurer": insurers,
        "energy_company": energy,
        "care_provider": care,
    }

    # Teams: about a thousand cases each, more in the larger municipalities.
    known_teams = {
        (org_id, name): tid for tid, name, org_id in Team.objects.values_list(
            "id", "name", "organisation_id"
        )
    }  # fmt: skip
    total_weight = sum(m.weight for m in municipalities)
    teams: list[TeamInfo] = []
    for municipality in municipalities:
        count = max(1, round(scale["teams"] * municipality.weight / total_weight))
        used: set[str] = set()
        for n in range(count):
            hood = W.NEIGHBOURHOODS[n % len(W.NEIGHBOURHOODS)]
            kind_name = W.TEAM_KINDS[(n // len(W.NEIGHBOURHOODS) + n) % len(W.TEAM_KINDS)]
            place = municipality.name.removeprefix("Gemeente ")
            name = f"{kind_name} {place} {hood}"
            if n >= len(W.NEIGHBOURHOODS):
                name += f" {n // len(W.NEIGHBOURHOODS) + 1}"
            if name in used:
                name += f" ({n})"
            used.add(name)
            tid = known_teams.get((municipality.id, name))
            if tid is None:
                tid = ctx_ids.take(T.TEAM)
                add(T.TEAM, (tid, name, municipality.id, True))
                created["teams"] += 1
            # Its own dice, so that a second run makes the same team in the same way.
            team_rng = random.Random(f"world:{municipality.name}:{name}")  # noqa: S311
            weight = municipality.weight / count * team_rng.uniform(0.6, 1.4)
            team = TeamInfo(tid, name, municipality, weight)
            team.sizes = (team_rng.randint(4, 12), 2 if team_rng.random() < 1 / 3 else 1)
            teams.append(team)

    # Users with the regular roles (never superusers or staff).
    groups = dict(Group.objects.filter(role__isnull=False).values_list("role__code", "id"))
    known_users = {
        username: (uid, first, last)
        for uid, username, first, last in User.objects.filter(
            username__startswith=PREFIX
        ).values_list("id", "username", "first_name", "last_name")
    }
    # One password hash for all of them (hashing is slow on purpose), with a fixed salt
    # so that every run gives the same rows.
    salt = hashlib.sha256(b"generated-world").hexdigest()[:22]
    password = make_password(settings.DEMO_PASSWORD, salt=salt)
    joined = timezone.make_aware(datetime.combine(start, time(9, 0)))

    def person(role: str, org: Org, key: str, team: TeamInfo | None = None) -> Person:
        """A user by a username that says where they work (``key``: the team's or the
        organisation's id and a number), so that a second run finds the same person in
        the same place."""
        username = f"{PREFIX}{role.replace('_', '-')}-{key}"
        first, last = names.person()
        if username in known_users:
            uid, first, last = known_users[username]
        else:
            uid = ctx_ids.take(T.USER)
            add(
                T.USER,
                (uid, password, None, False, username, first, last,
                 f"{username}@{EMAIL_DOMAIN}", False, True, joined, org.id),
            )  # fmt: skip
            add(T.USER_GROUPS, (ctx_ids.take(T.USER_GROUPS), uid, groups[role]))
            if team is not None:
                add(T.USER_TEAMS, (ctx_ids.take(T.USER_TEAMS), uid, team.id))
            created["users"] += 1
        # A private address per user, as the access log sees their workstation.
        origin = f"10.{uid // 65536 % 256}.{uid // 256 % 256}.{uid % 256}"
        return Person(uid, username, role, org.name, role, f"{first} {last}", team, origin)

    for team in teams:
        professionals, holders = team.sizes
        for n in range(professionals):
            team.professionals.append(person("professional", team.org, f"{team.id}-{n + 1}", team))
        for n in range(holders):
            team.holders.append(person("budget_holder", team.org, f"{team.id}-{n + 1}", team))

    big = {"national_agency", "justice"}
    for org in orgs.values():
        if org.name == NATIONAL_DESK:
            continue
        if org.type in big:
            count = scale["big_deciders"]
        elif org.type == "municipality":
            count = 2 if org.weight > 0.3 else 1
            if org not in municipalities:
                count = 0
        else:
            count = max(1, scale["big_deciders"] // 3)
        for n in range(count):
            org.deciders.append(person("decision_maker", org, f"{org.id}-{n + 1}"))
    desk = orgs[NATIONAL_DESK]
    coordinators = [person("coordinator", desk, str(n + 1)) for n in range(scale["coordinators"])]
    analysts = [person("analyst", desk, str(n + 1)) for n in range(scale["analysts"])]

    return World(
        orgs=orgs,
        municipalities=municipalities,
        by_type=by_type,
        teams=teams,
        cum_team_weights=list(itertools.accumulate(t.weight for t in teams)),
        coordinators=coordinators,
        analysts=analysts,
        domains=domains,
        regulations=regulations,
        grounds=grounds,
        all_grounds=all_grounds,
        reference_costs=reference_costs,
        start=start,
        regulation_codes={rid: code for code, rid in regulations.items()},
        created=created,
    )
