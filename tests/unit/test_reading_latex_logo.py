"""The LaTeX logo is read LATEX even where the recognizer reads only its TEX; the plain TeX logo stays TEX.

Lines typeset as TeX sets the logos (a small raised A kerned into the L and under the T, a lowered E),
read by the real engine.
"""
import numpy as np
from PIL import Image, ImageDraw


from tests.factories import _pil_font, encode_png


def _typeset(parts: list[str], size: int, drop: float = 0.215, kern: float = 0.1667) -> np.ndarray:
    """One line per entry; ``{LaTeX}`` and ``{TeX}`` drawn as the logos (LaTeX's kerns, in ems; the E lowered
    by ``drop`` em, kerned ``kern`` em into the T), the rest as text (Chinese in Noto Serif CJK, ASCII in
    Liberation Serif)."""
    cjk, serif, small = _pil_font("cjk-serif", size), _pil_font("serif", size), _pil_font("serif", int(size * 0.72))
    img = Image.new("L", (1654, 80 + 80 * len(parts)), 255)
    draw = ImageDraw.Draw(img)

    def put(x, y, ch, font):
        draw.text((x, y), ch, font=font, fill=0)
        return x + font.getlength(ch)

    for row, line in enumerate(parts):
        x, y = 60.0, 60 + 80 * row
        for piece in line.replace("{", "\0{").replace("}", "}\0").split("\0"):
            if piece in ("{LaTeX}", "{TeX}"):
                if piece == "{LaTeX}":
                    x = put(x, y, "L", serif) - 0.36 * size
                    x = put(x, y - 0.1 * size, "A", small) - 0.15 * size
                x = put(x, y, "T", serif) - kern * size
                x = put(x, y + drop * size, "E", serif) - 0.75 * kern * size
                x = put(x, y, "X", serif)
                continue
            for ch in piece:
                x = put(x, y, ch, serif if ch.isascii() else cjk)
    return np.asarray(img)


LINES = [
    "包尽管是 {LaTeX} 的核心部分，以适应 {TeX} 技术发展。",
    "The {LaTeX} Project and the {TeX}book by Knuth.",
]


def test_latex_logo_whose_l_and_a_were_not_read(engine):
    text = list(engine.process(encode_png(_typeset(LINES, 40))))[0].text
    first, second = text.splitlines()[0], text.splitlines()[-1]
    assert "是 LATEX 的" in first and "适应 TEX 技术" in first
    assert "The LATEX Project" in second and "TEXbook" in second


def test_tex_logo_whose_lowered_e_was_not_read(engine):
    # An E lowered further and kerned tighter than TeX's own: the recognizer reads the logo as TX.
    lines = ["国内大学 {TeX} 模板的开发，使用 {TeX} 对论文排版，TeX Live 的安装。",
             "Knuth wrote {TeX} in 1978; the TeX Live and MiK{TeX} distributions."]
    text = list(engine.process(encode_png(_typeset(lines, 40, drop=0.3, kern=0.12))))[0].text
    assert "wrote TEX in" in text and "大学 TEX 模板" in text
    assert text.count("TeX Live") == 2  # the name in plain letters keeps its e
