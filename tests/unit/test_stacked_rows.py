"""A detector box holding two rows of a narrow column (a table's figures, a reference card's one-letter
keys) is cut between them before recognition, so both rows are read; one line, however tall its
print or its ascenders and descenders, and a line with its neighbour's descenders in its box, is not.
Rendered from known text; the boxes are those the detector gives such rows (two rows in one)."""
import numpy as np
import pytest
from PIL import Image, ImageDraw

from pipeline import Engine, EngineConfig
from pipeline.geometry import crop_quad, quad_size
from pipeline.stacked_rows import split_stacked
from tests.factories import _pil_font, degrade

BODY = ["The finer your screen and printer resolution, the better", "quality you will be able to see and print."]


def quad(x0, y0, x1, y1):
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float32)


def page(stacked: list[str], size=24, pitch=27, tall: str = "", scan=False):
    """Body lines at 32 px (each with its box), and beside them ``stacked`` rows at ``pitch`` (one box for
    all of them), and ``tall`` in print twice the body's (its own box)."""
    img = Image.new("L", (1654, 700), 255)
    draw = ImageDraw.Draw(img)
    body, small = _pil_font("serif", 32), _pil_font("serif", size)
    quads = []
    for k, line in enumerate(BODY * 3):
        y = 100 + 50 * k
        draw.text((100, y), line, font=body, fill=0)
        x0, y0, x1, y1 = draw.textbbox((100, y), line, font=body)
        quads.append(quad(x0 - 2, y0 - 4, x1 + 2, y1 + 4))
    boxes = [draw.textbbox((1300, 120 + pitch * k), row, font=small) for k, row in enumerate(stacked)]
    for k, row in enumerate(stacked):
        draw.text((1300, 120 + pitch * k), row, font=small, fill=0)
    if boxes:
        # As the detector grows its boxes: about half a glyph's height above and below (latex-brochure-p003's `22`).
        quads.append(quad(min(b[0] for b in boxes) - 4, boxes[0][1] - 9, max(b[2] for b in boxes) + 4, boxes[-1][3] + 9))
    if tall:
        big = _pil_font("serif", 64)
        draw.text((1100, 500), tall, font=big, fill=0)
        x0, y0, x1, y1 = draw.textbbox((1100, 500), tall, font=big)
        quads.append(quad(x0 - 3, y0 - 6, x1 + 3, y1 + 6))
    gray = np.asarray(img, dtype=np.uint8).copy()
    return (degrade(gray, blur=0.7, noise=6, jpeg_quality=75) if scan else gray), quads


@pytest.fixture(scope="module")
def recognizer():
    return Engine(EngineConfig(threads=2)).recognizer


@pytest.mark.parametrize("rows", [["22", "23"], ["C-k", "C-y"], ["0.5", "0.8"]])
@pytest.mark.parametrize("scan", [False, True])
def test_two_rows_in_one_box_are_cut_and_both_read(recognizer, rows, scan):
    gray, quads = page(rows, scan=scan)
    joined = quads[-1]
    out = split_stacked(gray, quads)
    assert len(out) == len(quads) + 1
    assert all(np.array_equal(a, b) for a, b in zip(out[:-2], quads[:-1]))  # the body's boxes as they were
    upper, lower = out[-2:]
    assert np.allclose(upper[:2], joined[:2]) and np.allclose(lower[2:], joined[2:]) and np.allclose(upper[2:], lower[1::-1])
    read = [d.text.strip() for d in recognizer([crop_quad(gray, q) for q in (upper, lower)])]
    assert read == rows
    # Before the cut, one crop read one row only.
    (whole,) = recognizer([crop_quad(gray, joined)])
    assert whole.text.strip() not in (" ".join(rows), "".join(rows))


@pytest.mark.parametrize("scan", [False, True])
def test_one_line_of_any_height_is_not_cut(scan):
    # Large print (twice the body's height), with ascenders and descenders; and the body's lines.
    gray, quads = page([], tall="Typography jq", scan=scan)
    assert quad_size(quads[-1])[1] >= 1.4 * np.median([quad_size(q)[1] for q in quads])
    out = split_stacked(gray, quads)
    assert len(out) == len(quads) and all(np.array_equal(a, b) for a, b in zip(out, quads))


def test_a_line_with_its_neighbour_reaching_into_its_box_is_not_cut():
    gray, quads = page([])
    # The second line's box grown up over the lower half of the first line: two bands of ink, alike
    # and each across the box, but the upper one cut by the box's top edge.
    grown = [quad(q[0, 0], q[0, 1] - 40, q[1, 0], q[2, 1]) if k == 1 else q for k, q in enumerate(quads)]
    assert quad_size(grown[1])[1] >= 1.4 * np.median([quad_size(q)[1] for q in grown])
    out = split_stacked(gray, grown)
    assert len(out) == len(grown)
