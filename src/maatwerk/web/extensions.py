"""Extension point of the start page, for the apps above web.

The start page shows what needs a user's attention in other apps (the privacy
officer's emergency accesses to review, from cases), but web may not import those
apps: they sit above it in the layer contract (docs/architecture.md). So each app
registers a section in its ``AppConfig.ready()``; the dependency still points down.

``register_start_section(fn)``: ``fn(request) -> dict | None``; a dict names its
``template`` (included with the dict as ``section``) and holds what it shows; None
when the section is not for this user. Each section applies its own app's policy and
writes its own access-log rows.
"""

from collections.abc import Callable

_start_sections: list[Callable] = []


def register_start_section(section: Callable) -> None:
    if section not in _start_sections:
        _start_sections.append(section)


def start_sections(request) -> list[dict]:
    return [shown for section in _start_sections if (shown := section(request)) is not None]
