"""Dot leaders (a table of contents' or an index's ``Title . . . . . . 13``) read as the dots they are.

A leader is a row of small dots at the baseline, evenly spaced, with nothing else among them. The
recognizer reads such a row as it reads punctuation, one class per few time steps, so a long leader
comes out as dots mixed with look-alikes of a dot pair (``。``, ``*``, ``R``, a ``9`` where two dots sit
close): noise between an entry and its page numbers. The row itself is easy to see in the ink, so where
the crop shows one, the characters read over it are replaced by its dots, one per dot printed, spaced
as a text layer spells them.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np

from pipeline.ctc import DecodedChar, DecodedLine
from pipeline.line_ink import LineInk
from pipeline.medians import median

# The line's text must hold this many dot-like readings before its ink is looked at: a leader is
# always read with some dots among its noise.
_DOTS_READ = 2
_DOT_LIKE = set(".。…")  # not ·: a row of middle dots is printed so
_UNSURE = 0.5


@dataclass(frozen=True)
class Leader:
    """A row of leader dots on a crop: their centres (columns, a dot lost to the threshold put back),
    their usual step, and the rows their ink spans (medians)."""
    centres: list[float]
    step: float
    top: float
    bottom: float


@dataclass(frozen=True)
class LeaderSettings:
    # A dot's size (width and height) as a share of the crop's height (the line read at 48 px:
    # a period is about a tenth of it), and how much of its box it fills (a comma's tail fills less).
    dot_min: float = 0.04
    dot_max: float = 0.2
    fill: float = 0.45
    # Each step from dot to dot within this share of the row's median step; the steps at least this
    # many dot widths (an ellipsis' dots are closer), at most this share of the crop's height.
    pitch_spread: float = 0.3
    pitch_min: float = 1.8
    pitch_max: float = 0.8
    # The dots' bottoms within this share of the crop's height of a straight line through them (a
    # crop may slope), and within ``on_baseline`` of the baseline (the median bottom of the line's
    # letters: a scan's thresholded dot shrinks from below too).
    level: float = 0.07
    on_baseline: float = 0.15
    # Fewer dots than this are an ellipsis or a row of full stops, not a leader.
    least: int = 5
    # How far above the baseline other ink counts as beside the dots (a colon's upper dot, a letter).
    band: float = 0.3
    # A scan can lose a dot or two of a leader to the threshold: a step of up to this many usual steps
    # continues the row, and the dots lost are written too.
    skipped: int = 3


def mend_leaders(line: DecodedLine, ink: LineInk, settings: LeaderSettings = LeaderSettings()) -> DecodedLine:
    """``line`` with what was read over each dot leader that its crop (``ink``) shows replaced by its dots."""
    dots_read = sum(c.char in _DOT_LIKE for c in line.chars)
    # A leader read as noise (``RRRR.``) keeps a dot or two, among unsure characters.
    unsure = dots_read and any(c.confidence < _UNSURE for c in line.chars)
    if not line.steps or (dots_read < _DOTS_READ and not unsure):
        return line
    runs = leader_runs(ink, settings)
    if not runs:
        return line
    chars = list(line.chars)
    scale = ink.shape[1] / line.steps
    spans = [(r.centres[0] - r.step / 2, r.centres[-1] + r.step / 2) for r in runs]
    within = [any(lo <= (c.start + c.end) / 2 * scale < hi for lo, hi in spans) for c in chars]
    if not any(within):
        return line
    confidence = _leader_confidence(chars, within)
    # Right to left, so earlier indices stay valid.
    for run, (lo, hi) in zip(reversed(runs), reversed(spans)):
        inside = [i for i, c in enumerate(chars) if lo <= (c.start + c.end) / 2 * scale < hi]
        if not inside:
            continue
        first, last = inside[0], inside[-1]
        dots = _dot_chars(run.centres, scale, confidence)
        before = [] if first == 0 or chars[first - 1].char == " " else [_space(dots[0], confidence)]
        after = [] if last + 1 == len(chars) or chars[last + 1].char == " " else [_space(dots[-1], confidence)]
        chars[first : last + 1] = before + dots + after
    return replace(line, chars=tuple(chars))


def leader_runs(ink: LineInk, settings: LeaderSettings = LeaderSettings()) -> list[Leader]:
    """Each dot leader on a line's crop (``ink``), left to right."""
    height = ink.shape[0]
    n, _, stats, centroids = ink.pieces
    if n < settings.least + 1:
        return []
    x, y, w, h, area = (stats[1:, k] for k in range(5))
    cx = centroids[1:, 0]
    bottom = y + h
    shaped = (area >= settings.fill * w * h) & (np.maximum(w, h) <= 2 * np.minimum(w, h))
    letters = h > 2 * settings.dot_max * height
    if letters.any():
        small = (w >= settings.dot_min * height) & (h >= settings.dot_min * height)
        small &= (w <= settings.dot_max * height) & (h <= settings.dot_max * height)
        dot = small & shaped
        baseline = float(median(bottom[letters]))
        dot &= np.abs(bottom - baseline) <= settings.on_baseline * height
    else:
        # A box the detector drew round the leader alone: scaled to the crop's height, its dots are
        # large; they are the leader when they are all alike.
        size = float(median(np.maximum(w, h)[shaped])) if shaped.any() else 0.0
        dot = shaped & (np.maximum(w, h) <= 1.5 * size) & (np.maximum(w, h) >= size / 1.5)
        baseline = float(median(bottom[dot])) if dot.any() else 0.0
        height = max(height, int(8 * size))  # steps are judged against the dot, not the crop
    if dot.sum() < settings.least:
        return []
    order = np.argsort(cx)
    dots = [int(i) for i in order if dot[i]]
    # Ink beside the dots' row, not a sliver of the lines above or below that the crop's margins hold.
    beside = (bottom > baseline - settings.band * height) & (y < baseline)
    others = [int(i) for i in order if not dot[i] and beside[i] and area[i] >= (settings.dot_min * height) ** 2]
    # Nothing else among a leader's dots (a colon's upper dot, a letter between periods).
    between = [(float(x[o]), float(x[o] + w[o])) for o in others]
    runs = []
    for chain in _chains(dots, cx, w, height, settings, between):
        fit = np.polyval(np.polyfit(cx[chain], bottom[chain], 1), cx[chain])
        if np.abs(bottom[chain] - fit).max() > settings.level * height:
            continue
        step = _usual_step(cx[chain], settings.skipped)
        runs.append(Leader(_with_lost([float(cx[i]) for i in chain], step), step,
                           float(median(y[chain])), float(median(bottom[chain]))))
    return runs


def _chains(dots: list[int], cx: np.ndarray, w: np.ndarray, height: int, s: LeaderSettings,
            between: list[tuple[float, float]]) -> list[list[int]]:
    """Runs of dots at a steady step with no other ink ``between`` them, each of at least ``s.least`` dots."""
    out: list[list[int]] = []
    chain: list[int] = []
    for i in dots:
        if chain:
            step = cx[i] - cx[chain[-1]]
            clear = not any(lo < cx[i] and hi > cx[chain[-1]] for lo, hi in between)
            steady = clear and s.pitch_min * max(w[i], w[chain[-1]]) <= step
            if steady and len(chain) >= 2:
                usual = _usual_step(cx[chain], s.skipped)
                k = max(1, round(step / usual))
                steady = k <= s.skipped and abs(step - k * usual) <= s.pitch_spread * usual
            else:
                steady = steady and step <= s.pitch_max * height
            if not steady:
                if len(chain) >= s.least:
                    out.append(chain)
                chain = []
        chain.append(i)
    if len(chain) >= s.least:
        out.append(chain)
    return out


def _leader_confidence(chars: list[DecodedChar], within: list[bool]) -> float:
    """The dots are measured, not read: they are as sure as the line's words (what the recognizer made
    of the leader says nothing of it), or, in a box round the leader alone, as its surest reading.
    (Weighting them by that reading instead turned an index page upside down: the flip check compares
    the mean confidence of the longest lines read both ways.)"""
    words = [c.confidence for c, w in zip(chars, within) if not w and c.char != " "]
    return float(np.mean(words)) if words else max(c.confidence for c, w in zip(chars, within) if w)


def _usual_step(centres: np.ndarray, skipped: int) -> float:
    """The row's step from dot to dot, steps over a lost dot counted as several."""
    steps = np.diff(centres)
    least = float(steps.min())
    return float(median([d / max(1, min(skipped, round(d / least))) for d in steps]))


def _with_lost(centres: list[float], step: float) -> list[float]:
    """``centres`` with a dot put back wherever the row skips one."""
    out = [centres[0]]
    for c in centres[1:]:
        k = max(1, round((c - out[-1]) / step))
        out += [out[-1] + (c - out[-1]) * j / k for j in range(1, k + 1)]
    return out


def _dot_chars(centres: list[float], scale: float, confidence: float) -> list[DecodedChar]:
    """The leader as text, ``. . .``: each dot at its own time step, a space between."""
    steps = np.maximum.accumulate([int(c / scale) for c in centres])
    out: list[DecodedChar] = []
    for k, step in enumerate(steps):
        if k:
            out.append(DecodedChar(" ", confidence, out[-1].end, max(out[-1].end, int(step))))
        out.append(DecodedChar(".", confidence, int(step), int(step) + 1))
    return out


def _space(near: DecodedChar, confidence: float) -> DecodedChar:
    return DecodedChar(" ", confidence, near.start, near.start)


def may_border(left_text: str, right_text: str) -> bool:
    """Whether two pieces of a row may have a leader between them: the left one's text ends with a dot or
    the right one's starts with one. The detector often keeps only a leader's first or last dot or two
    in the entry's box (``Title .`` or ``Title..``, more so on a page levelled from a tilt), so one
    dot-like reading is enough; the ink then decides (``lost_between``)."""
    left_text, right_text = left_text.rstrip(), right_text.lstrip()
    return bool(left_text) and left_text[-1] in _DOT_LIKE or bool(right_text) and right_text[0] in _DOT_LIKE


def lost_between(gray: np.ndarray, left: list[float], right: list[float], settings: LeaderSettings = LeaderSettings()
                 ) -> list[list[float]]:
    """The boxes of a leader's dots that fall between two pieces of one row (boxes ``left`` and ``right``
    on ``gray``, x0 y0 x1 y1), which the detector left out of both: the row is read whole, as a line
    crop is, and its dots there are kept."""
    top, bottom = max(0, int(min(left[1], right[1]))), int(max(left[3], right[3]))
    x0, x1 = max(0, int(left[0])), int(right[2])
    if bottom - top < 4 or right[0] <= left[2]:
        return []
    row = gray[top:bottom, x0:x1]
    zoom = 48 / row.shape[0]
    crop = cv2.resize(row, (max(1, round(row.shape[1] * zoom)), 48), interpolation=cv2.INTER_AREA)
    out = []
    for run in leader_runs(LineInk(crop), settings):
        half = (run.bottom - run.top) / 2 / zoom
        for c in run.centres:
            x = x0 + c / zoom
            if left[2] < x < right[0]:
                out.append([x - half, top + run.top / zoom, x + half, top + run.bottom / zoom])
    return out
