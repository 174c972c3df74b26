"""A bracket pair read half ASCII, half full-width (``(Windows 系统）``) made alike where the page and the
bracket's place agree on which.

A document sets the two brackets of a pair alike. pipeline/punct_widths.py makes a pair alike where it
measures both, but it judges a bracket only beside Chinese text (``draw(zhushi）``: the opening between
Latin letters keeps the model's reading) and within one line; what it leaves mixed is settled here by two
signs that must agree:

- the page's own pairs read alike, those with Chinese inside apart from those with Latin inside (a page
  sets ``（如 table 和 figure）`` and ``(fduthesis)`` each its own way): the larger of the two widths;
- the opening's place: after a space (TeX's interword glue before an ASCII bracket) or at the line's start
  ASCII, touching Chinese full-width, touching Latin as what it encloses (``add(pic.fit())``, but
  ``install-win.bat（Windows 系统）``).

Where they disagree (``方法（simplex method）`` on a page of ASCII code brackets) the pair stays as read.
"""
from __future__ import annotations

from dataclasses import replace

from pipeline.ctc import DecodedLine
from pipeline.page_rereads import Crops
from pipeline.punctuation import bracket_pairs, is_cjk, is_ideograph

_OPEN, _CLOSE = "(（", ")）"
_ASCII, _FULL = "()", "（）"


def mixed_pairs(decoded: list[DecodedLine], crops: Crops | None = None) -> list[DecodedLine]:
    """The page's lines with each bracket pair read half ASCII, half full-width made alike where the page's
    pairs and the opening's place agree (``crops`` unused: the page-level checks' common signature)."""
    found = [_pairs(line) for line in decoded]
    if not any(mixed for pairs in found for _, _, mixed, _ in pairs):
        return decoded
    # The page's pairs read alike: (Chinese inside, full-width) of each.
    alike = [(chinese, text_full) for pairs in found for _, chinese, mixed, text_full in pairs if not mixed]
    out = []
    for line, pairs in zip(decoded, found):
        chars = list(line.chars)
        for (i, j), chinese, mixed, _ in pairs:
            if not mixed:
                continue
            page = _majority([f for c, f in alike if c == chinese])
            if page is None:
                page = _majority([f for _, f in alike])
            if page is None or page != _by_place(chars, i, chinese):
                continue
            shapes = _FULL if page else _ASCII
            chars[i] = replace(chars[i], char=shapes[0])
            chars[j] = replace(chars[j], char=shapes[1])
        out.append(line if tuple(chars) == line.chars else replace(line, chars=tuple(chars)))
    return out


def _pairs(line: DecodedLine) -> list[tuple[tuple[int, int], bool, bool, bool]]:
    """(positions, Chinese inside, mixed, full-width) of the line's round bracket pairs."""
    text = [c.char for c in line.chars]
    out = []
    for i, j in bracket_pairs(text, _OPEN, _CLOSE):
        opening_full, closing_full = text[i] == "（", text[j] == "）"
        chinese = any(is_ideograph(ch) for ch in text[i + 1 : j])
        out.append(((i, j), chinese, opening_full != closing_full, opening_full))
    return out


def _majority(fulls: list[bool]) -> bool | None:
    """Whether most of ``fulls`` are full-width; None on a tie or none."""
    n = sum(fulls)
    return None if 2 * n == len(fulls) else 2 * n > len(fulls)


def _by_place(chars: list, i: int, chinese: bool) -> bool:
    """Whether the opening at ``i`` stands where a full-width one does."""
    before = chars[i - 1].char if i else ""
    if before in ("", " "):
        return False
    return True if is_cjk(before) else chinese
