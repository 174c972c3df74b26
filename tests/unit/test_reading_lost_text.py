"""A line on the page comes out, with its confidence: a note beside a small icon with part of
it in a grey link colour, and a whole line in faint grey, are read like the black ones."""
import numpy as np
import pytest
from PIL import Image, ImageDraw


from tests.factories import _pil_font, cer, degrade, encode_png

NOTE = "Note: see the installation guide online for details."
FAINT = "This whole line is printed in a faint grey colour on the page."


def _page(grey: int) -> np.ndarray:
    font = _pil_font("sans", 30)
    img = Image.new("L", (1654, 600), 255)
    draw = ImageDraw.Draw(img)
    draw.text((120, 100), "An ordinary black line of text to set the scale of the page.", font=font, fill=0)
    # A small dark icon with a white mark, then the note; its middle words in the link colour.
    draw.rounded_rectangle((120, 200, 156, 236), radius=6, fill=60)
    draw.text((133, 202), "!", font=font, fill=255)
    x = 175.0
    for words, fill in [("Note: see the ", 0), ("installation guide online", grey), (" for details.", 0)]:
        draw.text((x, 202), words, font=font, fill=fill)
        x += font.getlength(words)
    draw.text((120, 300), FAINT, font=font, fill=grey)
    draw.text((120, 400), "Another black line closes the page.", font=font, fill=0)
    return np.asarray(img)


@pytest.mark.parametrize("grey", [150, 215])
@pytest.mark.parametrize("scan", [False, True])
def test_note_beside_icon_and_faint_grey_line_come_out(engine, grey, scan):
    img = _page(grey)
    if scan:
        img = degrade(img, blur=0.8, noise=8, jpeg_quality=60, seed=2)
    lines = list(engine.process(encode_png(img)))[0].lines
    assert len(lines) == 4
    note = next(line for line in lines if "Note" in line.text)
    assert cer(NOTE, note.text.lstrip("!！1| ")) < 0.03 and note.confidence > 0.5
    faint = next(line for line in lines if "faint" in line.text)
    assert cer(FAINT, faint.text) < 0.03 and faint.confidence > 0.5
