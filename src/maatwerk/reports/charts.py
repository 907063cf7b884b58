"""The report's charts, drawn on the server as inline SVG.

No chart library and no JavaScript: the application's CSP allows neither, and the
same markup goes into the page, the standalone HTML and the PDF (WeasyPrint draws
inline SVG), so a chart looks the same everywhere. Colours and sizes are SVG
attributes, not CSS (a ``style`` attribute is refused by the CSP).

Every chart is ``role="img"`` with a ``<title>`` and a ``<desc>``, and points with
``aria-describedby`` at the table next to it that holds the same figures: the text
alternative. A suppressed figure gets an open, dashed bar or an empty cell with its
mark ("< 5", "—"), never a length or colour that would give its size away.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .presentation import Cell, Row

INK = "#1a1a1a"
MUTED = "#595959"
BAR = "#4b2c82"
BAR_PREVIOUS = "#b9a8d8"
GRID = "#d0d0d0"
FONT = 'font-family="Noto Sans, DejaVu Sans, Arial, sans-serif"'

WIDTH = 680
LABEL_WIDTH = 250
VALUE_WIDTH = 70
ROW_HEIGHT = 26


def _clip(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _header(chart_id: str, width: int, height: int, title: str, desc: str, table_id: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" id="{chart_id}" '
        f'role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" aria-describedby="{table_id}">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>'
    )


def describe(rows: list[Row]) -> str:
    """The figures in words, for ``<desc>``: "Financiën: 88; Wonen: 64; …"."""
    return "; ".join(f"{row.label}: {row.cell.text()}" for row in rows)


def bar_chart(
    rows: list[Row], *, chart_id: str, title: str, table_id: str, with_previous: bool = False
) -> SafeString:
    """Horizontal bars, one per row, on one scale; with ``with_previous`` a thin bar
    for the previous period under each."""
    if not rows:
        return mark_safe("")
    numbers = [row.cell.value for row in rows if row.cell.shown]
    if with_previous:
        numbers += [row.previous.value for row in rows if row.previous and row.previous.shown]
    top = max([float(n) for n in numbers] + [1.0])
    bar_area = WIDTH - LABEL_WIDTH - VALUE_WIDTH - 10
    step = ROW_HEIGHT + (10 if with_previous else 0)
    height = 10 + step * len(rows) + (22 if with_previous else 0)
    parts = [_header(chart_id, WIDTH, height, title, describe(rows), table_id)]
    parts.append(
        f'<line x1="{LABEL_WIDTH}" y1="4" x2="{LABEL_WIDTH}" y2="{10 + step * len(rows)}" '
        f'stroke="{GRID}" stroke-width="1"/>'
    )
    for index, row in enumerate(rows):
        y = 8 + index * step
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 15}" text-anchor="end" font-size="12" '
            f'fill="{INK}" {FONT}>{escape(_clip(row.label, 40))}</text>'
        )
        parts.append(_bar(row.cell, LABEL_WIDTH + 1, y + 2, 16, bar_area, top, BAR))
        if with_previous and row.previous is not None:
            parts.append(
                _bar(
                    row.previous,
                    LABEL_WIDTH + 1,
                    y + 20,
                    7,
                    bar_area,
                    top,
                    BAR_PREVIOUS,
                    small=True,
                )
            )
    if with_previous:
        y = 10 + step * len(rows) + 4
        this_period, previous_period = escape(_("This period")), escape(_("Previous period"))
        parts.append(
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="12" height="10" fill="{BAR}"/>'
            f'<text x="{LABEL_WIDTH + 16}" y="{y + 9}" font-size="11" fill="{MUTED}" {FONT}>'
            f"{this_period}</text>"
            f'<rect x="{LABEL_WIDTH + 130}" y="{y + 2}" width="12" height="7" '
            f'fill="{BAR_PREVIOUS}"/>'
            f'<text x="{LABEL_WIDTH + 146}" y="{y + 9}" font-size="11" fill="{MUTED}" {FONT}>'
            f"{previous_period}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _bar(
    cell: Cell, x: int, y: int, height: int, area: int, top: float, colour: str, small: bool = False
) -> str:
    if not cell.shown:
        # Not shown: an open dashed box of a fixed small width, and the mark.
        return (
            f'<rect x="{x}" y="{y}" width="24" height="{height}" fill="none" stroke="{MUTED}" '
            f'stroke-dasharray="3 2" stroke-width="1"/>'
            + (
                ""
                if small
                else f'<text x="{x + 30}" y="{y + height - 3}" font-size="12" fill="{MUTED}" '
                f"{FONT}>{escape(cell.text())}</text>"
            )
        )
    length = max(0.0, float(cell.value)) / top * area if top else 0
    bar = f'<rect x="{x}" y="{y}" width="{length:.1f}" height="{height}" fill="{colour}"/>'
    if small:
        return bar
    return bar + (
        f'<text x="{x + length + 5:.1f}" y="{y + height - 3}" font-size="12" fill="{INK}" '
        f"{FONT}>{escape(cell.text())}</text>"
    )


def _shade(value: float, top: float) -> tuple[str, str]:
    """A cell's fill (light to dark) and the text colour readable on it."""
    if top <= 0 or value <= 0:
        return "#f7f5fb", INK
    share = min(1.0, value / top)
    light, dark = (247, 245, 251), (59, 31, 110)
    rgb = tuple(round(a + (b - a) * share) for a, b in zip(light, dark, strict=True))
    return "#{:02x}{:02x}{:02x}".format(*rgb), ("#ffffff" if share > 0.5 else INK)


def heat_table(
    matrix: dict, *, chart_id: str, title: str, table_id: str, triangle: bool = False
) -> SafeString:
    """A matrix of counts: rows × columns, each cell shaded by its count. With
    ``triangle`` (domain combinations) only the cells above the diagonal exist."""
    rows, columns, cells = matrix["rows"], matrix["columns"], matrix["cells"]
    if not rows or not columns:
        return mark_safe("")
    size = 34 if len(columns) <= 12 else 26
    left = 200
    head = 130
    width = left + size * len(columns) + 110
    height = head + size * len(rows) + 10
    shown = [c.value for c in cells.values() if c.shown]
    top = float(max([*shown, 1]))
    words = "; ".join(
        f"{row_label} – {col_label}: {cells[(r, c)].text()}"
        for r, row_label in rows
        for c, col_label in columns
        if (r, c) in cells and (not triangle or cells[(r, c)].shown or cells[(r, c)].suppressed)
    )
    parts = [_header(chart_id, width, height, title, words, table_id)]
    for index, (_code, label) in enumerate(columns):
        x = left + index * size + size / 2
        parts.append(
            f'<text x="0" y="0" font-size="11" fill="{INK}" {FONT} '
            f'transform="translate({x + 4:.1f} {head - 6}) rotate(-55)">'
            f"{escape(_clip(str(label), 22))}</text>"
        )
    for r_index, (r_code, label) in enumerate(rows):
        y = head + r_index * size
        parts.append(
            f'<text x="{left - 6}" y="{y + size / 2 + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="{INK}" {FONT}>{escape(_clip(str(label), 32))}</text>'
        )
        for c_index, (c_code, _label) in enumerate(columns):
            x = left + c_index * size
            cell = cells.get((r_code, c_code))
            if cell is None:
                continue
            if cell.shown:
                fill, ink = _shade(float(cell.value), top)
                text = cell.text()
                parts.append(
                    f'<rect x="{x}" y="{y}" width="{size - 2}" height="{size - 2}" fill="{fill}"/>'
                )
            else:
                ink = MUTED
                text = cell.text()
                parts.append(
                    f'<rect x="{x}" y="{y}" width="{size - 2}" height="{size - 2}" fill="#ffffff" '
                    f'stroke="{MUTED}" stroke-dasharray="3 2"/>'
                )
            parts.append(
                f'<text x="{x + (size - 2) / 2:.1f}" y="{y + size / 2 + 3:.1f}" '
                f'text-anchor="middle" font-size="10" fill="{ink}" {FONT}>{escape(text)}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def section_charts(section) -> list[SafeString]:
    """The charts of one section (presentation.Section), in the order shown."""
    charts = []
    title = section.title
    if section.key == "domain_pairs" and section.matrix:
        charts.append(
            heat_table(
                section.matrix,
                chart_id=f"chart-{section.key}",
                title=title,
                table_id=section.table_id,
                triangle=True,
            )
        )
    elif section.key == "approval":
        distribution = (section.matrix or {}).get("distribution") or []
        if distribution:
            charts.append(
                bar_chart(
                    distribution,
                    chart_id="chart-approval-days",
                    title=_("Days from the first request to an approved plan"),
                    table_id="table-approval-days",
                    with_previous=any(r.previous is not None for r in distribution),
                )
            )
    elif section.key == "learning_points":
        if section.rows:
            charts.append(
                bar_chart(
                    section.rows,
                    chart_id=f"chart-{section.key}",
                    title=title,
                    table_id=section.table_id,
                    with_previous=section.has_previous,
                )
            )
        if section.matrix:
            charts.append(
                heat_table(
                    section.matrix,
                    chart_id="chart-learning-follow-up",
                    title=_("Follow-up of learning points per addressee"),
                    table_id="table-learning-follow-up",
                )
            )
    elif section.chart == "bars" and section.rows:
        charts.append(
            bar_chart(
                section.rows,
                chart_id=f"chart-{section.key}",
                title=title,
                table_id=section.table_id,
                with_previous=section.has_previous,
            )
        )
    return [chart for chart in charts if chart]
