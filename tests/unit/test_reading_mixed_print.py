"""Print much smaller than the page's body (a trademark footer, a credit line) is not lost:
at the detector's normal input its lines do not show, but its ink does, outside every line
found, and the page is detected again at the finer input (``DetectorSettings.missed_marks``)."""
import numpy as np
import pytest
from PIL import Image, ImageDraw

from pipeline.detect import DetectorSettings
from pipeline.engine import Engine, EngineConfig
from tests.factories import _pil_font, cer, degrade, encode_png

BODY = [
    "Many local and national user groups also participate: check with",
    "your nearest group for addresses. You can buy a copy with business",
    "support from any of the vendors listed below, or download it for free.",
]
FOOTER = [
    "TeX, LaTeX and METAFONT are trademarks of the American Mathematical Society. PostScript, PDF and Acrobat "
    "are trademarks of Adobe Corporation. Windows, Word and OpenType",
    "are trademarks of Microsoft Corporation. Unix is a trademark of Bell Laboratories. Unicode is a trademark "
    "of Unicode, Inc. Copyright 2001-2013 by the LaTeX Project.",
    "The typefaces are distributed under the terms of the LaTeX Project Public License, version 1.3c or later, "
    "at your option, and may be copied freely.",
    "Printed on recycled paper in Stuttgart, Cambridge and Portland; the photographs are by courtesy of the "
    "authors and of the user groups named above.",
    "Corrections, questions and offers of help are welcome at the address of the secretary, who answers each "
    "letter within a fortnight of its arrival.",
]


def body_page() -> tuple[Image.Image, ImageDraw.ImageDraw]:
    """An A4 page at 200 DPI (pale paper) with eight paragraphs of ``BODY`` at 12 pt, down to y = 1,496 px."""
    img = Image.new("L", (1654, 2339), 250)
    draw = ImageDraw.Draw(img)
    body = _pil_font("serif", 34)
    y = 200
    for _ in range(8):
        for line in BODY:
            draw.text((150, y), line, font=body, fill=20)
            y += 44
        y += 30
    return img, draw


def _page_with_small_footer() -> np.ndarray:
    """An A4 page at 200 DPI: body text at 12 pt, then five footer lines at 4 pt, scanned."""
    img, draw = body_page()
    small = _pil_font("serif", 11)
    for i, line in enumerate(FOOTER):
        draw.text((120, 2050 + i * 13), line, font=small, fill=20)
    return degrade(np.asarray(img), blur=0.8, noise=8, jpeg_quality=60, seed=2)


@pytest.fixture(scope="module")
def page_png():
    return encode_png(_page_with_small_footer())


def _footer_cer(engine: Engine, png: bytes) -> float:
    text = list(engine.process(png))[0].text
    return cer("\n".join(FOOTER), text.split("\n\n")[-1])


def test_small_print_below_the_body_is_read(page_png):
    assert _footer_cer(Engine(EngineConfig(threads=1)), page_png) <= 0.2


def test_without_the_second_look_the_small_print_is_lost(page_png):
    # The same page with the rule switched off: what the test above guards against.
    never = DetectorSettings(missed_marks=10**9)
    assert _footer_cer(Engine(EngineConfig(threads=1, detector=never)), page_png) > 0.5
