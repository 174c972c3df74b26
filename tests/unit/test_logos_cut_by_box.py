"""A TeX logo whose lowered E the line's box cut off is read again with room above and below the box.

On a clean render the detector's box hugs the glyphs: the logo's E, lowered by half an ex, hangs out of it,
and the recognizer reads the crop as ``TE排版`` or ``T排版`` (on real pages ``CTE义``, ``T赵``, ``FX``). The
line read again in a crop with room reads the logo; nothing else of the line changes, and lines whose
reading only looks like a cut logo (a T-shirt, T恤) stay as read.
"""
import numpy as np
import pytest
from PIL import Image, ImageDraw

from pipeline import Engine, EngineConfig
from pipeline.latex_logo import ROOM, logos_cut_by_box
from tests.factories import _pil_font

SIZE = 32


@pytest.fixture(scope="module")
def reader():
    engine = Engine(EngineConfig(threads=1))
    return engine.second_recognizer or engine.recognizer


def _page(parts: list[tuple[str, str, float, float]]) -> tuple[np.ndarray, int]:
    """``parts`` (text, font, drop and kern after, in ems) set on one line of a clean page; the page and
    the line's right end."""
    fonts = {"latin": _pil_font("serif", SIZE), "cjk": _pil_font("cjk-serif", SIZE)}
    img = Image.new("L", (1000, 160), 255)
    draw = ImageDraw.Draw(img)
    x, y = 20.0, 50.0
    for text, font, drop, kern in parts:
        f = fonts[font]
        for ch in text:
            draw.text((x, y + drop * SIZE), ch, font=f, fill=0)
            x += SIZE / 3 if ch == " " else f.getlength(ch)
        x += kern * SIZE
    return np.asarray(img), int(x) + 10


def _logo(before: str, after: str) -> list[tuple[str, str, float, float]]:
    """The TeX logo between Chinese text: its E lowered 0.22 em and kerned under the T and the X."""
    return [(before, "cjk", 0, 0), ("T", "latin", 0, -0.1667), ("E", "latin", 0.22, -0.125), ("X", "latin", 0, 0),
            (after, "cjk", 0, 0)]


def _read(reader, parts, cut: int) -> tuple[str, str]:
    """The line read in a box hugging its ink but ``cut`` rows short of its lowest foot, and after
    ``logos_cut_by_box``."""
    page, right = _page(parts)
    ink = np.flatnonzero((page[:, :right] < 128).any(axis=1))
    top, bottom = ink[0] - 1, ink[-1] + 1 - cut
    room = int(round(ROOM * (bottom - top)))
    first = reader([page[top:bottom, 10:right]])[0]
    again = logos_cut_by_box([first], lambda idx: [page[top - room : bottom + room, 10:right] for _ in idx], reader)
    return first.text, again[0].text


@pytest.mark.parametrize("before, after, cut", [("使用 ", "排版撰写的文章", 3), ("使用 ", "排版撰写的文章", 6),
                                                ("从 ", " 阵营中分流了", 4)])
def test_logo_cut_by_the_box_is_read_again(reader, before, after, cut):
    first, again = _read(reader, _logo(before, after), cut)
    assert "TEX" not in first, "the box must cut the logo for the recognizer first"
    assert again == f"{before}TEX{after}"


@pytest.mark.parametrize("cut", [2, 4])
def test_logo_read_whole_and_lookalikes_stay(reader, cut):
    # A logo read whole is no candidate; a T before an ideograph (T恤, a T-shirt) is read again but
    # spells no TEX, so the line stays as first read.
    for parts in (_logo("在 C", " 宏包第 2 版中"), [("上 T恤的价格", "cjk", 0, 0)]):
        first, again = _read(reader, parts, cut)
        assert again == first
