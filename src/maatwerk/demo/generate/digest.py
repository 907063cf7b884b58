"""A digest of everything the generator writes: every row of its tables, in id order.
Two runs with the same seed on the same database give the same digest."""

import hashlib

from . import tables as T


def digest(tables=T.ALL_TABLES) -> str:
    h = hashlib.sha256()
    for t in tables:
        h.update(t.name.encode())
        columns = [f.attname for f in t.fields]
        for row in t.model._base_manager.order_by("pk").values_list(*columns).iterator(5000):
            h.update(repr(tuple(str(v) for v in row)).encode())
    return h.hexdigest()
