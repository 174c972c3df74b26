"""Stages that find the page's lines and read them the right way up.

``detect_upright`` turns sideways pages a quarter and re-detects strongly
skewed ones on a de-skewed image; ``recognize_upright`` reads the longest
lines first and turns an upside-down page before reading the rest.
"""
from __future__ import annotations

import numpy as np

from pipeline import preprocess
from pipeline.ctc import DecodedLine
from pipeline.detect import TextDetector
from pipeline.geometry import crop_quad, expand_quad, order_quad, quad_size
from pipeline.page_work import PageWork, StageClock
from pipeline.recognize import TextRecognizer

# Upside-down check: only pages whose lines read this badly are tried flipped.
FLIP_CHECK_BELOW = 0.85
FLIP_SAMPLE = 6
FLIP_MARGIN = 0.1


def detect_upright(work: PageWork, detector: TextDetector, fix_orientation: bool,
                   pad: tuple[float, float], clock: StageClock) -> None:
    """Detect lines; turn sideways pages and re-detect on strongly skewed ones."""
    work.quads = [d.quad for d in detector(work.gray)]
    clock.lap("detect")
    if fix_orientation and preprocess.is_sideways(work.quads):
        # Turn a quarter; if that was the wrong quarter the page is now
        # upside down, which the recognition check catches.
        work.turn(90)
        work.rotation = 90
        clock.lap("preprocess")
        work.quads = [d.quad for d in detector(work.gray)]
        clock.lap("detect")
    work.skew = preprocess.skew_angle(work.quads)
    if abs(work.skew) >= preprocess.REDETECT_SKEW:
        work.turn(-work.skew)
        work.deskewed = True
        clock.lap("preprocess")
        work.quads = [d.quad for d in detector(work.gray)]
        clock.lap("detect")
    work.quads = [expand_quad(q, pad[0], pad[1], work.gray.shape) for q in work.quads]


def recognize_upright(work: PageWork, recognizer: TextRecognizer, fix_orientation: bool) -> list[DecodedLine]:
    """Read every line; the longest first, to catch an upside-down page.

    If the longest lines read badly and clearly better flipped, the page
    is turned 180° before the rest is read.
    """
    quads = work.quads
    sample = sorted(range(len(quads)), key=lambda i: -quad_size(quads[i])[0])[:FLIP_SAMPLE]
    first = recognizer([crop_quad(work.gray, quads[i]) for i in sample])
    if fix_orientation and first and _mean_conf(first) < FLIP_CHECK_BELOW:
        flipped = recognizer([np.ascontiguousarray(crop_quad(work.gray, quads[i])[::-1, ::-1]) for i in sample])
        if _mean_conf(flipped) >= _mean_conf(first) + FLIP_MARGIN:
            m = work.turn(180)
            # The same lines, now upright: map the boxes instead of re-detecting.
            work.quads = quads = [order_quad(preprocess.transform(q, m)) for q in quads]
            work.rotation = (work.rotation + 180) % 360
            first = flipped
    decoded: list[DecodedLine | None] = [None] * len(quads)
    for i, d in zip(sample, first):
        decoded[i] = d
    rest = [i for i in range(len(quads)) if decoded[i] is None]
    for i, d in zip(rest, recognizer([crop_quad(work.gray, quads[i]) for i in rest])):
        decoded[i] = d
    return decoded  # type: ignore[return-value]


def _mean_conf(decoded: list[DecodedLine]) -> float:
    n = sum(len(d.chars) for d in decoded)
    if not n:
        return 0.0
    return sum(c.confidence for d in decoded for c in d.chars) / n
