"""Dutch full-text search that gives the same answers on SQLite and PostgreSQL
(docs/adr/0008-dutch-full-text-search.md).

Text is reduced to **stems** in Python, with the Snowball Dutch stemmer in the variant
PostgreSQL's own ``dutch`` configuration uses (``dutch_porter`` of snowballstemmer:
"schulden" and "schuld" → ``schuld``, "uitkeringen" and "uitkering" → ``uitker``),
after lower-casing, folding accents and dropping Dutch stop words. The stems are
stored next to the text, in weighted parts (A: the rule and the domains; B: the
title, organisations and exception ground; D: the body). The database matches stems
exactly: PostgreSQL with a GIN-indexed ``tsvector`` of the ``simple`` configuration
(the stems are already stems), SQLite with an FTS5 table. Both rank by weight, so a
precedent matching the regulation and the domain outranks one matching a single word
of its body.

Queries are stemmed the same way, and everything else is dropped: quotes, operators,
punctuation and SQL or FTS syntax never reach the database as syntax, only as stems of
letters and digits. A query of only stop words finds nothing and is no error.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

MAX_QUERY_TERMS = 12

# The Snowball project's Dutch stop-word list (the one PostgreSQL's ``dutch``
# configuration ships), lower case without accents.
STOP_WORDS = frozenset(
    """
    aan al alles als altijd andere ben bij daar dan dat de der deze die dit doch doen door
    dus een eens en er ge geen geweest haar had heb hebben heeft hem het hier hij hoe hun
    iemand iets ik in is ja je kan kon kunnen maar me meer men met mij mijn moet na naar
    niet niets nog nu of om omdat onder ons ook op over reeds te tegen toch toen tot u uit
    uw van veel voor want waren was wat werd wezen wie wil worden wordt zal ze zelf zich
    zij zijn zo zonder zou
    """.split()  # noqa: SIM905 (a list of 101 words reads better as text)
)
_WORD = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=1)
def _stemmer():
    return snowballstemmer.stemmer("dutch_porter")


def fold(text: str) -> str:
    """Lower case without accents ("geïnd" → "geind", "één" → "een")."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def stems(text: str) -> list[str]:
    """The stems of ``text``, in order, without stop words (duplicates kept)."""
    words = [w for w in _WORD.findall(fold(text)) if w not in STOP_WORDS and len(w) > 1]
    return _stemmer().stemWords(words)


def stem_text(*texts: str) -> str:
    """The stems of the texts, space-separated: what is stored and indexed."""
    return " ".join(stem for text in texts for stem in stems(text))


def query_terms(query: str) -> list[str]:
    """The distinct stems of a user's query, at most ``MAX_QUERY_TERMS``."""
    seen: list[str] = []
    for stem in stems((query or "")[:2000]):
        if stem not in seen:
            seen.append(stem)
    return seen[:MAX_QUERY_TERMS]


def fts5_match(terms: list[str]) -> str:
    """An FTS5 MATCH expression for ``terms`` (any of them): each term quoted as a
    string, so nothing in it is FTS syntax. Terms are [a-z0-9]+ already."""
    return " OR ".join(f'"{term}"' for term in terms)


def tsquery(terms: list[str]) -> str:
    """A ``to_tsquery('simple', …)`` text for ``terms`` (any of them)."""
    return " | ".join(terms)
