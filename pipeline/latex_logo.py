"""The TeX and LaTeX logos' shifted letters read from their ink where the text alone cannot tell.

``pipeline/logos.py`` mends the logos' misread letters from the text alone; but a TEX with nothing read
before it is the plain TeX logo as far as the text shows, and ``TeX`` is also how plain text spells it.
The LaTeX logo kerns its small raised A under the T's arm and into the L, and the recognizer may read
neither: the ink is still there, before the T. The TeX logo's E hangs below the baseline; read as ``e``
or not read, it is still there, lower than the T and the X.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from difflib import SequenceMatcher

import numpy as np

from pipeline.ctc import DecodedLine
from pipeline.line_ink import LineInk, ink_runs, run_at
from pipeline.logos import mend_logos
from pipeline.punctuation import is_ideograph

# Unread ink before a TEX, in heights of the TEX (from the T's top to the lowered E's foot): up to this far
# left of the T's centre (the T's own half is less, the CTC step placing it a little off), at least this
# wide and tall (an L and a small A; a dropped bracket is narrower, a quote lower).
_T_HALF = 0.45
_HEAD_WIDTH = 0.3
_HEAD_HEIGHT = 0.7
# The TeX logo lowers its E by half an ex, about a third of a capital's height: ink between the T and the
# X this far below the X's baseline (in capital heights) is that E.
_LOWERED = 0.15
# A T read by no character before the logo's lowered E and its X: its unread ink before the E, in the X's
# rows, at least this wide and tall (in capital heights), ending this far left of the E's centre.
_T_WIDTH = 0.3
_T_HEIGHT = 0.7
_E_HALF = 0.4
# How far below a line's box its lowered E may reach, in box heights (the E hangs 0.22 em below the
# baseline; a box around ideographs or lower-case letters ends about 0.1 em below it).
DEEPER = 0.35
# Room added above and below a line's box, in box heights, when a logo it cut is read again: on a clean
# render the box hugs the glyphs, and the lowered E's foot (the raised A's top) lies outside it.
ROOM = 0.1
# What a TeX logo reads as when its E's foot is cut off: the X taken for an ideograph (TE义, CT赵, TF区), the
# T and the E for one letter (FX, EX), the E for another capital (TPX) or lost after a word (MikEX), the
# X lost (TE).
_CUT_LOGO = re.compile(r"T[EF]?[\u3400-\u4dbf\u4e00-\u9fff]|(?<![A-Za-z])[EF]X(?![A-Za-z])|T[A-DF-Z]X"
                       r"|[a-z]EX(?![A-Za-z])|(?<![A-Za-z])TE(?![A-Za-z])")
_LOGO = re.compile("TEX")


def restore_latex_heads(line: DecodedLine, line_ink: LineInk) -> DecodedLine:
    """``line`` with the L and raised A put back before a TEX whose ink shows them unread.

    The LaTeX logo's small raised A is kerned under the T's arm and into the L: the recognizer may read
    neither and give the plain TeX logo, TEX. The two letters' ink is still there, before the T, as wide as a
    capital and as tall: a TEX with that much ink between it and the glyph read before it spells LATEX."""
    text = line.text
    # A capital read right before the T (LATEX, CTEX, MiKTEX) leaves nothing unread.
    found = [m.start() for m in re.finditer("TEX", text) if not (m.start() and text[m.start() - 1].isupper())]
    if not found:
        return line
    ink = line_ink.ink
    scale = line_ink.shape[1] / max(1, line.steps)
    chars = list(line.chars)
    for i in reversed(found):
        t, x = ((chars[k].start + chars[k].end) / 2 * scale for k in (i, i + 2))
        logo = np.flatnonzero(ink[:, int(t) : int(x) + 1].any(axis=1))
        if not len(logo):
            continue
        cap = logo[-1] - logo[0] + 1  # the logo's height, its lowered E's depth with it
        # Ink in the logo's rows only: not a rule's or a neighbouring line's above or below it.
        band = ink[logo[0] : logo[-1] + 1]
        columns = band.sum(axis=0) >= 2
        runs = ink_runs(columns)
        height = cap / 0.9  # the em, about (a capital 0.68 em, the E lowered 0.22 em)
        prev = next((k for k in range(i - 1, -1, -1) if chars[k].char != " "), None)
        lo = 0
        if prev is not None:
            centre = (chars[prev].start + chars[prev].end) / 2 * scale
            lo = run_at(runs, centre)[1]
            if is_ideograph(chars[prev].char):  # its strokes may stand apart (到's 刂): half its em is its own
                lo = max(lo, int(centre + height / 2))
        hi = int(t - _T_HALF * cap)
        if lo >= hi:
            continue
        unread = band[:, lo:hi][:, columns[lo:hi]]
        rows = np.flatnonzero(unread.any(axis=1))
        if unread.shape[1] >= _HEAD_WIDTH * cap and len(rows) and rows[-1] - rows[0] + 1 >= _HEAD_HEIGHT * cap:
            start = int((lo + np.argmax(columns[lo:hi])) / scale)
            head = [replace(chars[i], char=ch, start=start, end=max(start + 1, chars[i].start)) for ch in "LA"]
            chars[i:i] = head
    return DecodedLine(tuple(chars), line.steps) if len(chars) != len(line.chars) else line


def lowered_e(line: DecodedLine, line_ink: LineInk) -> DecodedLine:
    """``line`` with the TeX logo's lowered E read as printed: a ``TeX`` whose e hangs below the X's
    baseline is TEX, and a ``TX`` with lowered ink between its letters has lost that E. A word set in
    plain letters (TeX Live) keeps its e on the baseline."""
    text = line.text
    if "TeX" not in text and "TX" not in text:
        return line
    ink = line_ink.ink
    scale = line_ink.shape[1] / max(1, line.steps)
    chars = list(line.chars)
    for m in reversed(list(re.finditer("TeX|TX", text))):
        i, k = m.start(), m.end() - 1
        t, x = ((chars[j].start + chars[j].end) / 2 * scale for j in (i, k))
        # The X's right half reaches from the cap height to the baseline and holds no E.
        half = np.flatnonzero(ink[:, int(x) : int(x + (x - t) / 3) + 1].any(axis=1))
        if not len(half):
            continue
        cap, base = half[-1] - half[0] + 1, half[-1]
        left = int(t + 0.15 * cap)
        between = np.flatnonzero(ink[:, left : max(left, int(x - 0.15 * cap))].any(axis=1))
        if not len(between) or between[-1] - base < _LOWERED * cap:
            continue
        if k - i == 2:
            chars[i + 1] = replace(chars[i + 1], char="E")
        else:
            middle = (chars[i].end + chars[k].start) // 2
            chars.insert(k, replace(chars[i], char="E", start=middle, end=max(middle + 1, chars[k].start)))
    if tuple(chars) == line.chars:
        return line
    return DecodedLine(tuple(mend_logos(chars)), line.steps)  # a TEX now spelled may complete a LaTeX logo


def lost_t(line: DecodedLine, line_ink: LineInk) -> DecodedLine:
    """``line`` with the TeX logo's T put back where only its E and X were read (``EX``): the T's arm
    overhangs the kerned E, and the recognizer may take the two for one E. An EX standing as a word, whose
    E hangs below the X's baseline and which has a capital's height of unread ink before it, is the logo."""
    text = line.text
    found = [m.start() for m in re.finditer(r"(?<![A-Za-z])EX(?![A-Za-z])", text)]
    if not found:
        return line
    ink = line_ink.ink
    scale = line_ink.shape[1] / max(1, line.steps)
    chars = list(line.chars)
    for i in reversed(found):
        e, x = ((chars[k].start + chars[k].end) / 2 * scale for k in (i, i + 1))
        half = np.flatnonzero(ink[:, int(x) : int(x + max(1.0, x - e) / 2) + 1].any(axis=1))
        if not len(half):
            continue
        top, base = int(half[0]), int(half[-1])
        cap = base - top + 1
        lowered = np.flatnonzero(ink[:, max(0, int(e - 0.15 * cap)) : int(e + 0.15 * cap) + 1].any(axis=1))
        if not len(lowered) or lowered[-1] - base < _LOWERED * cap:
            continue  # an E on the baseline: letters, not the logo
        columns = ink[top : base + 1].sum(axis=0) >= 2  # the X's rows: the T stands level with it
        runs = ink_runs(columns)
        prev = next((k for k in range(i - 1, -1, -1) if chars[k].char != " "), None)
        lo = 0
        if prev is not None and len(runs):
            centre = (chars[prev].start + chars[prev].end) / 2 * scale
            lo = run_at(runs, centre)[1]
            if is_ideograph(chars[prev].char):
                lo = max(lo, int(centre + cap / 1.4))  # half an ideograph's em (the cap about 0.7 em)
        hi = int(e - _E_HALF * cap)
        if lo >= hi:
            continue
        unread = ink[top : base + 1, lo:hi][:, columns[lo:hi]]
        rows = np.flatnonzero(unread.any(axis=1))
        if unread.shape[1] >= _T_WIDTH * cap and len(rows) and rows[0] <= 0.15 * cap and \
                rows[-1] - rows[0] + 1 >= _T_HEIGHT * cap:
            start = int((lo + np.argmax(columns[lo:hi])) / scale)
            chars.insert(i, replace(chars[i], char="T", start=start, end=max(start + 1, chars[i].start)))
    return DecodedLine(tuple(chars), line.steps) if len(chars) != len(line.chars) else line


def lowered_e_below_box(decoded: list[DecodedLine], deeper: Callable[[list[int]], list[np.ndarray]]
                        ) -> list[DecodedLine]:
    """``decoded`` with the TeX logo's E read where the line's box cut it off: the detector draws the box
    around the line's other letters, and the E, lowered by half an ex, can hang out of it (``CTX`` read for
    CTEX). Lines reading ``TX`` or ``TeX`` are looked at again in ``deeper`` crops (the same columns, the
    box's lower edge moved down by ``DEEPER`` of its height), keeping only ink that reaches into the box's
    middle rows: the next line's tops are not the E."""
    found = [i for i, d in enumerate(decoded) if "TX" in d.text or "TeX" in d.text]
    if not found:
        return decoded
    out = list(decoded)
    for i, crop in zip(found, deeper(found)):
        mended = lowered_e(decoded[i], LineInk(_own_ink(crop, crop.shape[0] / (1 + DEEPER))))
        if mended is not decoded[i]:
            out[i] = mended
    return out


def _own_ink(crop: np.ndarray, box_height: float) -> np.ndarray:
    """``crop`` with every ink piece that does not reach the middle half of its first ``box_height`` rows
    painted paper (the crop's own paper grey: white on a grey scan would be darker paper's opposite, and
    the threshold would then take the paper for ink)."""
    ink = LineInk(crop)
    count, labels, stats, _ = ink.pieces
    lo, hi = int(box_height * 0.25), int(box_height * 0.75)
    top, bottom = stats[:, 1], stats[:, 1] + stats[:, 3]
    keep = (top <= hi) & (bottom > lo)
    keep[0] = True  # the paper
    paper = np.uint8(np.median(crop))
    return np.where(keep[labels], crop, paper).astype(np.uint8)


def logos_cut_by_box(decoded: list[DecodedLine], roomier: Callable[[list[int]], list[np.ndarray]],
                     *reads: Callable[[list[np.ndarray]], Sequence[DecodedLine]]) -> list[DecodedLine]:
    """``decoded`` with TeX logos read again where the line's box cut them: a box hugging the glyphs (a
    clean render) leaves the lowered E's foot outside it, and the recognizer then takes the X for an
    ideograph or the T and E for an F. Lines reading like that are read again in ``roomier`` crops, with
    room above and below the box, by each of ``reads`` in turn (the cheaper first) while some still read
    no logo there; only the differences that spell a TEX where the line read such a cut logo are taken,
    the rest of the line stays as first read."""
    out = list(decoded)
    found = [i for i, d in enumerate(decoded) if _CUT_LOGO.search(d.text)]
    crops = dict(zip(found, roomier(found))) if found else {}
    for read in reads:
        if not found:
            break
        for i, again in zip(found, read([crops[i] for i in found])):
            out[i] = _logos_from(decoded[i], DecodedLine(tuple(mend_logos(list(again.chars))), again.steps))
        found = [i for i in found if out[i] is decoded[i]]
    return out


def _logos_from(line: DecodedLine, again: DecodedLine) -> DecodedLine:
    """``line`` with those of ``again``'s differences from it that put a TEX where it read a cut logo."""
    cut = [m.span() for m in _CUT_LOGO.finditer(line.text)]
    logos = [m.span() for m in _LOGO.finditer(again.text)]
    scale = line.steps / max(1, again.steps)  # the same columns, read at another height
    chars = list(line.chars)
    ops = SequenceMatcher(None, line.text, again.text, autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in reversed(ops):
        if tag == "equal" or not _touches(i1, i2, cut) or not _touches(j1, j2, logos):
            continue
        chars[i1:i2] = [replace(c, start=int(c.start * scale), end=max(int(c.start * scale) + 1, int(c.end * scale)))
                        for c in again.chars[j1:j2]]
    return line if chars == list(line.chars) else replace(line, chars=tuple(chars))


def _touches(lo: int, hi: int, spans: list[tuple[int, int]]) -> bool:
    """Whether characters ``lo:hi`` overlap one of ``spans`` (an empty run: lies within or at its ends)."""
    return any(a < hi and lo < b if hi > lo else a <= lo <= b for a, b in spans)
