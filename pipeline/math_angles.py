"""Mathematical angle brackets (⟨argument⟩) told from the parentheses they are read as.

⟨ and ⟩ are in neither recognizer's character set, so they come out as ( ) or （ ）. The shapes
differ: an angle bracket is two straight strokes meeting at a point, a parenthesis an arc. Along
the glyph's height, the outer edge of an angle bracket moves in a straight line from the tip (a V
in the distance from the middle), a parenthesis's edge along a curve (a parabola). A pair whose two
glyphs fit the V better than the curve is written ⟨ ⟩ (or where one glyph alone clearly does and
the other, run into its neighbours on a scan, is no clear arc), also around Chinese text: documents set
both ⟨属级部分⟩ and the CJK 〈说明〉 so, and pipeline/angle_brackets.py has already written 〈 〉 where
the model's weights show a CJK bracket.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from pipeline.ctc import DecodedLine
from pipeline.faint_glyphs import faint_glyph
from pipeline.line_ink import LineInk
from pipeline.punct_widths import component_at
from pipeline.punctuation import bracket_pairs, has_ideograph, is_ideograph

_OPEN, _CLOSE = "(（〈", ")）〉"
_REACH = 2  # pixels beside a character's time steps where its ink may lie
_LAG = 0.25  # how far before its time steps a bracket's ink may end, in line heights
# A bracket's ink spans most of the line's height and is narrow.
_MIN_TALL = 0.4
_MAX_WIDE = 0.4
_TOUCHING = 0.25  # a bracket's share of the columns of ink it shares with a letter, in line heights
_CUSP = 0.3  # a brace's point, in half heights: its edge stands still above and below it
# Where the point may lie, in half heights from the ink's middle row (below it: the ink's foot cut by the crop).
_POINTS = np.linspace(-0.3, 0.3, 7)
# On the corpus's pairs: angle brackets V/arc 0.45-0.85 and cusp/V 4.6-15; braces read as
# parentheses 0.78-1.0 and 1.9-3.2; parentheses 1.3-5.
_ANGLE = 0.9
_NOT_BRACE = 4.0
# One glyph of the pair alone, where its partner is not measured or is blurred into its neighbours (a
# grey placeholder ⟨标本份数⟩ on a scan): this near a V and this far from a cusp. The corpus's angle
# brackets fit the V down to 0.16 of the arc, its parentheses down to 0.67 but then with a cusp about as
# near (at most 1.5 times the V's residual) and a partner clearly an arc; braces read as parentheses
# (\end{document}) down to 0.71, with a cusp at most 5 times the V's, angle brackets' mostly 6.7 or more.
# A partner this much nearer an arc keeps the pair parentheses.
_ANGLE_ONE = 0.8
_NOT_BRACE_ONE = 6.0
_ARC_PARTNER = 1.5


def math_angle_brackets(line: DecodedLine, line_ink: LineInk) -> DecodedLine:
    """``line`` with the bracket pairs that ``line_ink`` (of the grey image the model read) shows angled."""
    chars = line.chars
    text = [c.char for c in chars]
    if line.steps < 1 or not any(ch in _CLOSE for ch in text):  # no pair without a closing bracket
        return line
    pairs = bracket_pairs(text, _OPEN + "<", _CLOSE, _not_opening)
    if not pairs:
        return line
    _, labels, stats, _ = line_ink.pieces
    scale = line_ink.shape[1] / line.steps
    out = list(chars)
    latin = not has_ideograph("".join(text))
    for i, j in pairs:
        # Read as the CJK bracket on a line without Chinese: the model saw the angle.
        read_angled = latin and (chars[i].char == "〈" or chars[j].char == "〉")
        if not read_angled:
            if chars[i].char == "〈" or chars[j].char == "〉":
                continue  # beside Chinese: pipeline/angle_brackets.py's to judge
            fits = [_fits(labels, stats, line_ink.gray, line_ink.level, (chars[k].start + chars[k].end) / 2 * scale, k == j)
                    for k in (i, j)]
            if chars[i].char == "<":
                # The opening read as a less-than sign: taken only where the closing alone is clearly angled.
                if not _angled(fits[1]):
                    continue
            elif not _one_angled(fits):
                if None in fits or any(_arc(f) for f in fits):
                    continue  # one glyph clearly an arc: a misjudged partner cannot outweigh it
                straight, curved, cusp = (sum(f[n] for f in fits) for n in range(3))  # type: ignore[index]
                # Clearly nearer a V than an arc, and not a brace (whose edge stands still but at its point,
                # fitting the V and the arc about alike and the cusp far better than an angle bracket does).
                if straight >= _ANGLE * curved or cusp <= _NOT_BRACE * straight:
                    continue
        out[i] = replace(chars[i], char="⟨")
        out[j] = replace(chars[j], char="⟩")
    return DecodedLine(tuple(out), line.steps) if out != list(chars) else line



def _one_angled(fits: list[tuple[float, float, float] | None]) -> bool:
    """Whether one glyph of the pair is clearly an angle bracket's and its partner clearly no arc."""
    return any(_angled(f) and not _arc(g) for f, g in (fits, fits[::-1]))


def _arc(f: tuple[float, float, float] | None) -> bool:
    """Whether one glyph's fits show it clearly nearer an arc than a V."""
    return f is not None and f[0] >= _ARC_PARTNER * f[1]


def _angled(f: tuple[float, float, float] | None) -> bool:
    """Whether one glyph's fits show it clearly an angle bracket."""
    return f is not None and f[0] <= _ANGLE_ONE * f[1] and f[2] >= _NOT_BRACE_ONE * f[0]


def _not_opening(text: list[str], i: int) -> bool:
    """A ``<`` is no opening bracket unless it stands before a word, not after one (``a<b``, ``< 2``, ``<=``)."""
    if text[i] != "<":
        return False
    nxt = text[i + 1] if i + 1 < len(text) else ""
    before = text[i - 1] if i > 0 else " "
    return not (nxt.isalpha() or is_ideograph(nxt)) or before.isalnum()


def _just_before(labels: np.ndarray, stats: np.ndarray, x: float, height: int) -> np.ndarray | None:
    """The ink of the tall, narrow piece that ends within ``_LAG`` line heights before column ``x``, no other
    piece between them; None where there is none."""
    ends = stats[:, 0] + stats[:, 2]
    near = [k for k in range(1, len(stats)) if x - _LAG * height <= ends[k] <= x + _REACH
            and stats[k, 3] >= _MIN_TALL * height and stats[k, 2] <= _MAX_WIDE * height]
    if not near:
        return None
    k = max(near, key=lambda k: ends[k])
    middles = stats[1:, 0] + stats[1:, 2] / 2
    if np.any((middles > ends[k]) & (middles < x) & (stats[1:, 4] >= 3)):
        return None
    left, top, w, h = (int(v) for v in stats[k, :4])
    return labels[top : top + h, left : left + w] == k


def _fits(labels: np.ndarray, stats: np.ndarray, crop: np.ndarray, level: float, x: float,
          closing: bool) -> tuple[float, float, float] | None:
    """Mean squared residual of the glyph's outer edge against a V, a parabola and a brace's cusp in
    the distance from its middle row; None where no bracket-shaped glyph stands there."""
    height = crop.shape[0]
    k = component_at(labels, int(x), _REACH)
    if k and stats[k, 3] >= _MIN_TALL * height:
        left, top, w, h = (int(v) for v in stats[k, :4])
        glyph = labels[top : top + h, left : left + w] == k
        if w > _MAX_WIDE * height:
            # Touching the letter it encloses (an italic argument): the bracket's side of the ink.
            keep = int(_TOUCHING * height)
            if (x - left if not closing else left + w - x) > keep:
                return None
            glyph = glyph[:, :keep] if not closing else glyph[:, w - keep :]
            glyph = glyph[glyph.any(axis=1)]
            h, w = glyph.shape
    else:
        # Nothing tall where the model read a bracket: one lighter than the line's threshold ``level``, or
        # one just before (the model fires a few pixels after a narrow mark: on the gap after it, or on
        # the small letter it encloses).
        glyph = faint_glyph(crop, x, _REACH, level)
        if glyph is None:
            glyph = _just_before(labels, stats, x, height)
        if glyph is None:
            return None
        h, w = glyph.shape
    if h < _MIN_TALL * height or w > _MAX_WIDE * height or h < 8:
        return None
    glyph = glyph[glyph.any(axis=1)]
    # The outer edge: each row's first ink column from the bracket's open side.
    edge = (glyph[:, ::-1] if closing else glyph).argmax(axis=1).astype(np.float64)
    y = np.linspace(-1.0, 1.0, len(edge))
    # The point is not always at the ink's middle row: a bracket reaching below the line's crop is cut there
    # (math brackets are taller than the text), so the V and the arc are fitted with their point anywhere near
    # the middle. A brace's cusp stays at the middle: a brace is never cut (it is no taller than the text).
    points = _POINTS[:, None]
    straight = _least_residual(np.abs(y - points), edge)
    curved = _least_residual((y - points) ** 2, edge)
    return straight, curved, _residual(np.maximum(0.0, 1.0 - np.abs(y) / _CUSP), edge)


def _least_residual(shapes: np.ndarray, edge: np.ndarray) -> float:
    """The least of ``_residual`` over the rows of ``shapes``. The closed form of the fit (all rows at once)
    picks the row; only it is fitted by least squares, unless two rows fit within rounding of each other."""
    x = shapes - shapes.mean(axis=1, keepdims=True)
    e = edge - edge.mean()
    spread = (x * x).sum(axis=1)
    along = np.divide((x @ e) ** 2, spread, out=np.zeros(len(x)), where=spread > 0)
    approx = ((e @ e) - along) / len(e)
    best, second = np.argsort(approx, kind="stable")[:2]
    if approx[second] - approx[best] <= 1e-9 * (1.0 + abs(approx[second])):
        return min(_residual(shape, edge) for shape in shapes)
    return _residual(shapes[best], edge)


def _residual(shape: np.ndarray, edge: np.ndarray) -> float:
    """Mean squared residual of ``edge`` fitted by least squares as a linear function of ``shape``."""
    design = np.column_stack((np.ones_like(shape), shape))
    coef = np.linalg.lstsq(design, edge, rcond=None)[0]
    return float(np.mean((design @ coef - edge) ** 2))
