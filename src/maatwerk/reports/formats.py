"""The report in a format people or programs read: ``render(report, fmt)``. The report
is the disclosure-controlled object of ``services.build_report``; a renderer only lays
it out, it never computes or un-suppresses a figure. JSON is the report as it is
(``maatwerk-report/1``); csv, xlsx, pdf and html are added by the report page
(docs/reports.md)."""

from __future__ import annotations

import json

FORMATS = ("json",)


def render_json(report: dict) -> str:
    """UTF-8 JSON, keys in the report's order, two-space indent, a final newline."""
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


RENDERERS = {"json": render_json}


def render(report: dict, fmt: str) -> bytes | str:
    try:
        renderer = RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"Unknown report format: {fmt}") from None
    return renderer(report)
