"""Reading order on clean renders (``pipeline/type_size.py``): a reference card's keys and their
descriptions, beside the card's second column, read key by key on a clean render. The detector's boxes
on sharp ink are shorter than a scan's, and the keys' column measured over ten of their line heights
wide was taken for a column of its own (all the keys first, then all the descriptions); measured in the
type's ems (from the lines' widths and characters), it is as narrow as on a scan."""
import numpy as np
import pytest

from pipeline import Engine, EngineConfig
from pipeline.layout import LayoutSettings, reading_order
from pipeline.type_size import for_type_size, type_em
from tests.factories import _pil_font, cer, degrade, render_text_image
from tests.unit.test_page_order import paste, position, read

KEYS = [("polyfit (x, y, degree)", "fit a polynomial"), ("polyval (coeffs, points)", "evaluate a polynomial"),
        ("interp (xs, ys, new_points)", "interpolate in one dimension"), ("fzero (func, start_x)", "find a zero"),
        ("quad (func, low, high)", "integrate a function"), ("ode45 (func, times, y)", "solve an equation"),
        ("fminsearch (func, start)", "find a minimum"), ("cumsum (values, dim)", "cumulative sums"),
        ("linspace (low, high, n)", "evenly spaced points"), ("meshgrid (x, y, z)", "grids for plotting"),
        ("conv (first, second)", "convolution of vectors"), ("filter (num, den, x)", "apply a digital filter")]
PROSE = ["The history is saved in the file named", "by the history_file setting when the",
         "session ends, and read when it starts,", "so commands typed in one session can", "be recalled in the next one too."]


@pytest.fixture(scope="module")
def engine():
    return Engine(EngineConfig(threads=2))


def card(size_px: int = 18, pitch: int = 25, described_at: int = 330, prose_at: int = 840,
         size: tuple[int, int] = (520, 1500)) -> np.ndarray:
    """A reference card: keys flush left, their descriptions a narrow column to the right, the card's
    second column of prose beside them."""
    font = _pil_font("sans", size_px)
    page = np.full(size, 255, np.uint8)
    for k, (key, what) in enumerate(KEYS):
        for text, x in ((key, 60), (what, described_at)):
            block = render_text_image([text], font="sans", size_px=size_px, width=800, margin=0)
            paste(page, block[:, :round(font.getlength(text)) + 4], x, 60 + k * pitch)
    for k, line in enumerate(PROSE):
        block = render_text_image([line], font="sans", size_px=size_px, width=800, margin=0)
        paste(page, block[:, :round(font.getlength(line)) + 4], prose_at, 60 + k * pitch)
    return page


@pytest.mark.parametrize("page", [{}, dict(size_px=28, pitch=40, described_at=480, prose_at=984, size=(620, 1600))],
                         ids=["18px", "28px"])
def test_reference_card_keys_read_with_their_descriptions_on_a_clean_render(engine, page):
    # At 28 px the keys' column is 11.6 of the clean render's line heights wide (its boxes are barely taller
    # than an em) but 12.4 ems: read as a column of its own by line heights, as part of the card by ems.
    r = read(engine, card(**page))
    truth = "\n".join([f"{k} {w}" for k, w in KEYS] + PROSE)
    assert cer(truth, r.text) <= 0.05, r.text
    # Each description right after its key, the next key after it; the prose column after the card.
    where = [position(r.text, piece) for key, what in KEYS for piece in (key.split()[0], what)]
    assert 0 <= where[0] and where == sorted(where), (where, r.text)
    assert position(r.text, PROSE[0]) > where[-1]


def _card_boxes(stretch: float) -> tuple[list[list[float]], list[str]]:
    """The card as line boxes, 12 px to an em (a character of the keys' 6 px wide, rows 16 px apart), the
    keys' column 11.4 ems wide; their heights ``stretch`` ems: a clean render's boxes (1.0), a scan's of the
    same page (1.3). By their line heights the keys' column is 11.4 of them wide, or 8.6."""
    keys = [(key, what) for key, what in KEYS if len(key) <= 24]
    boxes, texts = [], []
    for k, line in enumerate([*keys, *PROSE]):
        middle = 110 + 16 * (k % len(keys) if k < len(keys) else k - len(keys))
        pieces = [(line[0], 60), (line[1], 224)] if k < len(keys) else [(line, 560)]
        for text, x in pieces:
            boxes.append([x, middle - 6 * stretch, x + 6 * len(text), middle + 6 * stretch])
            texts.append(text)
    return boxes, texts


def test_type_em_from_widths_and_characters():
    assert type_em([[0, 0, 120, 14]] * 3, ["twenty characters..", "twenty characters..", "x" * 20]) \
        == pytest.approx(120 / 10, rel=0.06)
    assert type_em([[0, 0, 300, 34]] * 3, ["一二三四五六七八九十"] * 3) == 30  # CJK: one em a character
    assert type_em([[0, 0, 50, 14]] * 3, ["short"] * 3) is None  # too few characters to say


def test_card_reads_the_same_whatever_the_detector_adds_to_its_boxes_heights():
    orders = []
    for stretch in (1.0, 1.3):
        boxes, texts = _card_boxes(stretch)
        order = [o.index for o in reading_order(boxes, for_type_size(LayoutSettings(), boxes, texts))]
        orders.append(order)
        # keys and their descriptions row by row (a key, then its description)
        keys = sum(len(key) <= 24 for key, _ in KEYS)
        assert order[:2 * keys] == list(range(2 * keys)), (stretch, order)
    assert orders[0] == orders[1]
