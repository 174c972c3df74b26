"""A slash standing alone before its item (an operator list's ``/`` division) comes out on its item's
row, though it reaches below the row's box: the item has no descenders, so its box ends near the
baseline the slash goes past. Read alone with its foot on the crop's edge it looks like a 1; its lean
tells it. Marks that stay inside the row (a minus, a star) come out as before."""
import numpy as np
import pytest
from PIL import Image, ImageDraw

from pipeline.engine import Engine, EngineConfig
from tests.factories import _pil_font, degrade, encode_png

ITEMS = [("-", "subtraction of the second number"), ("/", "division of the two numbers"), ("^", "raised to the nth"),
         ("|", "or"), ("*", "multiplication of both numbers")]


def _page(font: str, size: int) -> np.ndarray:
    font = _pil_font(font, size)
    img = Image.new("L", (1654, 120 + 2 * size * len(ITEMS) + 200), 255)
    draw = ImageDraw.Draw(img)
    draw.text((200, 100), "The arithmetic operators of the language are these:", font=font, fill=0)
    for i, (mark, item) in enumerate(ITEMS):
        y = 100 + 2 * size * (i + 1)
        draw.text((230, y), mark, font=font, fill=0)
        draw.text((420, y), item, font=font, fill=0)
    draw.text((200, 100 + 2 * size * (len(ITEMS) + 1)), "Each of them works element by element.", font=font, fill=0)
    return np.asarray(img)


@pytest.fixture(scope="module")
def engine():
    return Engine(EngineConfig(threads=1))


@pytest.mark.parametrize("font,size", [("serif", 20), ("sans", 26)])
@pytest.mark.parametrize("scan", [False, True])
def test_a_lone_slash_below_its_row_comes_out(engine, font, size, scan):
    img = _page(font, size)
    if scan:
        img = degrade(img, blur=0.8, noise=8, jpeg_quality=60, seed=3)
    page = list(engine.process(encode_png(img)))[0]
    rows = [" ".join(line.split()) for line in page.text.splitlines()]
    row = next(r for r in rows if "division" in r)
    assert row == "/ division of the two numbers", row
    # nothing read where there is no mark: the page's other lines are as printed
    assert sum(len(r) for r in rows) <= sum(len(m) + len(i) + 1 for m, i in ITEMS) + 100


def test_marks_inside_their_rows_come_out_as_before(engine):
    page = list(engine.process(encode_png(_page("sans", 26))))[0]
    rows = [" ".join(line.split()) for line in page.text.splitlines()]
    for mark, item in (ITEMS[0], ITEMS[4]):
        assert next(r for r in rows if item.split()[0] in r) == f"{mark} {item}"
