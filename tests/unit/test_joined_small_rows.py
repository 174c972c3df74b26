"""Two rows of small print that the detector joins where the lower row starts (a page's footer set
close under body text) come out whole: the lower row's first sentence, boxed with the row above it,
was lost or its rest read from a box straddling both rows. The rows are detected again finer."""
import numpy as np
from PIL import Image, ImageDraw


from tests.factories import EN_TEXT, _pil_font, encode_png

FOOTER = [
    "Copper, Silver, and Platinum are names of metals known to the ancient world. Iron, Tin, and Lead are names of common metals too.",
    "are names of the metals used in coins.",
    "Zinc is a metal of many uses in building. Nickel is a metal of many alloys, too. Printed in 2019 by the Common Metals Society.",
    "(see the list of metals).",
]


def _page(size: int, pitch: int, gap: int) -> np.ndarray:
    img = Image.new("L", (1654, 2339), 255)
    draw = ImageDraw.Draw(img)
    body = _pil_font("serif", 30)
    for i, line in enumerate(EN_TEXT[:24]):
        draw.text((150, 200 + 45 * i), line[:70], font=body, fill=0)
    small, y = _pil_font("serif", size), 2150
    draw.text((110, y), FOOTER[0], font=small, fill=0)
    draw.text((110, y + pitch), FOOTER[1], font=small, fill=0)
    # The second row's sentences set apart by a wide space, where the detector splits the row.
    draw.text((110 + draw.textlength(FOOTER[1], font=small) + gap, y + pitch), FOOTER[2], font=small, fill=0)
    draw.text((110, y + 2 * pitch), FOOTER[3], font=small, fill=0)
    return np.asarray(img)


def test_small_rows_joined_at_their_start_come_out_whole(engine):
    page = list(engine.process(encode_png(_page(18, 18, 30))))[0]
    text = " ".join(page.text.split())
    for row in FOOTER:
        assert " ".join(row.split()) in text, (row, [line.text for line in page.lines if line.box[1] > 2100])
