"""Reading order on clean renders (``pipeline/sharp_ink.py``): a reference card's keys and their
descriptions, beside the card's second column, read key by key on a clean render. The detector's boxes
on sharp ink are shorter than a scan's, and the keys' column measured just over ten of their line heights
wide was taken for a column of its own (all the keys first, then all the descriptions)."""
import numpy as np
import pytest

from pipeline import Engine, EngineConfig
from pipeline.sharp_ink import SHARP_BELOW, edge_per_ink
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


def card(size_px: int = 18, pitch: int = 25, described_at: int = 330) -> np.ndarray:
    """A reference card: keys flush left, their descriptions a narrow column to the right, the card's
    second column of prose beside them."""
    font = _pil_font("sans", size_px)
    page = np.full((520, 1500), 255, np.uint8)
    for k, (key, what) in enumerate(KEYS):
        for text, x in ((key, 60), (what, described_at)):
            block = render_text_image([text], font="sans", size_px=size_px, width=800, margin=0)
            paste(page, block[:, :round(font.getlength(text)) + 4], x, 60 + k * pitch)
    for k, line in enumerate(PROSE):
        block = render_text_image([line], font="sans", size_px=size_px, width=800, margin=0)
        paste(page, block[:, :round(font.getlength(line)) + 4], 840, 60 + k * pitch)
    return page


def test_clean_render_is_sharp_and_a_noisy_scan_is_not():
    page = card()
    assert edge_per_ink(page) < SHARP_BELOW <= edge_per_ink(degrade(page, blur=1.0, noise=20, jpeg_quality=75))


def test_reference_card_keys_read_with_their_descriptions_on_a_clean_render(engine):
    r = read(engine, card())
    truth = "\n".join([f"{k} {w}" for k, w in KEYS] + PROSE)
    assert cer(truth, r.text) <= 0.05, r.text
    # Each description right after its key, the next key after it; the prose column after the card.
    where = [position(r.text, piece) for key, what in KEYS for piece in (key.split()[0], what)]
    assert 0 <= where[0] and where == sorted(where), (where, r.text)
    assert position(r.text, PROSE[0]) > where[-1]
