"""The i of an f-ligature (ﬁ) that the recognizer reads as the f alone is put back
(pipeline/ligatures.py); plain f's before other letters get nothing added. Lines are rendered from
known text in real fonts (the ligatures as their own glyphs, as a typeset PDF draws them), clean and
scanned, and read by the real engine."""
import pytest


from tests.line_crops import recognizer_crop

LIGATURES = "write the history to a \ufb01le if no \ufb01le argument, to de\ufb01ne the \ufb01eld more \ufb02exibly"
WORDS = ["file", "file", "define", "field", "flexibly"]  # the ligatures' words, in order
PLAIN = "the fine print of a flat file feels fluffy after a few fresh frogs of Africa in pdfLaTeX"
GRID = [(font, size, scan) for font in ("serif", "serif-italic", "sans") for size in (20, 26) for scan in (False, True)]


def _read(engine, text: str, font: str, size: int, scan: bool) -> str:
    crop = recognizer_crop(text, font, size, scan)
    [line] = engine.recognizer([crop])
    return line.text


def test_letters_of_f_ligatures_read_as_the_f_come_back(engine):
    # Without the step the recognizer loses the ligature's i in 9 of these 60 words (small serif
    # print most: file read fle, field feld); with it, 6 at most.
    lost = []
    for font, size, scan in GRID:
        read = [w.strip(",") for w in _read(engine, LIGATURES, font, size, scan).split()]
        lost += [(font, size, scan, w) for w in set(WORDS) for _ in range(WORDS.count(w) - read.count(w))]
    assert len(lost) <= 6, lost


@pytest.mark.parametrize("font,size,scan", GRID)
def test_plain_fs_get_no_letter(engine, font, size, scan):
    # A scan's misread letter aside, no f has gained an i or l: no more fi or fl than printed.
    read = _read(engine, PLAIN, font, size, scan)
    assert read.count("fi") <= PLAIN.count("fi") and read.count("fl") <= PLAIN.count("fl"), read
