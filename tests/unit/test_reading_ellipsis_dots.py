"""An ellipsis read as many times as its dots make (a Chinese ⋯⋯ is six dots, two ellipses), and ``⋯``
where its dots stand on the axis of a Latin line (``x1 + ⋯ + xn``): the model has no ``⋯`` and reads
one ``…`` for the pair. Lines typeset as a TeX engine sets them, read by the real engine."""
import numpy as np
import pytest


from tests.factories import degrade, encode_png
from tests.line_crops import render_mixed_line
from tests.mixed_print import typeset

CHINESE = [
    "他说：网球⋯⋯石头⋯⋯那么平静⋯⋯丘那德⋯⋯未完成的。",
    "我们确实希望它渐进的趋于完美⋯⋯",
    "变量 z1, …, z6 保存了这些点。",
]


def _read(engine, img) -> str:
    return list(engine.process(encode_png(img)))[0].text


def _page(line: np.ndarray) -> np.ndarray:
    h, w = line.shape
    page = np.full((h + 200, max(w + 200, 600)), 255, np.uint8)
    page[100 : 100 + h, 100 : 100 + w] = line
    return page


def test_chinese_ellipses_counted_by_their_dots(engine):
    lines = _read(engine, typeset(CHINESE)).replace(" ", "").splitlines()
    # Noto CJK centres … as it does ⋯: on a Chinese line the model's … stays, two for the pair.
    assert "网球……石头……那么平静……丘那德……未完成的" in lines[0]
    assert lines[1].endswith("完美……")
    # Guard: a lone ellipsis between commas stays one.
    assert "z1,…,z6" in lines[2]


@pytest.mark.parametrize("scan", [False, True])
def test_dots_on_the_axis_of_a_latin_line_are_cdots(engine, scan):
    line = render_mixed_line([("The sum x1 + x2 + ", "serif"), ("⋯", "sans"), (" + xn is finite.", "serif")])
    page = _page(line)
    if scan:
        page = degrade(page, blur=0.8, noise=8, jpeg_quality=60, seed=1)
    assert "x2 + ⋯ + xn" in _read(engine, page)


def test_dots_on_the_baseline_stay_an_ellipsis(engine):
    # Guard: a Latin ellipsis on the baseline is no ⋯ (the model reads it as three points).
    text = _read(engine, _page(render_mixed_line([("Wait for it… and then go on.", "sans")])))
    assert "⋯" not in text and "it..." in text
