"""A Chinese table without rules (TeX for the Impatient's table of font parameters: 数值, 意义): on a
scan the detector boxes the header `数值  意义` as one line, the recognizer reads it as one word with
no space, and the table step had one token where the row has two cells, so the header row was lost.
The table step cuts such a token at the blank stripes in its ink (pipeline/tables/cjk_gutters.py)."""
from __future__ import annotations
import pymupdf
import pytest
from bench.scan import scan_like
from pipeline import Options
from tests.factories import encode_png
from tests.table_factories import render_pages

ROWS = [("数值", "意义"), ("1", "字体每点的倾斜程度"), ("2", "词间距"), ("3", "词间伸长长度"), ("4", "词间收缩长度"),
        ("5", "字符的高度"), ("6", "字符的宽度"), ("7", "额外空白长度")]


def _page() -> bytes:
    """10 pt type, rows 17 pt apart; the header's second word a character's width after the first, over
    the second column; the digits under the first word (as the book sets them)."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    for r, (a, b) in enumerate(ROWS):
        y = 300 + r * 17
        page.insert_text((183 if r == 0 else 190, y), a, fontname="china-s" if r == 0 else "helv", fontsize=10)
        page.insert_text((213, y), b, fontname="china-s", fontsize=10)
    return doc.tobytes()


@pytest.mark.parametrize("seed", [1, 2, 3, 5, 6])
def test_header_of_chinese_words_keeps_its_cells(engine, seed):
    img, params = scan_like(render_pages(_page())[0], seed)
    page = next(engine.process(encode_png(img), Options(tables=True)))
    found = [t for t in page.tables if t.cols == 2]
    assert [(t.rows, t.cols) for t in found] == [(len(ROWS), 2)], (params, [t.texts() for t in page.tables])
    assert found[0].texts()[0] == ["数值", "意义"], found[0].texts()


def test_a_mark_and_its_own_blank_are_not_cut(engine):
    """`这种形式，比如`: the full-width comma's ink sits left in its box, the blank after it is no gutter."""
    from pipeline.tables.cjk_gutters import split_at_gutters
    from pipeline.tables.model import Token
    import numpy as np
    from tests.factories import render_text_image
    img = render_text_image(["这种形式，比如"], width=400, height=60, margin=10, size_px=30)
    gray = np.asarray(img if getattr(img, "ndim", 3) == 2 else img.mean(axis=2)).astype(np.uint8)
    ys, xs = np.nonzero(gray < 128)
    tok = Token("这种形式，比如", (float(xs.min()), float(ys.min() - 4), float(xs.max() + 1), float(ys.max() + 4)))
    assert [t.text for t in split_at_gutters([tok], lambda x0, y0, x1, y1: gray[max(0, round(y0)):round(y1),
                                                                            max(0, round(x0)):round(x1)])] == ["这种形式，比如"]


# zhlineskip p4 as the table step got it on a scan: the header's pieces as cjk_gutters cuts them, the rows'
# words, and the page's prose, whose OCR word boxes leave gaps of about 19 px (twice that is 38 px, more
# than the header's 36 px gutters)
HEADER = [("文档类选项", (550, 392, 691, 446)), ("正文基础行距", (727, 392, 898, 446)), ("脚注基础行距", (934, 392, 1106, 446))]
BODY = [("zihao=5", (549, 462, 646, 499)), ("1.2", (728, 460, 762, 501)), ("1.2", (941, 460, 970, 503)),
        ("zihao=-4", (552, 502, 656, 543)), ("1.2", (729, 504, 763, 545)), ("1.2", (941, 501, 971, 544)),
        ("10pt", (553, 548, 600, 590)), ("12/10", (733, 547, 799, 587)), ("9.5/8", (940, 545, 1002, 592)),
        ("11pt", (544, 589, 608, 637)), ("13.6/10.95", (730, 591, 860, 633)), ("11/9", (939, 594, 992, 633)),
        ("12pt", (551, 638, 603, 678)), ("14.5/12", (731, 640, 822, 676)), ("12/10", (941, 637, 1008, 677))]


def _prose(top: float) -> list:
    from pipeline.tables.model import Token
    out = []
    for k in range(4):
        x = 280.0
        for w in ("bodytextleadingratio", "real", "sets", "the", "leading", "of", "body", "text"):
            out.append(Token(w, (x, top + 48 * k, x + 18 * len(w), top + 48 * k + 40), 0.99))
            x += 18 * len(w) + 19
    return out


def test_a_header_cut_at_its_gutters_is_not_joined_again_by_word_spaces():
    """Chinese has no word spaces: two Chinese words on a line are never joined as one phrase, however wide
    the page's (OCR-measured) word spaces are."""
    from pipeline.tables.aligned import aligned_tables
    from pipeline.tables.model import Token
    tokens = [Token(t, b, 0.99) for t, b in HEADER + BODY] + _prose(760)
    found = [t for t, _ in aligned_tables(tokens, set()) if t.cols == 3]
    assert [t.rows for t in found] == [6], [t.texts() for t in found]
    assert found[0].texts()[0] == [t for t, _ in HEADER]
