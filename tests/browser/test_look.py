"""The look of the pages: one font family, table cells that never break a word
mid-way, and Dutch month abbreviations in lower case."""

import re

from browser_support import log_in

STYLE = """(selector) => {
  const style = getComputedStyle(document.querySelector(selector));
  return {family: style.fontFamily, hyphens: style.hyphens, wordBreak: style.wordBreak,
          overflowWrap: style.overflowWrap};
}"""
MONTH = re.compile(r"\b\d{1,2} (jan|feb|mrt|apr|mei|jun|jul|aug|sep|okt|nov|dec) \d{4}\b")


def test_one_font_family_and_whole_words_in_tables(page, site, demo, demo_password):
    log_in(page, site, "professional", demo_password)
    page.goto(site.url("/cases/"))
    families = {
        selector: page.evaluate(STYLE, selector)["family"]
        for selector in ("html", "body", "main h1", "main th", "main td", "main button")
    }
    assert len(set(families.values())) == 1, families
    assert "Noto Sans" in families["body"] and "Serif" not in families["main h1"]
    for selector in ("main th", "main td"):
        style = page.evaluate(STYLE, selector)
        assert style["hyphens"] == "manual", (selector, style)
        assert style["wordBreak"] == "keep-all", (selector, style)
        assert style["overflowWrap"] == "normal", (selector, style)
    opened = page.locator("main table tbody td").all_inner_texts()
    assert any(MONTH.search(text) for text in opened), opened
    assert not any(re.search(r"\b\d{1,2} [A-Z][a-z]{2} \d{4}\b", text) for text in opened)
