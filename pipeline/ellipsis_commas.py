"""A comma set right after an ellipsis (``Option clash for ..., 466``), told from its ink.

Printed with the same spacing as the ellipsis' dots, the comma is read as one more point, and the
decoder's repeated points then collapse: ``...`` (or ``....``) comes out and the comma is lost. The
crop shows it: four small pieces in a row where three points were read, the first three round dots
resting on one baseline, the fourth as high at its top but with a tail hanging below them. Such a
fourth piece becomes a comma after the three points. Where the pieces are not found that way (the
marks run into each other, or only three are there), the line is left as read.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from pipeline.ctc import DecodedLine
from pipeline.line_ink import LineInk
from pipeline.page_rereads import Crops, inks_of


@dataclass(frozen=True)
class EllipsisCommaSettings:
    # A dot: at most this share of the line's tallest glyph high, and at most this many times as wide as high.
    dot_height: float = 0.3
    dot_aspect: float = 2.0
    # The comma: its tail at least this many dot heights below the dots' bottom, its top within one dot
    # height of theirs, and taller than wide by this factor.
    tail: float = 0.5
    tall: float = 1.1


def ellipsis_commas(decoded: list[DecodedLine], crops: Crops,
                    settings: EllipsisCommaSettings = EllipsisCommaSettings()) -> list[DecodedLine]:
    """The lines with a comma put after each ellipsis whose crop shows one (``crops``: the lines' images, by index)."""
    at = [i for i, d in enumerate(decoded) if _runs(d)]
    out = list(decoded)
    for i, ink in zip(at, inks_of(crops, at)):
        line = decoded[i]
        chars = list(line.chars)
        for k, n in reversed(_runs(line)):
            if _comma_after_dots(line, ink, k, n, settings):
                last = chars[k + n - 1]
                if n == 4:  # the comma was read as a fourth point
                    chars[k + 3] = replace(last, char=",", second=".")
                else:
                    chars.insert(k + 3, replace(last, char=",", start=last.end, end=last.end, second="."))
        if len(chars) != len(line.chars) or any(a != b for a, b in zip(chars, line.chars)):
            out[i] = replace(line, chars=tuple(chars))
    return out


def _runs(line: DecodedLine) -> list[tuple[int, int]]:
    """(start, length) of each run of three or four points not followed by a comma."""
    text, runs, k = line.text, [], 0
    while k < len(text):
        if text[k] != ".":
            k += 1
            continue
        n = len(text) - k - len(text[k:].lstrip("."))
        if n in (3, 4) and not text[k + n :].startswith(","):
            runs.append((k, n))
        k += n
    return runs


def _comma_after_dots(line: DecodedLine, ink: LineInk, k: int, n: int, s: EllipsisCommaSettings) -> bool:
    count, _, stats, _ = ink.pieces
    h, w = ink.shape
    step = w / max(1, line.steps)
    glyphs = [p for p in range(1, count) if stats[p, 3] < h - 2 and stats[p, 4] >= 3]
    if not glyphs:
        return False
    band = float(max(stats[p, 3] for p in glyphs))
    # The pieces from the run's first point's steps to the next character's (the model fires on or just
    # after a mark's ink, so the window opens a little before the first point, not before the letter's end).
    x0 = line.chars[k].start * step - 1.5 * (line.chars[k].end - line.chars[k].start + 1) * step
    if k > 0:
        x0 = max(x0, line.chars[k - 1].end * step)
    after = k + n
    x1 = line.chars[after].start * step if after < len(line.chars) else w
    # Points and comma sit low on the line: a speck up by the crop's top is neither.
    small = sorted((p for p in glyphs if stats[p, 3] <= band * 0.5 and stats[p, 1] + stats[p, 3] > h / 2
                    and x0 <= stats[p, 0] + stats[p, 2] / 2 <= x1),
                   key=lambda p: stats[p, 0])
    if len(small) != 4:
        return False
    dots, comma = small[:3], small[3]
    if any(stats[p, 3] > band * s.dot_height or stats[p, 2] > s.dot_aspect * stats[p, 3]
           or stats[p, 3] > s.dot_aspect * stats[p, 2] for p in dots):
        return False
    dot_h = max(float(stats[p, 3]) for p in dots)
    top = max(float(stats[p, 1]) for p in dots)
    bottom = max(float(stats[p, 1] + stats[p, 3]) for p in dots)
    cx, cy, cw, ch = (float(v) for v in stats[comma, :4])
    # Evenly set: the gap to the comma no wider than twice the widest gap between the dots.
    gaps = [float(stats[b, 0] - (stats[a, 0] + stats[a, 2])) for a, b in zip(dots, dots[1:])]
    gap = cx - float(stats[dots[2], 0] + stats[dots[2], 2])
    return (cy + ch - bottom >= s.tail * dot_h and abs(cy - top) <= dot_h and ch >= s.tall * cw
            and gap <= 2 * max(*gaps, 1.0))
