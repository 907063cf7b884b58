"""The compiled schema check (``fastcheck``) gives jsonschema's answer: valid or not,
for the example, generated cases and thousands of mutations of them."""

import copy
import random

from maatwerk.reports.exchange import validate

from .exchange_data import example, records

ODD_VALUES = [
    None, True, False, 0, 1, -1, 1.0, 1.5, 40000, "", "x", "2023-02-30", "2023-01-01\n",
    "maatwerk-case/1", "finances", "submitted", "450.00", "0.00", "x" * 5001, [], [1], {},
    {"a": 1}, ["finances", "finances"], ["finances"], 4, 5, "1", "\u0000",
]  # fmt: skip


def _paths(value, path=()):
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*path, index))


def _mutate(record: dict, rng: random.Random) -> dict:
    record = copy.deepcopy(record)
    paths = [p for p in _paths(record) if p]
    path = rng.choice(paths)
    parent = record
    for part in path[:-1]:
        parent = parent[part]
    action = rng.random()
    if action < 0.7:
        parent[path[-1]] = copy.deepcopy(rng.choice(ODD_VALUES))
    elif action < 0.85 and isinstance(parent, dict):
        del parent[path[-1]]
    elif isinstance(parent, dict):
        parent[rng.choice(["extra", "why", "format2"])] = 1
    else:
        parent.append(copy.deepcopy(rng.choice(ODD_VALUES)))
    return record


def test_fastcheck_agrees_with_jsonschema():
    rng = random.Random(5)
    fast, slow = validate._fast(), validate._validator()
    base = [example(), *records(40, seed=3)]
    disagreements = invalid = 0
    for _ in range(4000):
        record = _mutate(rng.choice(base), rng)
        if rng.random() < 0.3:
            record = _mutate(record, rng)
        answer = slow.is_valid(record)
        invalid += not answer
        disagreements += fast(record) != answer
    for record in base:
        assert fast(record) and slow.is_valid(record)
    assert disagreements == 0
    assert invalid > 2000  # the mutations do make records invalid
