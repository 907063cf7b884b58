"""The case's life cycle, in one place: which status may follow which (the services
move a case only along ``TRANSITIONS``; closing needs an outcome and an answer for
every open request; a closed case can be reopened, dated and logged)."""

from .models import Case

# Which status may follow which.
TRANSITIONS = {
    Case.Status.INTAKE: [Case.Status.PLAN, Case.Status.CLOSED],
    Case.Status.PLAN: [Case.Status.JOURNEY, Case.Status.EXECUTING, Case.Status.CLOSED],
    Case.Status.JOURNEY: [Case.Status.PLAN, Case.Status.EXECUTING, Case.Status.CLOSED],
    Case.Status.EXECUTING: [Case.Status.JOURNEY, Case.Status.CLOSED],
    # Reopening: back to where the work is.
    Case.Status.CLOSED: [Case.Status.PLAN, Case.Status.JOURNEY, Case.Status.EXECUTING],
}

# Open: not closed.
OPEN_STATUSES = tuple(status for status in Case.Status if status != Case.Status.CLOSED)
