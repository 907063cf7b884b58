"""Demo data for development and training (``maatwerk demo``): the demo users, the seven
example situations of the domain primer (``demo.cases``, one module a story), their
journeys, budgets and doorbraaktafel. Every household, place and organisation detail is
fictitious. ``demo.load.create_demo_data`` loads all of it.

It sits on the top floor of the layer contract: it writes through every app's services,
so the demo data is validated and logged like real work, and no app imports it.

Idempotent: running it again creates nothing twice (each part says how it recognises
what exists already).
"""
