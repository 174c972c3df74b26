"""A tilde over a letter is read as printed (ũ, ã, õ), not as the diaeresis, grave or ring the recognizer
knows better there; letters printed with those accents keep them."""
import pytest


from tests.line_crops import recognizer_crop

TILDES = "In principio erat verbũ, apud deũ; lux hominũ"
OTHERS = "Müller über Würde, où est-il? côté, hâte, Noël"


@pytest.mark.parametrize("font", ["serif", "sans", "dejavu-serif"])
@pytest.mark.parametrize("scan", [False, True])
def test_tildes_read_as_tildes(engine, font, scan):
    # Main read verbü / deù / hominů here: the model's tilde class loses to the accents it meets more often.
    assert engine.recognizer([recognizer_crop(TILDES, font, 30, scan)])[0].text == TILDES


@pytest.mark.parametrize("font", ["serif", "sans", "dejavu-serif"])
@pytest.mark.parametrize("scan", [False, True])
@pytest.mark.parametrize("size", [22, 30])
def test_other_accents_stay(engine, font, scan, size):
    # Two dots, a steep stroke, a chevron: none of them is a tilde, at either size, blurred or not (what the
    # model makes of the letters themselves, Miüller at 22 px, is not this test's).
    text = engine.recognizer([recognizer_crop(OTHERS, font, size, scan)])[0].text
    assert not set(text) & set("ãõũñẽĩ"), text
