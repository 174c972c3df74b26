"""The layout stage: recognized lines in reading order, in rendered-page pixels."""
from __future__ import annotations

import cv2
import numpy as np

from pipeline import leaders, preprocess, vertical
from pipeline.ctc import DecodedLine, split_words
from pipeline.geometry import quad_to_box
from pipeline.joined_notes import split_joined_notes
from pipeline.panel_rows import split_panel_rows
from pipeline.layout import LayoutSettings, reading_order
from pipeline.page_work import PageWork
from pipeline.read_extents import read_extents
from pipeline.result import Line, Word
from pipeline.type_size import for_type_size


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
        boxes, quads, decoded = split_panel_rows(work.gray, boxes, quads, decoded, settings)
    lines: list[Line] = []
    lines_order: list = []
    prev = None
    if not work.vertical:  # vertical text's columns are measured in column widths
        settings = for_type_size(settings, boxes, [d.text for d in decoded])
    # Cut back to their text for the layout only: the lines keep their boxes.
    ordering = boxes if work.vertical else read_extents(boxes, decoded, settings.pad_x, settings.min_unread)
    for item in reading_order(ordering, settings):
        quad, dec = quads[item.index], decoded[item.index]
        if (prev is not None and prev.block == item.block and not work.vertical
                and leaders.may_border(decoded[prev.index].text, dec.text)
                and _beside(boxes[prev.index], boxes[item.index])):
            # The row's ink so far ends where its furthest piece ends (a stray piece may lie within another).
            row = [quad_to_box(quads[o.index]) for o in lines_order if o.block == item.block]
            lines += _leader_between(work, row, quad, decoded[prev.index], dec, item.block)
        prev = item
        lines_order.append(item)
        page_quad = preprocess.transform(quad, to_page)
        split = split_words(dec)
        words = [Word(text=t, confidence=round(c, 4), box=box)
                 for (t, c, _, _), box in zip(split, _word_boxes(quad, [(a, b) for _, _, a, b in split], to_page))]
        lines.append(
            Line(
                text=dec.text,
                confidence=round(dec.confidence, 4),
                box=_rounded(quad_to_box(page_quad)),
                words=words,
                polygon=_polygon(page_quad),
                block=item.block,
            )
        )
    return lines


def _leader_between(work: PageWork, before: list[list[float]], right: np.ndarray, left_dec: DecodedLine,
                    right_dec: DecodedLine, block: int) -> list[Line]:
    """The dots of a leader lost between two pieces of a row that print one (a table of contents'
    entry and its page; ``left_dec`` ends with a leader or ``right_dec`` starts with one), as a line
    of their own: the row then reads whole. ``before``: the boxes of the block's pieces read so far,
    the last one's (``left_dec``) among them."""
    r = quad_to_box(right)
    row = [b for b in before if min(b[3], r[3]) - max(b[1], r[1]) > 0.5 * min(b[3] - b[1], r[3] - r[1]) and b[0] < r[0]]
    if not row:
        return []
    left = max(row, key=lambda b: b[2])
    left = [min(b[0] for b in row), left[1], left[2], left[3]]
    dots = leaders.lost_between(work.gray, left, r)
    if len(dots) < 2:  # a lone dot between two pieces may be a leader's last one left out, or a full stop
        return []
    confidence = round((left_dec.confidence + right_dec.confidence) / 2, 4)
    page = [quad_to_box(preprocess.transform(np.array([[a, b], [c, b], [c, d], [a, d]]), work.to_page))
            for a, b, c, d in dots]
    words = [Word(text=".", confidence=confidence, box=_rounded(box)) for box in page]
    # The line spans its row, from the left piece's band to the right one's, and keeps its slant as a
    # polygon as the other lines do: the page's text judges rows by their boxes (the dots' own box, as
    # tall as a dot, missed a page number set higher on a tilted scan; its bounding box on a page levelled
    # from 5° stood as tall as the slope).
    # Across the gap it fills: a few dots' width under the row's height would pass for a column of vertical text.
    a, c = min(left[2], min(x[0] for x in dots)), max(r[0], max(x[2] for x in dots))
    page_quad = preprocess.transform(np.array([[a, left[1]], [c, r[1]], [c, r[3]], [a, left[3]]]), work.to_page)
    return [Line(text=" ".join("." for _ in dots), confidence=confidence, box=_rounded(quad_to_box(page_quad)),
                 words=words, polygon=_polygon(page_quad), block=block)]


def _word_boxes(quad: np.ndarray, spans: list[tuple[float, float]], to_page: np.ndarray) -> list[list[float]]:
    """The boxes, in page pixels and rounded, of the pieces of ``quad`` between these fractions of its width:
    as ``interpolate_on_quad`` cuts each, all of a line's words in one go (a page has thousands)."""
    if not spans:
        return []
    q = np.asarray(quad, dtype=np.float32)
    t = np.asarray(spans, dtype=np.float32)
    a, b = t[:, :1], t[:, 1:]
    top, bottom = q[1] - q[0], q[2] - q[3]
    pieces = np.stack([q[0] + top * a, q[0] + top * b, q[3] + bottom * b, q[3] + bottom * a], axis=1)
    page = preprocess.transform(pieces, to_page).reshape(-1, 4, 2)
    boxes = np.concatenate([page.min(axis=1), page.max(axis=1)], axis=1)
    return [[round(v, 1) for v in box] for box in boxes.tolist()]


def _polygon(page_quad: np.ndarray) -> list[list[float]] | None:
    """A line's quad in page pixels, None where it is an upright rectangle (its box says it all)."""
    if abs(page_quad[0, 1] - page_quad[1, 1]) < 1 and abs(page_quad[0, 0] - page_quad[3, 0]) < 1:
        return None
    return [[round(float(x), 1), round(float(y), 1)] for x, y in page_quad]


def _beside(left: list[float], right: list[float]) -> bool:
    """``right`` starts right of ``left``'s start, on the same row (half the lower one's height shared)."""
    shared = min(left[3], right[3]) - max(left[1], right[1])
    return left[0] < right[0] and shared > 0.5 * min(left[3] - left[1], right[3] - right[1])


def _rounded(box: list[float]) -> list[float]:
    return [round(float(v), 1) for v in box]
