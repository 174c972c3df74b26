"""The LaTeX logo's L and raised A put back where the recognizer read only the TEX after them.

``pipeline/logos.py`` mends the logo's misread letters from the text alone; a TEX with nothing read
before it is the plain TeX logo as far as the text shows. The LaTeX logo kerns its small raised A under
the T's arm and into the L, and the recognizer may read neither: the ink is still there, before the T.
"""
from __future__ import annotations

import re
from dataclasses import replace

import cv2
import numpy as np

from pipeline.ctc import DecodedLine
from pipeline.punct_widths import ink_runs, run_at
from pipeline.spacing import ink_columns

# Unread ink before a TEX, in heights of the TEX (from the T's top to the lowered E's foot): up to this far
# left of the T's centre (the T's own half is less, the CTC step placing it a little off), at least this
# wide and tall (an L and a small A; a dropped bracket is narrower, a quote lower).
_T_HALF = 0.45
_HEAD_WIDTH = 0.3
_HEAD_HEIGHT = 0.7


def restore_latex_heads(line: DecodedLine, crop: np.ndarray) -> DecodedLine:
    """``line`` with the L and raised A put back before a TEX whose ink shows them unread.

    The LaTeX logo's small raised A is kerned under the T's arm and into the L: the recognizer may read
    neither and give the plain TeX logo, TEX. The two letters' ink is still there, before the T, as wide as a
    capital and as tall: a TEX with that much ink between it and the glyph read before it spells LATEX."""
    text = line.text
    if "TEX" not in text:
        return line
    gray = crop if crop.ndim == 2 else cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    _, ink = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    columns, _ = ink_columns(crop)  # the line's own band: no rule or neighbouring line's sliver
    runs = ink_runs(columns)
    if not len(runs):
        return line
    scale = crop.shape[1] / max(1, line.steps)
    chars = list(line.chars)
    for m in reversed(list(re.finditer("TEX", text))):
        i = m.start()
        t, x = ((chars[k].start + chars[k].end) / 2 * scale for k in (i, i + 2))
        logo = np.flatnonzero(ink[:, int(t) : int(x) + 1].any(axis=1))
        if not len(logo):
            continue
        cap = logo[-1] - logo[0] + 1  # the logo's height, its lowered E's depth with it
        prev = next((k for k in range(i - 1, -1, -1) if chars[k].char != " "), None)
        lo = 0
        if prev is not None:
            lo = run_at(runs, (chars[prev].start + chars[prev].end) / 2 * scale)[1]
        hi = int(t - _T_HALF * cap)
        if lo >= hi:
            continue
        unread = ink[:, lo:hi][:, columns[lo:hi]]
        rows = np.flatnonzero(unread.any(axis=1))
        if unread.shape[1] >= _HEAD_WIDTH * cap and len(rows) and rows[-1] - rows[0] + 1 >= _HEAD_HEIGHT * cap:
            start = int((lo + np.argmax(columns[lo:hi])) / scale)
            head = [replace(chars[i], char=ch, start=start, end=max(start + 1, chars[i].start)) for ch in "LA"]
            chars[i:i] = head
    return DecodedLine(tuple(chars), line.steps) if len(chars) != len(line.chars) else line
