"""Extension point of the request page, for the apps above journeys.

Next to a recorded refusal (or redirect) the request page offers what the professional
can answer: the counter-arguments (journeys' own reference data) and what other apps
know that helps, such as the precedents in which the same exception was granted
(learning). Those apps sit above journeys in the layer contract
(docs/architecture.md), so journeys may not import them; each registers a section in
its ``AppConfig.ready()`` and the dependency still points down.

``register_refusal_section(fn)``: ``fn(user, req, event) -> dict | None``, where
``event`` is the refusal or redirect shown; a dict names its ``template`` (included
with the dict as ``section``) and holds what it shows; None when the section is not
for this user. Each section applies its own app's policy. The request page's one
access-log row (``case_frame``) covers what a section shows about the case; a section
that shows rows of other cases must not (learning shows published precedents only,
which are written without personal data and are no case data).
"""

from collections.abc import Callable

_refusal_sections: list[Callable] = []


def register_refusal_section(section: Callable) -> None:
    if section not in _refusal_sections:
        _refusal_sections.append(section)


def refusal_sections(user, req, event) -> list[dict]:
    return [
        shown for section in _refusal_sections if (shown := section(user, req, event)) is not None
    ]
