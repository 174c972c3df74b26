"""A traditional page's table with a character the page's recognizer has no class for (`繫`, in `多體繫結構`, as
maint-guide-zh-tw prints it): the page's recognizer reads it as the simplified character it looks most like (`紧`),
the traditional step writes that one's traditional form (`緊`), and the cell is missed. The table step reads such
words again with the larger recognizer, which knows the glyph (pipeline/tables/unknown_glyphs.py)."""
from __future__ import annotations
import pymupdf
import pytest
from bench.scan import scan_like
from pipeline import Options
from tests.factories import encode_png
from tests.table_factories import render_pages

# written for this test in traditional characters, the words of the published table among them
ROWS = [("軟件包", "體繫結構", "說明"), ("libfoo1", "多體繫結構", "共享庫，可共同安裝"),
        ("libfoo-dev", "體繫結構相關", "共享庫頭文件之類"), ("foo-tools", "任何", "編譯好的程序文件"),
        ("foo-doc", "多體繫結構路徑", "說明文件，不可共同安裝")]


def _page() -> bytes:
    """The table in a grid of rules, 10 pt, names in Helvetica."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    xs, pitch = (80, 180, 300, 500), 22
    shape = page.new_shape()
    for r, row in enumerate(ROWS):
        y = 200 + r * pitch
        for c, text in enumerate(row):
            page.insert_text((xs[c] + 5, y + 15), text, fontname="helv" if text.isascii() else "china-t", fontsize=10)
            shape.draw_rect(pymupdf.Rect(xs[c], y, xs[c + 1], y + pitch))
    shape.finish(color=(0, 0, 0), width=0.6)
    shape.commit()
    return doc.tobytes()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_character_the_page_recognizer_cannot_name_is_read_in_cells(engine, seed):
    assert "繫" not in engine.recognizer.decoder.classes  # what the test is about
    img, _ = scan_like(render_pages(_page())[0], seed)
    page = next(engine.process(encode_png(img), Options(tables=True)))
    texts = [t.texts() for t in page.tables]
    assert texts, "no table found"
    cells = [c for row in texts[0] for c in row]
    assert [c for c in cells if "繫" in c] == [c for r in ROWS for c in r if "繫" in c], cells
    assert not any("緊" in c for c in cells), cells

