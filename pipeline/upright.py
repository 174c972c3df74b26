"""Stages that find the page's lines and read them the right way up.

``detect_upright`` tells vertical text from a sideways page, turns the
latter a quarter and re-detects strongly skewed pages on a de-skewed image;
``recognize_upright`` reads the longest lines first and turns an upside-down
page, detecting its lines again, before reading the rest. Reading order is
decided later, on the upright page.
"""
from __future__ import annotations

import numpy as np

from pipeline import preprocess, vertical
from pipeline.ctc import DecodedLine
from pipeline.detect import TextDetector, drop_nested
from pipeline.geometry import crop_quad, expand_quad, quad_angle, quad_at_angle, quad_size
from pipeline.gutters import cut_at_gutters
from pipeline.line_ink import LineInk
from pipeline.linecrop import LONG_LINE, crowded, line_rows
from pipeline.page_work import PageWork, StageClock
from pipeline.recognize import TextRecognizer
from pipeline.stacked_rows import split_stacked

# Upside-down check: only pages whose lines read this badly are tried flipped.
FLIP_CHECK_BELOW = 0.85
FLIP_SAMPLE = 6
FLIP_MARGIN = 0.1
# Vertical or sideways: columns read both ways, and the confidence lead needed.
VERTICAL_SAMPLE = 4
VERTICAL_MARGIN = 0.01
# Crops under this height (px) are enlarged to the recognizer's 48 and read worse among
# their neighbours' ink; cutting taller ones bought little for the wider input it costs.
SMALL_PRINT_PX = 31


def detect_upright(work: PageWork, detector: TextDetector, recognizer: TextRecognizer, fix_orientation: bool,
                   pad: tuple[float, float], clock: StageClock) -> None:
    """Detect lines; keep vertical text as it stands, turn sideways pages, re-detect strongly skewed ones."""
    work.quads = [d.quad for d in detector(work.gray)]
    clock.lap("detect")
    sideways = preprocess.is_sideways(work.quads)
    if sideways:
        work.vertical = reads_vertically(work.gray, work.quads, recognizer)
        clock.lap("recognize")
    if sideways and fix_orientation and not work.vertical:
        # Turn a quarter; if that was the wrong quarter the page is now
        # upside down, which the recognition check catches.
        work.turn(90)
        work.rotation = 90
        clock.lap("preprocess")
        work.quads = [d.quad for d in detector(work.gray)]
        clock.lap("detect")
    _level(work, detector, pad, clock)


def _level(work: PageWork, detector: TextDetector, pad: tuple[float, float], clock: StageClock) -> None:
    """Re-detect on a de-skewed image when the lines slope too much; pad the boxes for cropping (less those lying
    inside a taller line's crop, whose ink that line reads)."""
    work.skew = 0.0 if work.vertical else preprocess.skew_angle(work.quads)
    redetect = False
    if abs(work.skew) > 45:
        # Lines standing nearly upright (a page turned a quarter and skewed):
        # count the quarter as a rotation, so only the rest is skew.
        quarter = 90 * round(-work.skew / 90)
        work.turn(quarter)
        work.rotation = (work.rotation + quarter) % 360
        work.skew += quarter
        redetect = True
    if abs(work.skew) >= preprocess.REFINE_FROM:
        # Pages read level pay nothing; tilted ones are levelled, or read, at the finer angle.
        work.skew = preprocess.refine_skew(work.gray, work.skew)
    if abs(work.skew) >= preprocess.REDETECT_SKEW:
        work.turn(-work.skew)
        work.deskewed = redetect = True
    if redetect:
        clock.lap("preprocess")
        work.quads = [d.quad for d in detector(work.gray)]
        clock.lap("detect")
    if not work.vertical:
        angle = 0.0 if work.deskewed else work.skew
        if work.deskewed or abs(work.skew) >= preprocess.REFINE_FROM:
            # Read tilted or levelled: a short box's own angle is noise (a page number's came out at 45°,
            # its crop read "3" for "13"; levelled from 5°, "17" read "ム"): it takes the page's. (On a page
            # read level too, an index's short entries then moved its columns' reading order.)
            work.quads = [q if _elongated(q) else quad_at_angle(q, angle) for q in work.quads]
        else:
            work.quads = [quad_at_angle(q, angle) if _diagonal(q, angle) else q for q in work.quads]
        work.quads = cut_at_gutters(work.gray, split_stacked(work.gray, work.quads), angle)
    work.quads = [expand_quad(vertical.column_quad(q) if work.vertical and vertical.is_column(q) else q,
                              pad[0], pad[1], work.gray.shape) for q in work.quads]
    if not work.vertical:
        work.quads = drop_nested(work.quads)


def _elongated(quad: np.ndarray) -> bool:
    w, h = quad_size(quad)
    return h > 0 and w / h >= preprocess.MIN_ELONGATION


# A box at most SQUARE times as long as high, turned within DIAGONAL_WITHIN of 45° from the page: the
# detector's rectangle around a roughly square blob (a page number, a chart's letter) can stand at any
# angle, and read at 45° its glyphs come out as others (a contents page's 34 read 安, a table's 4 read A).
# On a page read level it takes the page's angle too. Longer pieces keep theirs: a slanting stroke of a
# figure's curve, turned level, took in a point beside it and read D.
SQUARE = 2.0
DIAGONAL_WITHIN = 10.0


def _diagonal(quad: np.ndarray, angle: float) -> bool:
    w, h = quad_size(quad)
    turned = abs((quad_angle(quad) - angle + 90.0) % 180.0 - 90.0)
    return 0 < w <= SQUARE * h and abs(turned - 45.0) <= DIAGONAL_WITHIN


def reads_vertically(gray: np.ndarray, quads: list[np.ndarray], recognizer: TextRecognizer) -> bool:
    """True when the tallest columns read better stacked upright than turned a quarter."""
    columns = sorted((q for q in quads if vertical.is_column(q)), key=lambda q: -quad_size(q)[1])[:VERTICAL_SAMPLE]
    if not columns:
        return False
    crops = [vertical.column_crop(gray, q) for q in columns]
    stacked = recognizer([vertical.column_as_line(c) for c in crops])
    turned = max((recognizer([np.ascontiguousarray(np.rot90(c, k)) for c in crops]) for k in (1, -1)), key=_mean_conf)
    # The recognizer reads sideways CJK nearly as well as upright, so the lead asked for is small.
    return _mean_conf(stacked) >= _mean_conf(turned) + VERTICAL_MARGIN


def recognize_upright(work: PageWork, detector: TextDetector, recognizer: TextRecognizer, fix_orientation: bool,
                      pad: tuple[float, float], clock: StageClock) -> list[DecodedLine]:
    """Read every line; the longest first, to catch an upside-down page.

    If the longest lines read badly and clearly better flipped, the page
    is turned 180° and its lines detected again before all are read.
    """
    quads = work.quads
    sample = sorted(range(len(quads)), key=lambda i: -quad_size(quads[i])[0])[:FLIP_SAMPLE]
    first = recognizer(line_crops(work, sample))
    # Judged on the model's own readings both ways: mending sets some confidences from the ink (a
    # leader's dots take its words'), and an upside-down crop need not be mended to be judged.
    if fix_orientation and not work.vertical and first and _read_conf(first) < FLIP_CHECK_BELOW:
        flipped = recognizer([np.ascontiguousarray(crop_quad(work.gray, quads[i])[::-1, ::-1]) for i in sample],
                             mend=False)
        if _read_conf(flipped) >= _read_conf(first) + FLIP_MARGIN:
            # Boxes found upside down, merely mapped, split and join lines
            # differently (columns read interleaved): detect them again upright.
            work.turn(180)
            work.rotation = (work.rotation + 180) % 360
            clock.lap("recognize")
            work.quads = [d.quad for d in detector(work.gray)]
            clock.lap("detect")
            _level(work, detector, pad, clock)
            quads = work.quads
            sample, first = [], []
    decoded: list[DecodedLine | None] = [None] * len(quads)
    for i, d in zip(sample, first):
        decoded[i] = d
    rest = [i for i in range(len(quads)) if decoded[i] is None]
    for i, d in zip(rest, recognizer(line_crops(work, rest))):
        decoded[i] = d
    return decoded  # type: ignore[return-value]


def line_crops(work: PageWork, indices: list[int]) -> list[np.ndarray]:
    """The crops of these lines (indices into ``work.quads``) as ``recognize_upright`` read them, each cut once
    while its box, its neighbours and the image stay the same (the page's checks ask for the same lines again).
    Shared by every caller: read-only."""
    tight = _crowded(work)
    return [_memo_crop(work, work.quads[i], tight[i])[0] for i in indices]


def line_inks(work: PageWork, indices: list[int]) -> list[LineInk]:
    """These lines' ``LineInk`` (of their ``line_crops``), thresholded and labelled once for all the page's checks."""
    tight = _crowded(work)
    out = []
    for i in indices:
        entry = _memo_crop(work, work.quads[i], tight[i])
        if entry[1] is None:
            entry[1] = LineInk(entry[0])
        out.append(entry[1])
    return out


class LineCrops:
    """The page checks' view of the lines: called with indices, their crops as read (``line_crops``); ``inks``, their
    ink (``line_inks``)."""

    def __init__(self, work: PageWork):
        self.work = work

    def __call__(self, indices: list[int]) -> list[np.ndarray]:
        return line_crops(self.work, indices)

    def inks(self, indices: list[int]) -> list[LineInk]:
        return line_inks(self.work, indices)


def _crowded(work: PageWork) -> list[bool]:
    """``crowded(work.quads)``, worked out again only once the list of boxes is another or has grown."""
    memo = work.memo()
    quads, n, flags = memo.get("crowded", (None, -1, []))
    if quads is not work.quads or n != len(work.quads):
        flags = crowded(work.quads)
        memo["crowded"] = (work.quads, len(work.quads), flags)
    return flags


def _memo_crop(work: PageWork, quad: np.ndarray, tight: bool) -> list:
    """[crop, its LineInk or None] of a line's box, kept under the box's coordinates and what else ``_crop`` reads
    (a box moved or newly crowded is cut again)."""
    q = np.asarray(quad)
    key = ("crop", q.dtype.str, q.shape, q.tobytes(), bool(tight), work.vertical)
    memo = work.memo()
    entry = memo.get(key)
    if entry is None:
        crop = _crop(work, quad, tight)
        crop.flags.writeable = False  # shared by every check (and often a view of the page itself)
        entry = memo[key] = [crop, None]
    return entry


def deeper_crops(work: PageWork, indices: list[int], below: float, above: float = 0.0) -> list[np.ndarray]:
    """These lines' boxes cut out whole, their lower edge moved down by ``below`` box heights (the upper one
    up by ``above``): the same columns as they were read in, and room for a letter set lower than the line
    (the TeX logo's E) that the detector's box cut off. Upright lines only."""
    out, memo = [], work.memo()
    for i in indices:
        q = np.asarray(work.quads[i], dtype=np.float32)
        key = ("deeper", q.tobytes(), below, above)
        if key not in memo:
            down, up = (q[3] - q[0]) * below, (q[3] - q[0]) * above
            grown = np.array([q[0] - up, q[1] - up, q[2] + down, q[3] + down], dtype=np.float32)
            grown[:, 1] = grown[:, 1].clip(0, work.gray.shape[0])
            memo[key] = crop_quad(work.gray, grown)
            memo[key].flags.writeable = False
        out.append(memo[key])
    return out


def _crop(work: PageWork, quad: np.ndarray, tight: bool) -> np.ndarray:
    if work.vertical and vertical.is_column(quad):
        return vertical.column_as_line(vertical.column_crop(work.gray, quad))
    # A small line's box reaching into its neighbours' lines, or a long one's, is cut to its own line's rows.
    crop = crop_quad(work.gray, quad)
    h, w = crop.shape[:2]
    if h >= SMALL_PRINT_PX:
        return crop
    if tight:
        return line_rows(crop)
    return line_rows(crop, room=True) if w >= LONG_LINE * h else crop


def _read_conf(decoded: list[DecodedLine]) -> float:
    """Mean confidence of the characters as the model read them, before mending."""
    confs = [c for d in decoded for c in (d.read if d.read is not None else (ch.confidence for ch in d.chars))]
    return sum(confs) / len(confs) if confs else 0.0


def _mean_conf(decoded: list[DecodedLine]) -> float:
    n = sum(len(d.chars) for d in decoded)
    if not n:
        return 0.0
    return sum(c.confidence for d in decoded for c in d.chars) / n
