"""short_date: month abbreviations lower case in Dutch, capitalised in English, and
used by every template."""

import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.template import engines
from django.utils import translation

import maatwerk

render = engines["django"].from_string


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nl", "3 jan 2026 · 14 mrt 2026 · 1 mei 2026 · 31 okt 2026"),
        ("en", "3 Jan 2026 · 14 Mar 2026 · 1 May 2026 · 31 Oct 2026"),
    ],
)
def test_short_date_in_both_languages(language, expected):
    template = render(
        "{{ a|short_date }} · {{ b|short_date }} · {{ c|short_date }} · {{ d|short_date }}"
    )
    days = {
        "a": date(2026, 1, 3),
        "b": date(2026, 3, 14),
        "c": date(2026, 5, 1),
        "d": date(2026, 10, 31),
    }
    with translation.override(language):
        assert template.render(days) == expected


def test_short_date_variants_and_local_time(settings):
    settings.TIME_ZONE = "Europe/Amsterdam"
    moment = datetime(2026, 1, 3, 23, 30, tzinfo=ZoneInfo("UTC"))  # 4 Jan 00:30 in NL
    template = render('{{ m|short_date:"day" }}|{{ m|short_date:"time" }}|{{ none|short_date }}')
    with translation.override("nl"):
        assert template.render({"m": moment, "none": None}) == "4 jan|4 jan 2026 00:30|"


def test_no_template_capitalises_the_month():
    """``date:"… M …"`` gives "Jan" in Dutch too: every template uses short_date."""
    root = Path(maatwerk.__file__).parent
    offenders = [
        f"{path.relative_to(root)}:{number}"
        for path in root.rglob("*.html")
        if "vendor" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"""date:["'][^"']*(?<!\\)\bM\b""", line)
    ]
    assert offenders == []
