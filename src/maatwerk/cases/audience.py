"""Who may hear what: the one place that decides which pieces of a case go into an
output meant for someone outside the team (docs/privacy.md).

Every piece of a case belongs to a *voice*: the household as a whole (``""``) or one
member or sub-household (``Perspective.member``, ``Plan.serves_member``). Every piece
has an *audience* (``models.Audience``): the whole household, only that member, or
the professionals only. An output is always rendered for one ``Reader`` and holds
only what that reader may hear (``may_hear``):

- a piece for the whole household: every reader;
- a piece for one member only: that member (and the professionals);
- a piece for the professionals only: nobody outside the team.

An organisation (a decision maker) never gets more than the whole household may hear:
``shared_perspective`` and ``plan_excerpt_for_organisation`` are its upper bound; what
is actually shared is what the household agreed to (journeys).

The printable plan is built here as a ``PrintedPlan``: plain texts, nothing but what
its reader may hear. Its template gets only that object, never a case, a plan or a
version, so it cannot print what was left out.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Audience, Case, Perspective, PlanVersion
from .selectors import current_perspectives

HOUSEHOLD_VOICE = ""
MEMBER_PREFIX = "member:"


@dataclass(frozen=True)
class Reader:
    """Whom an output is for: the whole household, one member (``voice``), or the
    professionals of the team (only inside the application)."""

    audience: str
    voice: str = HOUSEHOLD_VOICE

    @classmethod
    def household(cls) -> Reader:
        return cls(Audience.HOUSEHOLD)

    @classmethod
    def member(cls, voice: str) -> Reader:
        if not voice:
            raise ValueError("a member reader needs a voice")
        return cls(Audience.MEMBER, voice)

    @classmethod
    def professionals(cls) -> Reader:
        return cls(Audience.PROFESSIONALS)

    @property
    def key(self) -> str:
        """The value of the reader in a form or URL (``household`` or ``member:<voice>``)."""
        if self.audience == Audience.MEMBER:
            return f"{MEMBER_PREFIX}{self.voice}"
        return str(self.audience)

    @property
    def label(self) -> str:
        """For whom, in words: "the whole household" or the voice's name."""
        if self.audience == Audience.MEMBER:
            return self.voice
        if self.audience == Audience.HOUSEHOLD:
            return _("the whole household")
        return _("the professionals")


def reader_from_key(key: str, voices) -> Reader | None:
    """The reader a form or URL asks for, or None when it names no voice of the case."""
    if key == Audience.HOUSEHOLD:
        return Reader.household()
    if key.startswith(MEMBER_PREFIX):
        voice = key[len(MEMBER_PREFIX) :]
        if voice and voice in voices:
            return Reader.member(voice)
    return None


def may_hear(reader: Reader, audience: str, voice: str) -> bool:
    """Whether ``reader`` may hear a piece of ``voice`` with this ``audience``. Anything
    unknown is heard by nobody outside the team (fail closed)."""
    if reader.audience == Audience.PROFESSIONALS:
        return True
    if audience == Audience.HOUSEHOLD:
        return True
    if audience == Audience.MEMBER:
        return reader.audience == Audience.MEMBER and bool(voice) and reader.voice == voice
    return False


def for_audience(pieces, reader: Reader, *, voice: str | None = None) -> list:
    """The pieces (each with ``audience``, and ``voice`` unless given) that ``reader``
    may hear, in their order."""
    return [
        piece
        for piece in pieces
        if may_hear(reader, piece.audience, piece.voice if voice is None else voice)
    ]


# --- Defaults and the choices a professional has -------------------------------------


def default_audience(voice: str) -> str:
    """The safe default for a piece of ``voice``: a member's piece is for that member
    only; the whole household's piece is for the whole household."""
    return Audience.MEMBER if voice else Audience.HOUSEHOLD


def audience_choices(voice: str, *, safety: bool = False) -> list[tuple[str, str]]:
    """Who may hear a piece of ``voice``, as choices for a form (the safe default
    first). A safety text is never for the whole household."""
    member = (Audience.MEMBER, _("only %(voice)s") % {"voice": voice}) if voice else None
    household = (Audience.HOUSEHOLD, _("the whole household"))
    professionals = (Audience.PROFESSIONALS, _("the professionals only"))
    if safety:
        return [professionals, member] if voice else [professionals]
    return [member, household, professionals] if voice else [household, professionals]


def audience_problem(audience: str, voice: str, *, safety: bool = False) -> str | None:
    """Why ``audience`` cannot be given to a piece of ``voice`` (None when it can)."""
    if audience not in {value for value, _label in audience_choices(voice, safety=safety)}:
        if safety and audience == Audience.HOUSEHOLD:
            return _("How safety is addressed is never printed for the whole household.")
        if audience == Audience.MEMBER and not voice:
            return _("A part of the whole household's plan cannot be for one member only.")
        return _("Choose who may hear this.")
    return None


def audience_label(audience: str, voice: str) -> str:
    """Who may hear a piece, in words (for the pages of the team)."""
    if audience == Audience.MEMBER and voice:
        return _("only %(voice)s") % {"voice": voice}
    if audience == Audience.HOUSEHOLD:
        return _("the whole household")
    return _("the professionals only")


def voice_label(voice: str) -> str:
    """Whose words or plan it is, in words."""
    return voice or _("the whole household")


# --- Voices of a case ---------------------------------------------------------------


def case_voices(case: Case) -> list[str]:
    """The voices of a case: the whole household first, then the members."""
    members = (
        Perspective.objects.filter(case=case)
        .exclude(member=HOUSEHOLD_VOICE)
        .order_by("member")
        .values_list("member", flat=True)
        .distinct()
    )
    return [HOUSEHOLD_VOICE, *members]


def plan_readers(case: Case, version: PlanVersion) -> list[Reader]:
    """For whom this plan version may be printed: a plan the whole household may hear,
    for the whole household and for each member (each copy with that member's own
    pieces); a plan for one member only, for that member only."""
    plan_voice = version.plan.serves_member
    if version.audience == Audience.HOUSEHOLD:
        return [Reader.household()] + [Reader.member(voice) for voice in case_voices(case) if voice]
    if version.audience == Audience.MEMBER and plan_voice:
        return [Reader.member(plan_voice)]
    return []


# --- What an organisation may get at most ---------------------------------------------


def shared_perspective(case_id: int) -> Perspective | None:
    """The whole household's current words, when the whole household may hear them:
    the only perspective an organisation ever gets. A member's words never; and when
    the newest version is for the professionals only, none (not an older one)."""
    current = (
        Perspective.objects.filter(case_id=case_id, member=HOUSEHOLD_VOICE)
        .order_by("-version")
        .first()
    )
    if current is None or not may_hear(Reader.household(), current.audience, current.member):
        return None
    return current


def plan_excerpt_for_organisation(case: Case) -> str:
    """The proposed plan excerpt of a request: the goals the whole household may hear
    of the newest plan the whole household may hear (its newest version decides; a
    plan narrowed to one member later is not used), one per line."""
    newest = [plan.versions.order_by("-number").first() for plan in case.plans.order_by("id")]
    candidates = [
        version
        for version in newest
        if version is not None
        and may_hear(Reader.household(), version.audience, version.plan.serves_member)
    ]
    if not candidates:
        return ""
    version = max(candidates, key=lambda v: (v.created_at, v.pk))
    goals = for_audience(
        version.goals.order_by("order"), Reader.household(), voice=version.plan.serves_member
    )
    return "\n".join([f"{version.plan.title}:"] + [f"- {goal.text}" for goal in goals])


# --- The printable plan ---------------------------------------------------------------


def digest(*parts) -> str:
    """A fingerprint of exactly what an output holds, so a confirmation given after a
    preview holds only for that content."""
    data = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(data.encode()).hexdigest()


@dataclass
class Piece:
    """One piece of an output, as the preview lists it and the log names it."""

    kind: str  # perspective, goal, action, grounds, legality, safety, agreement
    ref: str  # for the access log: no text, only what it is ("goal 2", "perspective 57")
    label: str
    text: str
    voice: str
    audience: str

    @property
    def whose(self) -> str:
        return voice_label(self.voice)

    @property
    def heard_by(self) -> str:
        return audience_label(self.audience, self.voice)


@dataclass
class PrintedWords:
    whose: str
    text: str


@dataclass
class PrintedGoal:
    text: str
    quote: str  # the household's words it comes from, when the reader may hear them


@dataclass
class PrintedAction:
    what: str
    who: str
    due_on: date | None


@dataclass
class PrintedPlan:
    """Everything the printable plan shows, and nothing else: plain texts for one reader."""

    reader: Reader
    reader_ref: str  # for the access log: "household" or "member voice <id>"
    version_id: int
    title: str
    pseudonym: str
    number: int
    saved_on: date
    words: list[PrintedWords] = field(default_factory=list)
    goals: list[PrintedGoal] = field(default_factory=list)
    actions: list[PrintedAction] = field(default_factory=list)
    grounds: list[str] = field(default_factory=list)
    legality: str = ""
    safety: str = ""
    agreed_on: date | None = None
    agreement_words: str = ""
    contact: str = ""
    team: str = ""
    included: list[Piece] = field(default_factory=list)
    left_out: list[Piece] = field(default_factory=list)

    @property
    def for_whom(self) -> str:
        return self.reader.label

    @property
    def digest(self) -> str:
        return digest(
            self.reader.key,
            self.version_id,
            self.title,
            self.number,
            [(p.kind, p.ref, p.text) for p in self.included],
        )

    def log_detail(self, *, confirmed: bool) -> str:
        """What the access log says of this print: for whom and which pieces (never
        their text)."""
        pieces = ", ".join(piece.ref for piece in self.included) or "none"
        left_out = ", ".join(piece.ref for piece in self.left_out) or "none"
        note = "; confirmed after preview" if confirmed else ""
        return (
            f"printable plan (PDF) v{self.number} for {self.reader_ref}; "
            f"pieces: {pieces}; left out: {left_out}{note}"
        )


class NotForThisReader(Exception):
    """The plan (version) may not be printed for this reader at all."""


def _ground_text(ground) -> str:
    if not ground.regulation_id:
        return ground.title
    regulation = ground.regulation.abbreviation or ground.regulation.name
    where = " ".join(part for part in (regulation, ground.article) if part)
    return f"{ground.title} ({where})"


def plan_for_audience(case: Case, state, reader: Reader) -> PrintedPlan:
    """The printable plan of ``state.version`` for ``reader``: only the pieces the
    reader may hear. Raises NotForThisReader when the plan may not go to that reader."""
    version = state.version
    plan = state.plan
    if reader not in plan_readers(case, version):
        raise NotForThisReader(reader)
    plan_voice = plan.serves_member
    voices = current_perspectives(case)
    voice_ids = {voice["member"]: voice["first"].pk for voice in voices}
    reader_ref = (
        "household"
        if reader.audience == Audience.HOUSEHOLD
        else f"member voice {voice_ids.get(reader.voice, '?')}"
    )
    printed = PrintedPlan(
        reader=reader,
        reader_ref=reader_ref,
        version_id=version.pk,
        title=plan.title,
        pseudonym=case.household.pseudonym,
        number=version.number,
        saved_on=timezone.localtime(version.created_at).date(),
        contact=case.owner.display_name,
        team=case.team.name,
    )

    def sort(piece: Piece, heard: bool) -> None:
        (printed.included if heard else printed.left_out).append(piece)

    # The words: the plan's own voice first, then the others.
    ordered = sorted(voices, key=lambda v: (v["member"] != plan_voice, v["member"]))
    for voice in ordered:
        current = voice["current"]
        heard = may_hear(reader, current.audience, current.member)
        label = _("Words of %(whose)s") % {"whose": voice_label(current.member)}
        sort(
            Piece(
                "perspective",
                f"perspective {current.pk} v{current.version}",
                label,
                current.text,
                current.member,
                current.audience,
            ),
            heard,
        )
        if heard:
            printed.words.append(PrintedWords(voice_label(current.member), current.text))

    # A goal's quote is the words of the perspective the version was written from.
    source = version.perspective
    quotes_heard = may_hear(reader, source.audience, source.member)
    for number, goal in enumerate(version.goals.all(), start=1):
        heard = may_hear(reader, goal.audience, plan_voice)
        text = goal.text
        quote = goal.perspective_sentence if quotes_heard else ""
        sort(
            Piece(
                "goal",
                f"goal {number}",
                _("Goal %(n)s") % {"n": number},
                text + (f" ({quote})" if quote else ""),
                plan_voice,
                goal.audience,
            ),
            heard,
        )
        if heard:
            printed.goals.append(PrintedGoal(text, quote))
    for number, action in enumerate(version.actions.all(), start=1):
        heard = may_hear(reader, action.audience, plan_voice)
        who = ", ".join(part for part in (str(action.organisation or ""), action.person) if part)
        sort(
            Piece(
                "action",
                f"action {number}",
                _("Action %(n)s") % {"n": number},
                " · ".join(part for part in (action.what, who) if part),
                plan_voice,
                action.audience,
            ),
            heard,
        )
        if heard:
            printed.actions.append(PrintedAction(action.what, who, action.due_on))

    # The plan's own texts follow the plan's audience (the reader may hear it: checked
    # above by plan_readers).
    plan_heard = may_hear(reader, version.audience, plan_voice)
    grounds = [_ground_text(ground) for ground in version.legal_grounds.all()]
    sort(
        Piece(
            "grounds",
            "grounds",
            _("Why this is allowed"),
            "; ".join(grounds) or _("No exception is needed for this plan."),
            plan_voice,
            version.audience,
        ),
        plan_heard,
    )
    if plan_heard:
        printed.grounds = grounds
    if version.legality:
        sort(
            Piece(
                "legality",
                "legality",
                _("Why the exception grounds apply"),
                version.legality,
                plan_voice,
                version.audience,
            ),
            plan_heard,
        )
        if plan_heard:
            printed.legality = version.legality
    if version.safety:
        heard = may_hear(reader, version.safety_audience, plan_voice)
        sort(
            Piece(
                "safety",
                "safety",
                _("How safety is addressed"),
                version.safety,
                plan_voice,
                version.safety_audience,
            ),
            heard,
        )
        if heard:
            printed.safety = version.safety
    if state.agreement is not None:
        sort(
            Piece(
                "agreement",
                "agreement",
                _("The agreement"),
                state.agreement.words,
                plan_voice,
                version.audience,
            ),
            plan_heard,
        )
        if plan_heard:
            printed.agreed_on = state.agreement.agreed_on
            printed.agreement_words = state.agreement.words
    return printed
