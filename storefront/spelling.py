"""Spelling for search: the words of the catalog, and the closest of them to a word it does not have
("tshrit" → "t-shirt", "mugg" → "mug"). Works the same on every database; PostgreSQL's trigram
search (storefront/search.py) only comes after it.

The vocabulary is every word of the visible products' names and of the category names, each with a
spelling as the catalog writes it ("tshirt" → "t-shirt", so a search on SQLite's plain text can find
"T-Shirt"). It is one query, cached under the catalog version (core.pagecache): a staff edit makes a
new one.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from core.pagecache import cached_for_catalog
from storefront.catalog import category_tree, visible_products

VOCABULARY_SECONDS = 3600  # the catalog version already makes an edited catalog's vocabulary a miss
MIN_LENGTH = 3  # shorter words are left as typed: too many words are one letter away
CORRECT = 0.8  # difflib's ratio for a correction made without asking: "tshrit"/"tshirt" 0.83, "jeans"/"beans" 0.8
SUGGEST = 0.7  # for "Did you mean" links on a page with no results

_TOKEN = re.compile(r"\w+(?:-\w+)*")


@dataclass(frozen=True)
class Respelling:
    words: list[str]  # as search reads them: lower case, no hyphens ("tshirt")
    spellings: list[str]  # as the catalog writes them ("t-shirt")

    @property
    def text(self) -> str:
        return " ".join(self.spellings)


def _tokens(text: str) -> list[tuple[str, str]]:
    """(word, spelling) pairs: "T-Shirt" gives ("tshirt", "t-shirt"), as search._words reads a query."""
    return [(t.replace("-", ""), t) for t in _TOKEN.findall(text.lower())]


def _build_vocabulary() -> str:
    names = list(visible_products().values_list("name", flat=True))
    names += [c.name for c in category_tree().nodes.values()]
    words: dict[str, str] = {}
    for name in names:
        for word, spelling in _tokens(name):
            if len(word) >= MIN_LENGTH and not word.isdigit():
                words.setdefault(word, spelling)
    return "\n".join(f"{word}\t{spelling}" for word, spelling in sorted(words.items()))


def vocabulary() -> dict[str, str]:
    """Each word of the catalog, mapped to its spelling in the catalog."""
    text = cached_for_catalog("search:vocabulary", _build_vocabulary, seconds=VOCABULARY_SECONDS)
    return dict(line.split("\t", 1) for line in text.splitlines())


def respellings(words: list[str], *, cutoff: float = CORRECT, limit: int = 1) -> list[Respelling]:
    """Up to `limit` other spellings of the query `words`, best first, each word replaced by a word of
    the catalog that is close to it. A word the catalog has, or begins (someone still typing), a short
    word and a number stay as they are. [] when no word needs, or has, a close match."""
    known = vocabulary()
    options: list[list[str]] = []
    for word in words:
        if len(word) < MIN_LENGTH or word.isdigit() or word in known or any(k.startswith(word) for k in known):
            options.append([word])
            continue
        options.append(difflib.get_close_matches(word, known, n=limit, cutoff=cutoff) or [word])
    if all(len(o) == 1 and o[0] == w for o, w in zip(options, words, strict=True)):
        return []
    found = []
    for i in range(max(len(o) for o in options)):
        chosen = [o[min(i, len(o) - 1)] for o in options]
        respelled = Respelling(chosen, [known.get(w, w) for w in chosen])
        if respelled not in found:
            found.append(respelled)
    return found[:limit]
