"""Single text lines cut tight, as the recognizer gets a detected line: the inputs of the line-level reading tests.

Kept apart from ``tests/factories.py`` (pages, documents, scoring) so that each stays small.
"""
from __future__ import annotations

import cv2
import numpy as np
from PIL import Image, ImageDraw

from tests.factories import _pil_font, degrade


def render_line_crop(text: str, font: str, size_px: int = 30, scan: bool = False) -> np.ndarray:
    """One line of ``text`` cut tight (12 px of paper at the sides, 8 above and below), as the
    recognizer gets a detected line; ``scan`` degrades it like a scanned page."""
    face = _pil_font(font, size_px)
    left, top, right, bottom = face.getbbox(text)
    img = Image.new("L", (right + 24, bottom - top + 16), 255)
    ImageDraw.Draw(img).text((12, 8 - top), text, font=face, fill=0)
    arr = np.asarray(img)
    return degrade(arr, blur=0.8, noise=8, jpeg_quality=60, seed=3) if scan else arr


def render_mixed_line(parts: list[tuple[str, str]], size_px: int = 30, cut_below: float = 0.0) -> np.ndarray:
    """One line of ``(text, font)`` runs set on one baseline, cut tight like ``render_line_crop``'s (6 px of
    paper above, 7 below). ``cut_below``: that share of the ink reaching below the baseline is cut off with
    the crop's bottom, as a detector's box cuts marks that hang lower than the text (math brackets)."""
    faces = [_pil_font(font, size_px) for _, font in parts]
    width = int(sum(face.getlength(text) for (text, _), face in zip(parts, faces))) + 24
    base = int(size_px * 1.1)
    img = Image.new("L", (width, int(size_px * 1.6)), 255)
    draw, x = ImageDraw.Draw(img), 12.0
    for (text, _), face in zip(parts, faces):
        draw.text((x, base), text, font=face, fill=0, anchor="ls")
        x += face.getlength(text)
    arr = np.asarray(img)
    rows = np.flatnonzero((arr < 128).any(axis=1))
    bottom = int(base + (rows[-1] - base) * (1 - cut_below)) + 1 if cut_below else rows[-1] + 7
    return arr[max(0, rows[0] - 6) : bottom].copy()


def recognizer_crop(text: str, font: str, size_px: int = 30, scan: bool = False) -> np.ndarray:
    """``render_line_crop``'s line resized to the recognizer's 48 px high, as the engine hands it over."""
    raw = render_line_crop(text, font, size_px, scan)
    h, w = raw.shape
    return cv2.resize(raw, (round(w * 48 / h), 48), interpolation=cv2.INTER_AREA if h > 48 else cv2.INTER_LINEAR)
