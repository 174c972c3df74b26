"""A cell listing options with the Chinese enumeration comma (LaTeX Notes' natbib table: `authoryear、numbers、super`):
on a scan the OCR often splits its words after a `、`, and the table step joined them with a space
(`authoryear、numbers、 super`). A full-width mark carries its own blank: no space beside it."""
from __future__ import annotations
import itertools
import pymupdf
import pytest
from bench.scan import scan_like
from pipeline import Options
from pipeline.tables.model import Token
from pipeline.tables.words import cell_text
from tests.factories import encode_png
from tests.table_factories import render_pages

FONTS = {name: pymupdf.Font(name) for name in ("china-s", "tiro", "cour")}
ROWS = [("选项", "取值", "说明"), ("citestyle", "authoryear、numbers、super", "引用的样式"),
        ("bracket", "round、square、open=char,close=char", "括号的形状"), ("sort", "true、false", "是否排序"),
        ("compress", "true、false", "压缩连续的编号")]


def _put(page, x: float, y: float, text: str, latin: str) -> float:
    """Chinese in a Chinese font, the rest in ``latin``; returns the width."""
    x0 = x
    for cjk, run in itertools.groupby(text, key=lambda ch: "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef"):
        run, name = "".join(run), "china-s" if cjk else latin
        if page is not None:
            page.insert_text((x, y), run, fontname=name, fontsize=10)
        x += FONTS[name].text_length(run, 10)
    return x - x0


def _pdf(latin: str) -> bytes:
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    widths = [max(_put(None, 0, 0, r[c], latin) for r in ROWS) + 16 for c in range(3)]
    shape = page.new_shape()
    for k, row in enumerate(ROWS):
        x = 80.0
        for c, text in enumerate(row):
            _put(page, x + 8, 213 + 19 * k, text, latin)
            x += widths[c]
    for y in (200, 219, 200 + 19 * len(ROWS)):
        shape.draw_line((80, y), (80 + sum(widths), y))
    shape.finish(color=(0, 0, 0), width=0.6)
    shape.commit()
    return doc.tobytes()


# scans on which the OCR split a cell's words after a `、`
@pytest.mark.parametrize("latin,seed", [("cour", 0), ("cour", 2), ("tiro", 0), ("tiro", 2)])
def test_no_space_after_an_enumeration_comma_in_a_cell(engine, latin, seed):
    img, params = scan_like(render_pages(_pdf(latin))[0], seed)
    page = next(engine.process(encode_png(img), Options(tables=True)))
    assert [t.texts() for t in page.tables] == [[list(r) for r in ROWS]], params


def test_cell_words_join_without_a_space_beside_full_width_marks():
    def words(*texts: str) -> list[Token]:
        return [Token(t, (100.0 * k, 0, 100.0 * k + 80, 30)) for k, t in enumerate(texts)]
    assert cell_text(words("round、", "square、", "open=char")) == "round、square、open=char"
    assert cell_text(words("驱动文件", "（开发用）", "DocStrip")) == "驱动文件（开发用）DocStrip"
    assert cell_text(words("用于", "SSH", "的安全")) == "用于 SSH 的安全"  # Chinese beside Latin: spaced
    assert cell_text(words("V:11,", "I:412")) == "V:11, I:412"
