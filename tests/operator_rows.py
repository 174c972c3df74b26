"""A page of lone marks each set before its item, as an operator card lists them, between a line of prose
above and below: the input of the tests that read marks standing alone beside a row."""
from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from tests.factories import _pil_font


def operator_page(items: list[tuple[str, str]], font: str, size: int, intro: str) -> np.ndarray:
    """A grey page: ``intro``, then each (mark, item) on its own row, the mark at x 230 and the item at 420."""
    face = _pil_font(font, size)
    img = Image.new("L", (1654, 120 + 2 * size * len(items) + 200), 255)
    draw = ImageDraw.Draw(img)
    draw.text((200, 100), intro, font=face, fill=0)
    for i, (mark, item) in enumerate(items):
        y = 100 + 2 * size * (i + 1)
        draw.text((230, y), mark, font=face, fill=0)
        draw.text((420, y), item, font=face, fill=0)
    draw.text((200, 100 + 2 * size * (len(items) + 1)), "Each of them works element by element.", font=face, fill=0)
    return np.asarray(img)
