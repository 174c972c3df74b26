"""On a page of Latin text, an operator the recognizer reads as the Chinese character of its shape (``+`` as
十) comes out as the glyph the model weighed next, the operator printed."""
import numpy as np
import pytest
from PIL import Image, ImageDraw


from pipeline.punctuation import is_cjk
from tests.factories import _pil_font, degrade, encode_png

# An operator card: operators in a sans face, what they do in a serif one.
ITEMS = [("who, whos", "list current variables"), ("sparse (...)", "create a sparse matrix"),
         ("; ,", "statement separators"), ("+ -", "addition and subtraction"),
         ("* / \\ .* ./ .\\", "multiplication and division"), ("M-t", "transpose words at the point"),
         ("=", "assignment, groups left to right"), ("< <= == >= > !=", "relational operators"),
         ("+ x", "unary plus (a no-op)")]


def _card(items: list[tuple[str, str]], face: str, what_x: int, size: int) -> np.ndarray:
    """An operator card: each row's operators in ``face`` at x 200, what they do in a serif face at ``what_x``."""
    img = Image.new("L", (1654, 200 + 2 * size * len(items)), 255)
    draw = ImageDraw.Draw(img)
    for i, (ops, what) in enumerate(items):
        y = 100 + 2 * size * i
        draw.text((200, y), ops, font=_pil_font(face, size), fill=0)
        draw.text((what_x, y), what, font=_pil_font("serif", size), fill=0)
    return np.asarray(img)


def _page(size: int) -> np.ndarray:
    return _card(ITEMS, "sans", 520, size)


@pytest.mark.parametrize("size", [18, 22])
def test_operators_read_as_chinese_look_alikes_come_out_latin(engine, size):
    text = list(engine.process(encode_png(_page(size))))[0].text
    row = next(r for r in text.splitlines() if "addition" in r)
    assert " ".join(row.split()).startswith("+ - addition"), row
    assert "十" not in text, text


def test_a_chinese_page_keeps_its_characters(engine):
    lines = ["十一月二十三日", "八个人一起去", "十 - 一"]
    img = Image.new("L", (1654, 400), 255)
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        draw.text((200, 100 + 60 * i), line, font=_pil_font("cjk", 28), fill=0)
    text = list(engine.process(encode_png(np.asarray(img))))[0].text
    assert sum(is_cjk(ch) for ch in text) >= 12, text
    assert "十一月" in text and "八个人" in text, text


# Operators alone in their own column, in a typewriter face, blurred like a scan: a lone = is read 三 or 二
# with no other glyph weighed.
LONE = [("=", "assignment, groups left to right"), ("|| &&", "logical or and and"),
        ("< <= == >= > !=", "relational operators"), ("-", "subtraction"), ("+ - ++ -- !", "unary minus, increment"),
        ("* / \\ .* ./ .\\", "multiplication and division"), ("; ,", "statement separators"), ("x = y", "assign y to x")]


def _lone_operators(size: int) -> np.ndarray:
    return degrade(_card(LONE, "mono", 420, size), blur=0.8, noise=8, jpeg_quality=60, seed=3)


@pytest.mark.parametrize("size", [20, 22])
def test_a_lone_operator_read_as_a_stroke_character_comes_out_latin(engine, size):
    text = list(engine.process(encode_png(_lone_operators(size))))[0].text
    row = next(r for r in text.splitlines() if "assignment" in r)
    assert row.split()[0] == "=", text
    assert not any(is_cjk(ch) for ch in row), text


def test_a_chinese_page_keeps_its_lone_stroke_characters(engine):
    lines = ["第 三 章 总则", "第 二 条 一 般 规定", "十 个 人"]
    img = Image.new("L", (1654, 400), 255)
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        draw.text((200, 100 + 60 * i), line, font=_pil_font("cjk", 28), fill=0)
    text = "".join(list(engine.process(encode_png(np.asarray(img))))[0].text.split())
    assert "第三章" in text and "第二条一般" in text and "十个人" in text, text
