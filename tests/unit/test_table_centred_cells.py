"""A table whose one-line cells stand centred in their row beside a cell wrapped over two lines (as LaTeX's
m-columns and most word processors set them) reads row by row, rendered from known text and read
through the engine: not the first rows' left cells as a block of their own, then the right ones."""
import numpy as np
import pytest
from PIL import Image, ImageDraw

from pipeline import Engine, EngineConfig, Options
from tests.factories import _pil_font, cer, degrade, encode_png

ROWS = [
    ("System", ["Implementation"]),
    ("Microsoft Windows", ["Free: TeX Live, proTeXt (MiKTeX)", "Commercial: see the vendor list"]),
    ("Unix and GNU/Linux", ["Free: the TeX Live DVD"]),
    ("Apple Macintosh", ["Free: MacTeX (TeX Live)", "Shareware: OzTeX, CMacTeX"]),
    ("Android", ["TeX for Android in the app store", "TeX Live for Android on the web"]),
    ("All others", ["Contact the TeX Users Group"]),
]


def render_centred_table(rows, size=28, pitch=36, pad=14) -> np.ndarray:
    """Left cells centred on their row's height, right cells' lines top to bottom; a rule under each row."""
    font = _pil_font("sans", size)
    height = 240 + sum(len(r) * pitch + 2 * pad for _, r in rows)
    img = Image.new("L", (1654, height), 255)
    draw = ImageDraw.Draw(img)
    y = 120
    draw.line([(160, y), (1300, y)], fill=0, width=2)
    for left, right in rows:
        row_h = len(right) * pitch + 2 * pad
        draw.text((190, y + (row_h - size) // 2), left, font=font, fill=0)
        for k, line in enumerate(right):
            draw.text((640, y + pad + k * pitch + (pitch - size) // 2), line, font=font, fill=0)
        y += row_h
        draw.line([(160, y), (1300, y)], fill=0, width=2)
    return np.asarray(img, dtype=np.uint8).copy()


@pytest.fixture(scope="module")
def engine():
    return Engine(EngineConfig(threads=2))


@pytest.mark.parametrize("scan", [False, True])
def test_cells_centred_beside_wrapped_cells_read_row_by_row(engine, scan):
    img = render_centred_table(ROWS)
    if scan:
        img = degrade(img, blur=0.7, noise=6, jpeg_quality=75)
    (result,) = engine.process(encode_png(img), Options())
    truth = "\n".join(" ".join([left, *right]) for left, right in ROWS)
    assert cer(truth, result.text) <= 0.03
    text = "".join(result.text.split())
    at = [text.find("".join(piece.split())) for left, right in ROWS for piece in (left, *right)]
    assert all(k >= 0 for k in at), result.text
    # Every cell in the order of the rows: each left cell after the previous row's last line, before its own.
    assert at == sorted(at), result.text
