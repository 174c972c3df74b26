"""Chinese and Latin set on one line as a TeX engine sets them: Chinese glyphs from a CJK font,
ASCII from a Latin one, each space a given width (the engines' glue), so the gaps in the image
are the printed ones and not the single font's that ``render_text_image`` draws."""
from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from pipeline.punctuation import is_cjk
from tests.factories import _pil_font, degrade


def typeset(lines: list[str], size: int = 32, space: float = 1 / 3, scan: bool = False,
            quarter: str = "\u2005", squeeze: str = "", latin_face: str = "serif",
            cjk_face: str = "cjk-serif") -> np.ndarray:
    """Chinese in Noto Serif CJK, ASCII marks in Liberation Serif and spaces of ``space`` em (TeX's
    interword space: 1/3 em), ``⟨⟩`` as a math font's, ``quarter`` (U+2005, four-per-em space) a quarter em (xeCJK's glue
    between Chinese and Latin), the marks in ``squeeze`` in half their cell (a page that compresses
    punctuation: the blank after a mark's ink, an opening bracket's before it, halved), ASCII in ``latin_face`` (``mono``: code, a URL), Chinese in ``cjk_face`` (``cjk-tc``: a face
    that centres ，：； in their cells); with ``scan``, degraded as a scan."""
    cjk, latin, sans = _pil_font(cjk_face, size), _pil_font(latin_face, size), _pil_font("sans", size)
    img = Image.new("L", (1500, 80 + 60 * len(lines)), 255)
    draw = ImageDraw.Draw(img)
    for row, line in enumerate(lines):
        x, y = 40.0, 40 + 60 * row
        for ch in line:
            if ch in (" ", quarter):
                x += size * (space if ch == " " else 0.25)
                continue
            # LaTeX's list labels are not the CJK font's, nor is a letter of any alphabet (André)
            font = latin if ch.isascii() or ch in "•–" or (ch.isalpha() and not is_cjk(ch)) else cjk
            if ch in "⟨⟩":
                font = sans  # a math font's angle brackets (the Latin font has none), not the CJK cells
            advance = font.getlength(ch) / (2 if ch in squeeze else 1)
            # A compressed opening bracket loses the blank before its ink, at the left of its cell.
            draw.text((x - advance if ch in squeeze and ch in "（「《" else x, y), ch, font=font, fill=0)
            x += advance
    page = np.asarray(img)
    return degrade(page, blur=0.8, noise=8, jpeg_quality=60, seed=1) if scan else page
