"""The layout stage: recognized lines in reading order, in rendered-page pixels."""
from __future__ import annotations

import cv2
import numpy as np

from pipeline import preprocess, vertical
from pipeline.ctc import DecodedLine, split_words
from pipeline.geometry import interpolate_on_quad, quad_to_box
from pipeline.joined_notes import split_joined_notes
from pipeline.layout import LayoutSettings, reading_order
from pipeline.page_work import PageWork
from pipeline.result import Line, Word


def assemble_lines(work: PageWork, decoded: list[DecodedLine], settings: LayoutSettings) -> list[Line]:
    """Order the lines for reading (on the upright page) and express them in page pixels."""
    quads, to_page = work.quads, work.to_page
    skew = 0.0 if work.deskewed else work.skew
    keep = [i for i, d in enumerate(decoded) if d.chars]  # boxes with no characters are noise
    if not keep:
        return []
    h, w = work.gray.shape
    upright = np.eye(3)
    if skew:
        upright = np.vstack([cv2.getRotationMatrix2D((w / 2, h / 2), -skew, 1.0), [0, 0, 1]])
    quads, decoded = [quads[i] for i in keep], [decoded[i] for i in keep]
    boxes = [quad_to_box(preprocess.transform(q, upright)) for q in quads]
    if work.vertical:
        boxes = [vertical.upright_box(b, w) for b in boxes]
    else:
        boxes, quads, decoded = split_joined_notes(work.gray, boxes, quads, decoded, settings)
    lines: list[Line] = []
    for item in reading_order(boxes, settings):
        quad, dec = quads[item.index], decoded[item.index]
        page_quad = preprocess.transform(quad, to_page)
        words = [
            Word(text=t, confidence=round(c, 4), box=_rounded(quad_to_box(preprocess.transform(
                interpolate_on_quad(quad, a, b), to_page))))
            for t, c, a, b in split_words(dec)
        ]
        axis_aligned = abs(page_quad[0, 1] - page_quad[1, 1]) < 1 and abs(page_quad[0, 0] - page_quad[3, 0]) < 1
        lines.append(
            Line(
                text=dec.text,
                confidence=round(dec.confidence, 4),
                box=_rounded(quad_to_box(page_quad)),
                words=words,
                polygon=None if axis_aligned else [[round(float(x), 1), round(float(y), 1)] for x, y in page_quad],
                block=item.block,
            )
        )
    return lines


def _rounded(box: list[float]) -> list[float]:
    return [round(float(v), 1) for v in box]
