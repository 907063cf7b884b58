"""How the log page and its exports name what a row is about, for a person: "casus
HH-1234", "verzoek R2 aan UWV", "Professional (casusregisseur)" — not
"cases.case 12" or the role code.

A row stores the object's type and id (and the role codes), which are hashed and never
change; the names are looked up when the rows are shown. audit is the bottom layer and
knows no app above it, so the apps register how their objects and roles are named,
from their ``AppConfig.ready()`` (as they register case page sections in
``cases.extensions``). A type nobody registered is named by its model's verbose name
and the id. A labeller never names a person of a household: the row's household column
holds the pseudonym, and the names of a household are not shown here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.apps import apps
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from maatwerk.core.numbers import parse_id

from .models import AccessLogEntry

# object ids (as stored, strings) -> label; ids it does not know are left out.
ObjectLabeller = Callable[[list[str]], dict[str, str]]
# role codes -> names in the current language.
RoleNamer = Callable[[list[str]], dict[str, str]]

_object_labellers: dict[str, ObjectLabeller] = {}
_role_namers: list[RoleNamer] = []


def register_object_labels(object_type: str, labeller: ObjectLabeller) -> None:
    """Name the objects of ``object_type`` (``"cases.case"``) on the log page."""
    _object_labellers[object_type] = labeller


def register_role_names(namer: RoleNamer) -> None:
    """Name the role codes of the rows (``accounts`` registers its ``Role`` names)."""
    _role_namers.append(namer)


def ids_as_ints(ids: list[str]) -> list[int]:
    """The ids that are whole numbers (a labeller's query needs no others)."""
    return [number for value in ids if (number := parse_id(value)) is not None]


def _model_name(object_type: str, plural: bool = False) -> str | None:
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return None
    meta = model._meta
    return str(meta.verbose_name_plural if plural else meta.verbose_name)


def _fallback(entry: AccessLogEntry) -> str:
    if entry.object_type == "page":
        return _("page %(path)s") % {"path": entry.object_id}
    if not entry.object_type:
        return ""
    if not entry.object_id:
        # A list or a search of these objects.
        return _model_name(entry.object_type, plural=True) or entry.object_type
    name = _model_name(entry.object_type) or entry.object_type
    return f"{name} {entry.object_id}"


# A comma between two names (a list of permissions or fields), not a decimal comma.
_COMMA_WITHOUT_SPACE = re.compile(r"(?<=[A-Za-z_]),(?=[A-Za-z])")


def readable_detail(detail: str) -> str:
    """The detail note with a space after each comma of a list of names
    (``cases.view_case,cases.change_case``), so that it wraps between its items
    instead of inside a word; amounts (``€ 4.200,00``) stay as they are."""
    return _COMMA_WITHOUT_SPACE.sub(", ", detail)


# Where a code-like token (a path, a permission, a backend's dotted name) may wrap, as
# typesetters break an address: before a slash or a dot (not a number's), after an
# underscore or an equals sign. A word never wraps.
_BREAK_BEFORE = re.compile(r"(?<=\w)(/(?=\w)|\.(?=[A-Za-z]))")
_BREAK_AFTER = re.compile(r"([_=])(?=\w)")


@dataclass
class ReadableEntry:
    entry: AccessLogEntry
    object: str
    roles: str
    detail: str

    @property
    def detail_html(self) -> SafeString:
        """The detail, escaped, with line-break opportunities (``<wbr>``) inside its
        code-like tokens."""
        text = _BREAK_BEFORE.sub(r"<wbr>\1", escape(self.detail))
        return mark_safe(_BREAK_AFTER.sub(r"\1<wbr>", text))

    def __getattr__(self, name):  # the row's own fields, for the templates
        if name == "entry":
            raise AttributeError(name)
        return getattr(self.entry, name)


def readable(entries: Iterable[AccessLogEntry]) -> list[ReadableEntry]:
    """The rows with their objects and roles named (one query per object type and one
    per role namer, whatever the number of rows)."""
    entries = list(entries)
    wanted: dict[str, set[str]] = {}
    codes: set[str] = set()
    for entry in entries:
        if entry.object_id and entry.object_type in _object_labellers:
            wanted.setdefault(entry.object_type, set()).add(entry.object_id)
        codes.update(code for code in entry.roles.split(",") if code)
    labels = {
        object_type: _object_labellers[object_type](sorted(ids))
        for object_type, ids in wanted.items()
    }
    role_names: dict[str, str] = {}
    for namer in _role_namers:
        role_names.update(namer(sorted(codes)))
    rows = []
    for entry in entries:
        label = labels.get(entry.object_type, {}).get(entry.object_id) or _fallback(entry)
        roles = ", ".join(role_names.get(code, code) for code in entry.roles.split(",") if code)
        rows.append(ReadableEntry(entry, label, roles, readable_detail(entry.detail)))
    return rows
