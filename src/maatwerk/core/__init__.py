"""Neutral building blocks shared by every app: no app of the project is imported here,
so each app may import it (the bottom layer of the layer contract, docs/architecture.md).

- ``core.http``: the client's address behind trusted proxies;
- ``core.models``: append-only models and querysets;
- ``core.errors``: what a service raises when someone else saved first, or when the
  user may not do what was asked;
- ``core.dates``: the date rules services share ("not in the future", "not before");
- ``core.widgets``: form widgets used by every app's forms.
"""
