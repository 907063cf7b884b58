"""The scheduler: runs every app's due jobs (docs/scheduler.md).

It sits on the top floor of the layer contract: it knows the jobs of every domain app
(``scheduler.jobs.DUE_JOBS``), and no domain app knows another app's jobs.
"""
