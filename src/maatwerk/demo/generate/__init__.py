"""Synthetic data at national scale (``maatwerk generate-data``): organisations and
teams, users with the regular roles, and any number of cases with everything around
them — households, voices, plans, requests with their journeys, budgets and spends,
doorbraaktafels and the access log — fast enough for a million cases.

Unlike the demo (``demo.cases`` and friends), which writes every story through the
services, the generator writes rows in bulk: ``bulk_create`` in batches, or ``COPY``
on PostgreSQL. It keeps the rules the services keep (the journeys' state machine, the
working-day due dates, the budget's balance and four eyes, the access log's hash
chain) and it writes the access-log rows the services would have written. One module
per app, in the order a case is made: ``world`` (register and accounts), ``cases``,
``journeys``, ``budgets``, ``meetings``, ``audit``; ``tables`` holds the row layouts
and the writers, ``run`` the whole run. Deterministic: the same seed (and day) gives
the same rows. Every name, place and organisation it makes up is fictitious.

Like the rest of ``maatwerk.demo`` it is on the top floor of the layer contract: no
app imports it.
"""
