"""Columns set close together (an index: page numbers flush with the gutter on
the left, entries starting at it on the right) are read column by column,
not as lines joined across the gutter; and lines whose words merely leave
gaps are not cut. Pages rendered from known text, read by the engine."""
import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw

from pipeline import Engine, EngineConfig, Options
from pipeline.gutters import cut_at_gutters
from tests.factories import EN_TEXT, _pil_font, cer, degrade, encode_png, render_text_image

SCAN = dict(blur=0.7, noise=6, jpeg_quality=75)
LEFT = [("selected (option)", "7, 13, 35"), ("\\SetExpansion", "13"), ("\\SetExtraKerning", "17, 33"),
        ("\\SetExtraSpacing", "18, 33"), ("\\SetProtrusion", "7, 12, 14"), ("\\SetTracking", "15, 23, 24"),
        ("shapepar (package)", "31"), ("\\ShowGlyphIndex", "26"), ("\\ShowProtrusion", "26"),
        ("tempora (package)", "21"), ("TeX Live (distribution)", "30"), ("\\textls", "15, 23, 33")]
RIGHT = [("shrink (option)", "7, 14, 35"), ("simplecv (class)", "25"), ("soul (package)", "3, 32"),
         ("spacing (option)", "6, 10, 28"), ("step (option)", "7, 33, 35"), ("stickstoo (package)", "21"),
         ("stix (package)", "21"), ("stretch (option)", "7, 14, 27"), ("tracking (option)", "5, 10, 23"),
         ("txfonts (package)", "21"), ("ulgothic (package)", "21"), ("unit (option)", "7, 34")]


def render_index(size_px: int = 26, gutter: float = 0.8, width: int = 1654, margin: int = 300,
                 head: tuple[str, str] | None = None, head_rows: float = 4.0) -> np.ndarray:
    """Two columns of index entries, each ``name .... pages`` with the pages set flush right, the
    columns ``gutter`` line heights apart; under a running head (its title flush left, the page number
    flush right) ``head_rows`` rows above them when ``head`` is given."""
    font = _pil_font("sans", size_px)
    col_w = (width - 2 * margin - int(gutter * size_px)) // 2
    step = int(size_px * 1.25)
    img = Image.new("L", (width, 2 * margin + step * len(LEFT)), 255)
    draw = ImageDraw.Draw(img)
    if head:
        small, top = _pil_font("sans", size_px * 5 // 6), margin - int(head_rows * step)
        draw.text((margin, top), head[0], font=small, fill=0)
        draw.text((width - margin - draw.textlength(head[1], font=small), top), head[1], font=small, fill=0)
    for k, column in enumerate((LEFT, RIGHT)):
        x0 = margin + k * (col_w + int(gutter * size_px))
        for i, (name, pages) in enumerate(column):
            y = margin + i * step
            draw.text((x0, y), name, font=font, fill=0)
            right = x0 + col_w - draw.textlength(pages, font=font)
            # Leaders between the name and the pages, as an index sets them.
            dots = x0 + draw.textlength(name, font=font) + size_px
            while dots < right - size_px:
                draw.text((dots, y), ".", font=font, fill=0)
                dots += size_px * 0.4
            draw.text((right, y), pages, font=font, fill=0)
    return np.asarray(img, dtype=np.uint8).copy()


@pytest.fixture(scope="module")
def engine():
    return Engine(EngineConfig(threads=2))


def read(engine, img):
    (result,) = engine.process(encode_png(img), Options())
    return result


def squeezed(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace() and ch != ".")


@pytest.mark.parametrize("skew", [0.0, 1.0])
def test_index_columns_a_gutter_apart_read_column_by_column(engine, skew):
    img = render_index()
    h, w = img.shape
    img = cv2.warpAffine(img, cv2.getRotationMatrix2D((w / 2, h / 2), skew, 1.0), (w, h), borderValue=255)
    r = read(engine, degrade(img, **SCAN))
    text = squeezed(r.text)
    # No line of the page runs from a left entry into a right one: each right entry starts its line.
    for line in r.text.splitlines():
        for name, _ in RIGHT:
            assert squeezed(line).find(squeezed(name)) <= 0, line
    # The left column's last entry comes before the right column's first.
    assert 0 <= text.find(squeezed(LEFT[-1][0])) < text.find(squeezed(RIGHT[0][0]))
    truth = "".join(squeezed(n + p) for n, p in LEFT + RIGHT)
    assert cer(truth, text) <= 0.03


@pytest.mark.parametrize("head_rows", [4.0, 1.75])
def test_running_head_above_index_columns_is_read_first(engine, head_rows):
    """The head's title and page number stand above the two columns, one at each side of their gutter:
    one row, read before the columns, not the first line of each; also when it stands less than a gap
    between blocks above them (``pipeline/heads.py``)."""
    r = read(engine, degrade(render_index(head=("INDEX", "37"), head_rows=head_rows), **SCAN))
    first = r.text.splitlines()[0]
    assert squeezed(first) == "INDEX37", r.text
    text = squeezed(r.text)
    assert 0 <= text.find(squeezed(LEFT[-1][0])) < text.find(squeezed(RIGHT[0][0]))


def test_gaps_between_words_in_prose_are_not_gutters(engine):
    """Justified prose leaves wide gaps between words; they never line up down the page for long,
    so no line is cut: the detector's lines come back as they were."""
    img = degrade(render_text_image(EN_TEXT[:14], size_px=26, width=1100, margin=80), **SCAN)
    quads = [d.quad for d in engine.detector(img)]
    cut = cut_at_gutters(img, quads, 0.0)
    assert len(cut) == len(quads)


@pytest.mark.parametrize("skew", [0.0, -2.0])
def test_monospace_lines_of_like_words_are_not_cut_at_their_aligned_spaces(engine, skew):
    """Code set in a monospaced font, lines of the same words: every word space falls at the same place in
    every line, a channel as long as a gutter. It is no wider than the lines' other spaces, so it is not one."""
    lines = ["\\setlength{\\textwidth}{20em}", *["tatata tatata tatata tatata tatata tatata ta\\-ta\\-tata"] * 5,
             "\\typeout{Second with \\string\\sloppy}", *["tatata tatata tatata tatata tatata tatata tata\\-tata"] * 5]
    img = render_text_image(lines, font="mono", size_px=24, width=1654, margin=150, line_gap=1.25)
    h, w = img.shape
    img = cv2.warpAffine(img, cv2.getRotationMatrix2D((w / 2, h / 2), skew, 1.0), (w, h), borderValue=255)
    got = [line for line in read(engine, degrade(img, **SCAN)).text.splitlines() if line.strip()]
    assert len(got) == len(lines), got
    for line in got[1:6] + got[7:]:
        assert line.count("tatata") >= 5, line
