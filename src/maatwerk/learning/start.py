"""The learning section of the start page (``web.extensions``, registered in
``LearningConfig.ready``): the closing analyses the coordinator still has to do
(``selectors.analyses_to_do``: the cases that were closed or reached the national
level, without a completed analysis, among the cases the coordinator works on).

Bounded (``START_SIZE`` rows and the total), a constant number of queries whatever the
number of cases, and one access-log row naming the households shown
(``audit.events.start_page_listed``)."""

from maatwerk.audit import events

from .selectors import analyses_to_do

START_SIZE = 8


def analyses_section(request) -> dict | None:
    user = request.user
    if not (
        user.has_perm("learning.follow_up_learningpoint")
        and user.has_perm("learning.add_bottleneck")
    ):
        return None
    cases = analyses_to_do(user)
    total = cases.count()
    rows = list(cases[:START_SIZE])
    events.start_page_listed(
        request, name="closing analyses", shown=[case.household.pseudonym for case in rows]
    )
    return {
        "template": "learning/_start_analyses.html",
        "cases": rows,
        "total": total,
        "size": START_SIZE,
    }
