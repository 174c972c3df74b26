"""An en dash set solid between numbers (71–73), which the recognizer reads as a hyphen, written as
the en dash its length shows (pipeline/digit_dashes.py); hyphens between digits (8859-1, 02111-1307) and
after ISO (its O read 0) stay. Lines rendered from known text in real fonts, clean and scanned, read by
the real engine."""
import cv2
import pytest


from tests.line_crops import render_line_crop

TEXT = "see pages 71\u201373, 35\u201338 and 1452\u201355; ISO-8859-1, 02111-1307 and 2001\u20132013"
GRID = [(font, size, scan) for font in ("serif", "sans", "mono", "serif-italic") for size in (22, 30)
        for scan in (False, True)]


def _read(engine, font: str, size: int, scan: bool) -> str:
    raw = render_line_crop(TEXT, font, size, scan)
    h, w = raw.shape
    crop = cv2.resize(raw, (round(w * 48 / h), 48), interpolation=cv2.INTER_AREA if h > 48 else cv2.INTER_LINEAR)
    [line] = engine.recognizer([crop])
    return line.text


def test_number_ranges_get_their_en_dashes(engine):
    # Without the step the recognizer reads 32 of these 64 en dashes (the serif faces'); with it, 43.
    found = sum(_read(engine, *setting).count("\u2013") for setting in GRID)
    assert found >= 40, found


@pytest.mark.parametrize("font,size,scan", GRID)
def test_hyphens_between_digits_stay(engine, font, size, scan):
    text = _read(engine, font, size, scan)
    hyphens = text[text.index("8859") - 2 : text.index("1307")]  # "O-8859-1, 02111-" (a digit may be misread)
    assert hyphens.count("-") == 3 and "\u2013" not in hyphens, text
