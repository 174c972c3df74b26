"""A heading's number set a wide space before its title, which the detector leaves out of the title's box (a
scanned "7 Questions and answers", a footnote's "7" before its text), comes out: it lay past the title's
crop and nearer to it than lone marks looked, so neither read it."""
import numpy as np
import pytest
from PIL import Image, ImageDraw

from pipeline.detect import DetectedLine
from pipeline.engine import Engine, EngineConfig
from tests.factories import _pil_font, degrade, encode_png

BODY = "The body text of the section runs on here, set in a smaller size than its heading."


def _page(number: str) -> tuple[np.ndarray, float, tuple[float, float]]:
    """The page, the x where the title starts, and the heading's rows (top, bottom)."""
    font, small = _pil_font("serif", 40), _pil_font("serif", 26)
    img = Image.new("L", (1654, 560), 255)
    draw = ImageDraw.Draw(img)
    draw.text((160, 100), number, font=font, fill=0)
    start = 160 + font.getlength(number) + 0.7 * 40
    draw.text((start, 100), "Questions and answers", font=font, fill=0)
    for i in range(6):
        draw.text((160, 200 + 45 * i), BODY, font=small, fill=0)
    top, bottom = draw.textbbox((start, 100), "Questions and answers", font=font)[1::2]
    return np.asarray(img), start, (top, bottom)


class _TitleOnly:
    """The engine's detector, its heading box starting at the title as the scans' did."""

    def __init__(self, detector, start, rows):
        self.detector, self.start, self.rows = detector, start, rows

    def __call__(self, gray):
        out = []
        for d in self.detector(gray):
            q = d.quad.copy()
            if self.rows[0] - 10 < q[:, 1].mean() < self.rows[1] + 10:
                if q[:, 0].max() < self.start:
                    continue  # the number's own box
                q[:, 0] = np.maximum(q[:, 0], self.start - 4)
            out.append(DetectedLine(quad=q, score=d.score))
        return out


@pytest.fixture(scope="module")
def engine():
    return Engine(EngineConfig(threads=1))


@pytest.mark.parametrize("number", ["7", "3"])
@pytest.mark.parametrize("scan", [False, True])
def test_a_number_left_out_of_its_headings_box_comes_out(engine, number, scan):
    img, start, rows = _page(number)
    if scan:
        img = degrade(img, blur=0.8, noise=8, jpeg_quality=60, seed=4)
    detector = engine.detector
    engine.detector = _TitleOnly(detector, start, rows)
    try:
        page = list(engine.process(encode_png(img)))[0]
    finally:
        engine.detector = detector
    lines = page.text.splitlines()
    assert " ".join(lines[0].split()) == f"{number} Questions and answers"
    assert [" ".join(line.split()) for line in lines[1:] if line.strip()] == [BODY] * 6
