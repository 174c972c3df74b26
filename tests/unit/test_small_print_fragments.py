"""Small print found in pieces at the detector's normal input (a dark lead-in, the faint rest
of the line missed) is read once: the finer pass finds the whole line, and the first pass's
piece of it goes (``DetectorSettings.within_finer``), or the lead-in would be read twice."""
import numpy as np
import pytest

from pipeline.engine import Engine, EngineConfig
from tests.factories import _pil_font, cer, degrade, encode_png
from tests.unit.test_reading_mixed_print import body_page

CREDITS = [
    ("After R. J. Bull,", "Accounting in Business, Butterworths, second edition, 1972, page 191."),
    ("After J. Aitchison and J. A. C. Brown,", "The Lognormal Distribution, Cambridge University Press, 1976, page 62."),
    ("Source:", "the annual reports of the user groups, collected by the secretary in the spring of each year."),
]


def _page_with_faint_credits() -> np.ndarray:
    """Body text at 12 pt; below it, four groups of credit lines: a dark 5-pt lead-in, then grey 4-pt text."""
    img, draw = body_page()
    small, lead = _pil_font("serif", 11), _pil_font("serif", 13)
    for k in range(4):
        for i, (head, rest) in enumerate(CREDITS):
            top = 1700 + k * 120 + i * 20
            draw.text((150, top), head, font=lead, fill=20)
            draw.text((150 + draw.textlength(head + " ", font=lead), top + 2), rest, font=small, fill=110)
    return degrade(np.asarray(img), blur=0.8, noise=8, jpeg_quality=60, seed=2)


@pytest.fixture(scope="module")
def page_text():
    return list(Engine(EngineConfig(threads=1)).process(encode_png(_page_with_faint_credits())))[0].text


def test_each_credit_line_is_read_once(page_text):
    lines = page_text.splitlines()
    assert sum(line.startswith("Source") for line in lines) == 4
    assert sum(line.startswith("After") for line in lines) == 8


def test_the_credits_read_as_printed(page_text):
    truth = "\n".join(f"{head} {rest}" for _ in range(4) for head, rest in CREDITS)
    credits = "\n".join(line for line in page_text.splitlines() if line.startswith(("After", "Source")))
    assert cer(truth, credits) <= 0.33
