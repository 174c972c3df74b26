"""A second reading, by a larger recognizer, of the lines the page's recognizer is unsure of.

PP-OCRv6 tiny reads most lines of a page right at a fraction of the cost of the larger models of its family.
Where its mean character confidence on a line falls below ``below``, PP-OCRv6 small (same input, a larger
network and a character set about 2.7 times as large: more symbols and rarer Chinese characters) reads the same
crop again and its reading is taken. The larger model runs only on those lines, so a page pays for it in
proportion to what it is unsure of, up to a budget (a share of the page's line width). The default threshold
and budget, and their cost and gain on real pages: ``bench/second_opinion.py`` and bench/RESULTS.md; ``below`` 0
switches it off.

Blurred small print (a line without CJK that the first recognizer enlarges at least 1.6 times,
``smoothed_small_print.SMALL_PX``, and whose edges are soft) is read
again under a higher threshold, ``small_below``: blurred and enlarged, its glyphs lose the thin strokes that tell r
from n and a comma from a point, and the small network misreads them at confidences the large one does not (no
resampling, sharpening or smoothing of the crop brought the small network near the large one's reading of such
lines: bench/RESULTS.md). Its lines may use a budget of their own on top of the page's.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from pipeline.ctc import DecodedChar, DecodedLine
from pipeline.punctuation import is_cjk
from pipeline.recognize import TextRecognizer
from pipeline.smoothed_small_print import SMALL_PX, soft_edges


MIN_BUDGET_STEPS = 400  # CTC steps: a few lines of text


@dataclass(frozen=True)
class SecondOpinionSettings:
    below: float = 0.90  # mean character confidence under which a line is read again; 0: never
    # True: the second reading is kept only when its own confidence is higher. Taking it always read a
    # little better at every threshold measured.
    only_if_surer: bool = False
    # At most this share of the page's line width (CTC steps) is read again, least sure lines first: a page
    # of code or small print can be unsure nearly everywhere, and the larger model costs several times the
    # page's own recognition per line. A guard on a page's cost, not a saving: a tighter budget saved CPU
    # on dense code pages only by reading them worse. None: no limit.
    budget: float | None = 0.30
    # The widest input, in CTC steps (8 px each at the recognizers' 48-px height), the larger network reads at
    # once: its buffers grow with the input's width and stay in the process's arena, so one very wide line set
    # a worker's peak memory. A wider line is read in pieces cut at its word spaces (as the first reading
    # placed them: a cut through ink or at a blank end changes the text), or keeps its first reading.
    widest: int | None = 300
    # Blurred small print is read again below this confidence (0: as other lines), within its own share of the page's
    # line width beyond ``budget`` (None: no limit).
    small_below: float = 0.97
    small_budget: float | None = 0.50

    @classmethod
    def at(cls, below: float | None) -> "SecondOpinionSettings":
        """The default settings, or these with ``below`` set (a deployment's DOCPIPE_SECOND_OPINION_BELOW)."""
        return cls() if below is None else cls(below=below)


def reread_unsure(decoded: list[DecodedLine], crops_of: Callable[[list[int]], list[np.ndarray]],
                  recognizer: TextRecognizer, settings: SecondOpinionSettings) -> list[DecodedLine]:
    """``decoded`` with each unsure line's reading replaced by the larger recognizer's where that one is kept;
    ``crops_of(indices)`` gives those lines' crops as the first recognizer saw them."""
    unsure = unsure_within_budget(decoded, settings)
    # Small print the first reading was fairly sure of keeps that reading unless the second is surer still and
    # reads other text (the same text read again would move the steps the page's glyph checks measure).
    fairly_sure = set(_small_unsure(decoded, unsure, crops_of, settings))
    if not unsure and not fairly_sure:
        return decoded
    # A fairly sure line's second reading is of its plain crop only: the larger network's reading of the
    # smoothed crop as well cost it more time and changed the text of no real page for the worse (bench/RESULTS.md).
    small = sorted(fairly_sure)
    reads = {**dict(zip(unsure, _read(recognizer, [decoded[i] for i in unsure], crops_of, unsure, settings.widest))),
             **dict(zip(small, _read(recognizer, [decoded[i] for i in small], crops_of, small, settings.widest,
                                     smooth=False)))}
    out = list(decoded)
    for i, again in sorted(reads.items()):
        surer_needed = settings.only_if_surer or i in fairly_sure
        if again is not None and (not surer_needed or again.confidence > out[i].confidence) \
                and (i not in fairly_sure or (again.text != out[i].text and _numbers(again) == _numbers(out[i]))):
            out[i] = again
    return out


def _numbers(line: DecodedLine) -> tuple[str, ...]:
    """A reading's numbers, word by word (the digits of each word holding any): a fairly sure first reading of
    small print is taken for them (the larger network read an index entry's `All` as `A1l` and `15, 23, 33` as
    `15,23,33`); the second one is wanted for its letters and marks."""
    return tuple("".join(ch for ch in word if ch.isdigit()) for word in line.text.split()
                 if any(ch.isdigit() for ch in word))


def _read(recognizer: TextRecognizer, firsts: list[DecodedLine], crops_of: Callable[[list[int]], list[np.ndarray]],
          indices: list[int], widest: int | None, smooth: bool = True) -> list[DecodedLine | None]:
    """The lines ``indices`` (first read as ``firsts``) read by ``recognizer`` from their crops: whole, or in
    pieces at their word spaces when wider than ``widest`` steps (None where a line has no such cut);
    ``smooth``: small noisy print read again smoothed too where that reads surer."""
    if not indices:
        return []
    crops = crops_of(indices)
    cuts = [_cuts(first, widest) for first in firsts]
    pieces = []
    for first, crop, at in zip(firsts, crops, cuts):
        if at:
            px = crop.shape[1] / first.steps
            bounds = [0, *at, first.steps]
            pieces += [crop[:, round(a * px):round(b * px)] for a, b in zip(bounds, bounds[1:])]
        elif at is not None:
            pieces.append(crop)
    reads = iter(recognizer(pieces, smooth=smooth))  # in the order the pieces were laid out: line by line, left to right
    out: list[DecodedLine | None] = []
    for first, at in zip(firsts, cuts):
        if at is None:
            out.append(None)
        elif not at:
            out.append(next(reads))
        else:
            out.append(_joined([next(reads) for _ in range(len(at) + 1)], [0, *at], first.steps))
    return out


def _cuts(first: DecodedLine, widest: int | None) -> list[int] | None:
    """Steps at which to cut a line into pieces of at most ``widest`` steps, each cut in the middle of a word
    space of the first reading; [] when the line fits whole, None when its spaces do not allow it."""
    if widest is None or first.steps <= widest:
        return []
    spaces = [(c.start + c.end) // 2 for c in first.chars if c.char == " "]
    cuts, start = [], 0
    while first.steps - start > widest:
        reach = [s for s in spaces if start < s <= start + widest]
        if not reach:
            return None
        start = max(reach)
        cuts.append(start)
    return cuts


def _joined(reads: list[DecodedLine], starts: list[int], steps: int) -> DecodedLine:
    """Pieces' readings as one line: their characters moved to the line's steps, one space between pieces."""
    chars: list[DecodedChar] = []
    for read, start in zip(reads, starts):
        inner = list(read.chars)
        while inner and inner[0].char == " ":
            inner.pop(0)
        while inner and inner[-1].char == " ":
            inner.pop()
        if chars and inner:
            chars.append(DecodedChar(" ", min(chars[-1].confidence, inner[0].confidence), start, start + 1))
        chars += [replace(c, start=c.start + start, end=c.end + start) for c in inner]
    return DecodedLine(tuple(chars), steps)


def _small_unsure(decoded: list[DecodedLine], taken: list[int], crops_of: Callable[[list[int]], list[np.ndarray]],
                  settings: SecondOpinionSettings) -> list[int]:
    """Indices of the blurred small-print lines, not in ``taken``, under ``small_below``: the least sure first while their
    width fits ``small_budget``."""
    taken_set = set(taken)
    maybe = [i for i, line in enumerate(decoded) if line.confidence < settings.small_below and i not in taken_set]
    if not maybe:
        return []
    # SMALL_PX is a Latin line's height: a CJK glyph fills its line, and at that height it is body text.
    maybe = [i for i in maybe if not any(is_cjk(c.char) for c in decoded[i].chars)]
    if not maybe:
        return []
    small = [i for i, crop in zip(maybe, crops_of(maybe)) if 0 < crop.shape[0] < SMALL_PX and soft_edges(crop)]
    if settings.small_budget is None:
        return small
    return _within(small, decoded, settings.small_budget * sum(line.steps for line in decoded))


def _within(indices: list[int], decoded: list[DecodedLine], allowed: float) -> list[int]:
    """Of ``indices``, the least sure lines first, each one only if its width still fits ``allowed`` steps."""
    picked, spent = [], 0
    for i in sorted(indices, key=lambda i: decoded[i].confidence):
        if spent + decoded[i].steps <= allowed:
            picked.append(i)
            spent += decoded[i].steps
    return sorted(picked)


def unsure_within_budget(decoded: list[DecodedLine], settings: SecondOpinionSettings) -> list[int]:
    """Indices of the lines to read again, in page order: those under the threshold; with a budget, the
    least sure first, each one only if its width still fits."""
    unsure = [i for i, line in enumerate(decoded) if line.confidence < settings.below]
    if settings.budget is None:
        return unsure
    # A few-line image costs little whatever is read again: the budget is for full pages.
    return _within(unsure, decoded, max(settings.budget * sum(line.steps for line in decoded), MIN_BUDGET_STEPS))
