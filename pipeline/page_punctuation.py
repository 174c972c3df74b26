"""Punctuation decided per page, from what the page's lines show."""
from __future__ import annotations


import numpy as np

from pipeline.compressed_marks import compressed_marks
from pipeline.ctc import DecodedLine
from pipeline.page_rereads import Crops
from pipeline.punct_widths import page_separator_widths
from pipeline.punctuation import curly_quotes
from pipeline.quote_shapes import DOUBLE, SINGLE, quote_lift

# Opening minus closing quotes' centre of mass (quote_lift), over the corpus's 58 lines with a pair:
# straight -0.05..+0.03, curly +0.065..+0.26 (two curly lines at +0.01 and +0.02); a single straight
# pair in a degraded monospace line measured +0.046. The page's median must reach the curly range.
_CURLY_LIFT = 0.06
# Or every one of at least _SAME_WAY lines leans the curly way, their median by at least _LEANING: straight pairs scatter
# both ways about 0 (a straight page's 16 lines measured -0.052..+0.046), while small curly quotes a few pixels tall
# (a typewriter manual's ‘k’, 7 px at the line height) all lean curly, some by little.
_SAME_WAY, _LEANING = 5, 0.03


def page_punctuation(decoded: list[DecodedLine], crops: Crops | None = None) -> list[DecodedLine]:
    """Separators the page sets ASCII made so, or marks it sets full-width but compressed; then quotes, each kind (single, double) of which a
    page prints all curly or all straight. ``crops`` gives the images the lines were read from (by index), so that the shapes of
    the lines' quote pairs (``quote_lift``) decide; without them, or with no pair to measure, the
    readings do."""
    decoded = compressed_marks(page_separator_widths(decoded))
    out = list(decoded)
    for straight, kind in (("'", SINGLE), ('"', DOUBLE)):
        for i in _curled(out, straight, kind, crops):
            out[i] = DecodedLine(tuple(curly_quotes(list(out[i].chars), straight)), out[i].steps)
    return out


def _curled(decoded: list[DecodedLine], straight: str, kind: str, crops: Crops | None) -> list[int]:
    """The lines whose ``straight`` quotes (of ``kind``: single or double ones) the page prints curly.
    Single and double quotes are judged apart: a manual may quote ‘x’ curly and "name" straight."""
    quoted = [i for i, d in enumerate(decoded) if straight in d.text]
    if not quoted:
        return []
    measured = {i: quote_lift(decoded[i], crop, kind) for i, crop in zip(quoted, crops(quoted))} if crops else {}
    lifts = [lift for lift in measured.values() if lift is not None]
    text = "\n".join(d.text for d in decoded)
    curly = kind[1:]
    read_curly = any(q in text for q in curly if q != "’") or ("’" in curly and any(
        ch == "’" and not (text[k - 1 : k].isalpha() and text[k + 1 : k + 2].isalpha()) for k, ch in enumerate(text)))
    # The page's pairs together decide (one pair misjudged on a tilted scan does not turn a page);
    # lines without a pair to measure follow them, or a quote read curly (not an apostrophe: the
    # FDL prints ’ in Document’s and straight double quotes), as prose quoted curly beside code
    # quoted straight does; with nothing of this kind measured, any curly reading of either kind
    # decides, as before.
    if lifts:
        middle = float(np.median(lifts))
        page_curly = middle >= _CURLY_LIFT or len(lifts) >= _SAME_WAY and min(lifts) > 0 and middle >= _LEANING
        return [i for i in quoted if page_curly or (measured.get(i) is None and read_curly)]
    return quoted if any(q in text for q in "“”‘’") else []
