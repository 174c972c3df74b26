"""Letters whose capital is the small one drawn larger (c o s v w x z) at the start of a lower-case word in a
typewriter face: the recognizer read some as capitals (``Xwayland``, ``Swatch``, ``W3m``). Their height
against the line's small letters and capitals decides; capitalised words of the same letters stay capitals."""
from __future__ import annotations
import pytest
from pipeline import Options
from tests.factories import degrade, encode_png, render_text_image

LINES = ["ssmtp swatch xwayland passwd", "fonts-croscore uswsusp sysvinit", "ps -efH w3m zsh ox coz",
         "Swatch Xorg Sox Wine Cvs Zoo Over"]


@pytest.mark.parametrize("size,seed", [(22, 1), (22, 2), (26, 1)])
def test_same_shaped_letters_take_the_case_their_height_shows(engine, size, seed):
    img = degrade(render_text_image(LINES, font="mono", size_px=size), blur=0.9, noise=8, jpeg_quality=60, seed=seed)
    page = next(engine.process(encode_png(img), Options()))
    words = [w for line in page.lines for w in line.text.split()]
    for word in ("swatch", "xwayland", "w3m", "Swatch", "Sox", "Cvs", "Zoo"):
        assert word in words, (word, [line.text for line in page.lines])


def test_last_letter_of_a_capitalised_word_in_chinese_text_takes_its_height(engine):
    # A Latin word right after an ideograph, its X read small on a scan (Tex Live, LuaTex); words printed
    # with a small last letter (Box, Tex, Linux, Unix) stay.
    from tests.mixed_print import typeset
    lines = ["安装TeX Live之后，再用LuaTeX-ja宏包排版。", "这是CTeX套装，也可以用MiKTeX发行版。",
             "命令Box和Tex文件，以及Linux系统与Unix的ls。", "This is Linux, Unix, Box, Max and TeX Live docs."]
    page = next(engine.process(encode_png(typeset(lines, scan=True)), Options()))
    text = "\n".join(line.text for line in page.lines)
    for word in ("安装TeX Live", "LuaTeX-ja", "CTeX", "Box和Tex文件", "Linux系统与Unix", "Linux, Unix, Box, Max and TeX"):
        assert word in text, text
