"""Assertions for refused attempts (``maatwerk.audit.access.Refused``): a 404 and one
``permission_denied`` row, nothing else."""

from maatwerk.audit.models import AccessLogEntry, Action, Result


def assert_refused(client, url, *, household: str, method: str = "get", data=None):
    """Request ``url``; assert a 404 and exactly one new access-log row, a refusal
    carrying ``household`` (a pseudonym, or "" for none). Returns the row."""
    start = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = getattr(client, method)(url, data or {})
    assert response.status_code == 404, (url, response.status_code)
    rows = list(AccessLogEntry.objects.filter(id__gt=start))
    assert len(rows) == 1, (url, [(r.action, r.detail) for r in rows])
    (row,) = rows
    assert (row.action, row.result) == (Action.PERMISSION_DENIED, Result.DENIED), url
    assert row.household == household, (url, row.household)
    assert url in row.detail, (url, row.detail)
    return row
