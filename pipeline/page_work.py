"""One page's working state while it is OCR'd, and the time spent per stage.

The engine keeps nothing per page on itself: each stage reads and updates
a ``PageWork`` (the working image, its line boxes, and the matrix that
takes working pixels back to the rendered page), so one engine can read
page after page.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from pipeline import preprocess

STAGES = ("render", "preprocess", "detect", "recognize", "layout")


@dataclass
class PageWork:
    gray: np.ndarray
    quads: list[np.ndarray]  # replaced as a whole or appended to, never changed in place: upright._crowded relies on it
    to_page: np.ndarray  # 3×3: working image pixels → rendered page pixels
    rotation: int = 0
    skew: float = 0.0
    deskewed: bool = False
    vertical: bool = False  # columns of CJK text, read top to bottom, right to left
    # What is cut and measured from the current image (the lines' crops, their ink), which the page's checks ask
    # for line by line again and again; kept with the image it was cut from (see ``memo``).
    _memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    _memo_of: np.ndarray | None = field(default=None, init=False, repr=False, compare=False)

    def memo(self) -> dict:
        """A dict for values cut or measured from ``gray`` as it stands, emptied whenever ``gray`` is replaced
        (the image itself is held and compared, so a new one never passes for the old). A value that depends on
        more than the image (a line's box) carries that in its key."""
        if self._memo_of is not self.gray:
            self._memo, self._memo_of = {}, self.gray
        return self._memo

    def turn(self, angle: float) -> np.ndarray:
        """Rotate the working image; returns the matrix (old → new pixels)."""
        self.gray, m = preprocess.rotate(self.gray, angle)
        self.to_page = self.to_page @ np.linalg.inv(m)
        return m


class StageClock:
    """Accumulates wall time per stage between calls to ``lap``."""

    def __init__(self):
        self._last = time.perf_counter()
        self._times = dict.fromkeys(STAGES, 0.0)

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self._times[stage] += now - self._last
        self._last = now

    def result(self, total: float) -> dict[str, float]:
        return {**{k: round(v, 4) for k, v in self._times.items()}, "total": round(total, 4)}


def idle_timings(total: float, **extra: float) -> dict[str, float]:
    """Timings of a page that ran no OCR stage (read from its text layer, or an empty image page)."""
    return {**dict.fromkeys(STAGES, 0.0), **extra, "total": total}
