"""Tilted pages read as upright: rendered from known text, rotated a few
degrees on a canvas grown to keep the whole page (as ``bench.rotation``
does), read through the engine and compared with the same page upright."""
import numpy as np
import pytest

from pipeline import Engine, EngineConfig, Options, PageResult, preprocess
from pipeline.geometry import quad_angle, quad_size
from pipeline.page_work import PageWork, StageClock
from pipeline.upright import detect_upright
from tests.factories import EN_TEXT, cer, degrade, encode_png, render_table_image, render_text_image, turn_page

SCAN = dict(blur=0.7, noise=6, jpeg_quality=75)
# A table of contents: each entry's page number far to its right, on the same row.
CONTENTS = [["4.4 Insert/Formula", "13"], ["4.5 Insert/Footnote", "13"], ["4.5.1 Footnotes at End of Document", "14"],
            ["4.6 Insert/Symbols", "15"], ["4.7 Insert/Vertical and Horizontal Space", "15"], ["4.8 Insert/Tabs", "15"],
            ["4.9 Insert/Cross Reference", "16"], ["4.10 Insert/Margin Notes", "16"], ["5 The Format Menu", "22"]]


@pytest.fixture(scope="module")
def engine():
    return Engine(EngineConfig(threads=2))


def read(engine, img) -> PageResult:
    (result,) = engine.process(encode_png(img), Options())
    return result


def rows_of(text: str) -> list[str]:
    return ["".join(line.split()) for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("skew", [1.2, -1.2, 5.0, -5.0])
def test_pieces_of_a_row_stay_one_row_on_a_tilted_page(engine, skew):
    page = degrade(render_table_image(CONTENTS, grid=False, size_px=26), **SCAN)
    upright = read(engine, page)
    tilted = read(engine, turn_page(page, 0, skew))
    expected = ["".join(" ".join(row).split()) for row in CONTENTS]
    assert rows_of(upright.text) == expected
    # Below REDETECT_SKEW the page is read tilted, above it is levelled first: both ways, one row per entry.
    assert tilted.preprocessing["deskewed"] == (abs(skew) >= preprocess.REDETECT_SKEW)
    assert rows_of(tilted.text) == expected


@pytest.mark.parametrize("skew", [5.0, -5.0])
def test_levelled_page_keeps_its_size_and_every_line(engine, skew):
    """Levelling on a canvas grown for the corners would shrink the page at the
    detector's fixed input size; the levelled image keeps the tilted one's size."""
    page = degrade(render_text_image(EN_TEXT[:14], size_px=22, line_gap=1.35), **SCAN)
    tilted = turn_page(page, 0, skew)
    counts = []
    for img in (page, tilted):
        work = PageWork(gray=img, quads=[], to_page=np.eye(3))
        detect_upright(work, engine.detector, engine.recognizer, True, (0.3, 0.0), StageClock())
        counts.append(len(work.quads))
        if img is tilted:
            assert work.deskewed and work.gray.shape == tilted.shape
    assert counts[1] == counts[0]
    ref = "\n".join(EN_TEXT[:14])
    assert cer(ref, read(engine, tilted).text) <= cer(ref, read(engine, page).text) + 0.005



@pytest.mark.parametrize("skew", [2.4, -2.4, 4.0])
def test_page_of_short_pieces_is_levelled_at_its_true_angle(engine, skew):
    """The boxes of short pieces measure the tilt a few tenths off; the page is levelled by the ink's rows."""
    page = degrade(turn_page(render_table_image(CONTENTS, grid=False, size_px=26), 0, skew), **SCAN)
    work = PageWork(gray=page, quads=[], to_page=np.eye(3))
    detect_upright(work, engine.detector, engine.recognizer, True, (0.3, 0.0), StageClock())
    assert work.deskewed and work.skew == pytest.approx(skew, abs=0.1)
    assert rows_of(read(engine, page).text) == ["".join(" ".join(row).split()) for row in CONTENTS]


@pytest.mark.parametrize("skew", [1.2, -1.2])
def test_short_pieces_on_a_page_read_tilted_take_the_page_angle(engine, skew):
    """Boxes of short pieces (section numbers, page numbers) come out at 0° or 45°
    whatever the tilt; on a page read tilted they are cut at the page's angle."""
    rows = [[f"{i}.{j}", f"Section title {i * 7 + j}", str(10 + i * 3 + j)] for i in range(1, 5) for j in range(4)]
    page = degrade(turn_page(render_table_image(rows, grid=False, size_px=24), 0, skew), **SCAN)
    work = PageWork(gray=page, quads=[], to_page=np.eye(3))
    detect_upright(work, engine.detector, engine.recognizer, True, (0.3, 0.0), StageClock())
    assert not work.deskewed and work.skew == pytest.approx(skew, abs=0.1)
    short = [q for q in work.quads if quad_size(q)[0] < preprocess.MIN_ELONGATION * quad_size(q)[1]]
    assert len(short) >= 16 and all(abs(quad_angle(q) - work.skew) < 0.05 for q in short)
    assert rows_of(read(engine, page).text) == ["".join(" ".join(row).split()) for row in rows]


@pytest.mark.parametrize("skew", [0.0, 2.0])
def test_pieces_of_a_row_stay_one_row_on_a_page_read_upside_down(engine, skew):
    """Turned back 180°, the lines go to the page as it came, a row's next piece left of it in its pixels."""
    page = degrade(render_table_image(CONTENTS, grid=False, size_px=26), **SCAN)
    turned = read(engine, turn_page(page, 2, skew))
    assert turned.preprocessing["rotation"] == 180
    assert rows_of(turned.text) == ["".join(" ".join(row).split()) for row in CONTENTS]


@pytest.mark.parametrize("skew", [5.0, -5.0])
def test_short_pieces_on_a_levelled_page_are_level(engine, skew):
    """On a page levelled from a tilt too: a page number's box at 45° read `17` as `ム`."""
    rows = [[f"{i}.{j}", f"Section title {i * 7 + j}", str(10 + i * 3 + j)] for i in range(1, 5) for j in range(4)]
    page = degrade(turn_page(render_table_image(rows, grid=False, size_px=24), 0, skew), **SCAN)
    work = PageWork(gray=page, quads=[], to_page=np.eye(3))
    detect_upright(work, engine.detector, engine.recognizer, True, (0.3, 0.0), StageClock())
    short = [q for q in work.quads if quad_size(q)[0] < preprocess.MIN_ELONGATION * quad_size(q)[1]]
    assert work.deskewed and len(short) >= 16 and all(abs(quad_angle(q)) < 0.05 for q in short)
