"""The English word list a misread Latin word is checked against, loaded once per process.

The words are pyspellchecker's English dictionary (MIT licence, pinned in requirements.txt): a word list
of common English words and their inflections with frequencies, shipped inside the package, so nothing
is fetched at run time. Chosen over wordfreq, whose word data is CC BY-SA, for its plain licence and
its size (a 0.65 MB file, read in about 0.1 s). Only words of the letters a-z are kept (no possessives:
a word's attached punctuation is kept apart by the caller).
"""
from __future__ import annotations

import gzip
import json
from bisect import bisect_left
from functools import lru_cache
from importlib.resources import files


class Lexicon:
    def __init__(self, words, counts: dict[str, int] | None = None):
        self._words = sorted({w for w in words if w.isascii() and w.isalpha() and w.islower()})
        self._set = frozenset(self._words)
        # only the kept words': the search asks for no other
        self._counts = {w: counts[w] for w in self._words if w in counts} if counts else {}
        self._prefixes: dict[str, bool] = {}

    def __contains__(self, word: str) -> bool:
        return word in self._set

    def __len__(self) -> int:
        return len(self._words)

    def count(self, word: str) -> int:
        """How often the list's sources use ``word`` (1 where it gives no count)."""
        return max(1, self._counts.get(word, 1))

    def has_prefix(self, prefix: str) -> bool:
        """Whether some word starts with ``prefix``."""
        known = self._prefixes.get(prefix)
        if known is None:
            i = bisect_left(self._words, prefix)
            known = i < len(self._words) and self._words[i].startswith(prefix)
            if len(self._prefixes) < 200_000:  # bounded: a long-lived worker reads many pages
                self._prefixes[prefix] = known
        return known


# Abbreviations the list lacks that running text uses without their point (``fonts, etc),``).
_ABBREVIATIONS = ("etc", "ibid", "approx", "resp", "viz", "misc", "eqn", "eqns", "vol", "pp", "eds", "dept")


@lru_cache(maxsize=1)
def english() -> Lexicon:
    """The English word list (read on first use, then shared by the process)."""
    data = files("spellchecker").joinpath("resources", "en.json.gz").read_bytes()
    counts = json.loads(gzip.decompress(data))
    return Lexicon([*counts, *_ABBREVIATIONS], counts)
