"""Extension points of the case pages, for the apps above cases.

The case list and the case page show what other apps know about a case (its requests
and whether one needs attention, its spends, the doorbraaktafel's minutes), but cases
may not import those apps: they sit above it in the layer contract
(docs/architecture.md). So cases offers two hooks, and each app above registers into
them in its ``AppConfig.ready()``; the dependency still points down.

- ``register_case_list_annotation(fn)``: ``fn(cases) -> cases`` annotates the case
  list's queryset (none is registered now: "needs attention" is the stored
  ``CaseAttention``, read by ``case_list_rows``).
- ``register_case_page_section(fn)``: ``fn(user, case) -> dict`` adds to the case
  page's template context (journeys: ``requests``; budgets: ``spends``; meetings:
  ``minutes``). Each section's reads follow that app's own policy; the case page's
  one access-log row covers them, as it always did.
- ``register_closing_step(step)``: closing a case asks the apps above what happens to
  their open work (journeys: each open request is withdrawn or kept open with a
  reason). ``step.form(case, data)`` returns a form (bound to ``data``) or None when
  there is nothing to ask; ``step.apply(request=, user=, case=, form=, on=)`` runs in
  the closing transaction (``cases.services.case_set_status``), after the case row
  changed; a ValidationError there rolls the closing back.
- ``register_search_text(fn)``: what the case search (``cases.search``) finds in the
  apps above: ``fn(case_ids) -> {case_id: {"requests": text, "organisations": text}}``
  (journeys: what is asked, the rule, the organisations asked). The app calls
  ``cases.search.refresh([case_id])`` when that text changes.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet

_case_list_annotations: list[Callable[[QuerySet], QuerySet]] = []
_case_page_sections: list[Callable] = []
_closing_steps: list["ClosingStep"] = []
_search_text_parts: list[Callable] = []


@dataclass(frozen=True)
class ClosingStep:
    """What an app above cases asks, and does, when a case is closed."""

    form: Callable  # form(case, data) -> Form | None
    apply: Callable  # apply(*, request, user, case, form, on) -> None
    template: str  # renders the form (as ``closing.form``) on the status page


def register_case_list_annotation(annotate: Callable[[QuerySet], QuerySet]) -> None:
    if annotate not in _case_list_annotations:
        _case_list_annotations.append(annotate)


def register_case_page_section(section: Callable) -> None:
    if section not in _case_page_sections:
        _case_page_sections.append(section)


def annotate_case_list(cases: QuerySet) -> QuerySet:
    for annotate in _case_list_annotations:
        cases = annotate(cases)
    return cases


def case_page_context(user, case) -> dict:
    context: dict = {}
    for section in _case_page_sections:
        context.update(section(user, case))
    return context


def register_closing_step(step: ClosingStep) -> None:
    if step not in _closing_steps:
        _closing_steps.append(step)


def closing_forms(case, data=None) -> list[tuple[ClosingStep, object]]:
    """The questions closing ``case`` asks now: (step, form) for every step with
    something to ask."""
    return [(step, form) for step in _closing_steps if (form := step.form(case, data)) is not None]


def register_search_text(part: Callable) -> None:
    if part not in _search_text_parts:
        _search_text_parts.append(part)


def search_text_parts() -> list[Callable]:
    return list(_search_text_parts)
