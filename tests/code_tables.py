"""A page of a two-column table (code on the left, what it is on the right), each cell in its own face, rendered
small and blurred like a scan: how reference cards set operators and escapes, for tests that read such pages
whole."""
import numpy as np
from PIL import Image, ImageDraw

from tests.factories import _pil_font, degrade


def code_table_page(rows: list[tuple[str, str, str, str]], size: int) -> np.ndarray:
    """``rows`` of (left text, its face, right text, its face) at ``size`` px, two line heights apart."""
    img = Image.new("L", (1654, 200 + 2 * size * len(rows)), 255)
    draw = ImageDraw.Draw(img)
    for i, (left, left_face, right, right_face) in enumerate(rows):
        y = 100 + 2 * size * i
        draw.text((200, y), left, font=_pil_font(left_face, size), fill=0)
        draw.text((520, y), right, font=_pil_font(right_face, size), fill=0)
    return degrade(np.asarray(img), blur=0.8, noise=8, jpeg_quality=60, seed=3)


def row_with(text: str, words: str) -> str:
    """The first line of ``text`` holding ``words``, its spaces collapsed."""
    return " ".join(next(r for r in text.splitlines() if words in r).split())
