"""A traditional page's prose with a character the page's recognizer has no class for (`繫` of `多體繫結構`, as
maint-guide-zh-tw prints it): read as `紧` and written `緊` by the traditional step, it is read again, with its
neighbours, by the larger recognizer, which names it (pipeline/traditional_glyphs.py). Main read 0-1 of the 8 right."""
from __future__ import annotations
import pymupdf
import pytest
from bench.scan import scan_like
from pipeline import Options
from tests.factories import encode_png
from tests.table_factories import render_pages

# written for this test in traditional characters
LINES = ["這個軟件包提供多體繫結構的共享庫文件，可以共同安裝。", "請參閱說明文件中關於體繫結構相關路徑的章節。",
         "舊路徑與新路徑之間的差別在於多體繫結構路徑的設計。", "編譯好的程序文件放在任何體繫結構都相同的目錄中。"]


def _page() -> bytes:
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    for r, text in enumerate(LINES * 2):
        page.insert_text((60, 120 + 22 * r), text, fontname="china-t", fontsize=10.5)
    return doc.tobytes()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_character_the_page_recognizer_cannot_name_is_read_in_prose(engine, seed):
    assert "繫" not in engine.recognizer.decoder.classes  # what the test is about
    img, _ = scan_like(render_pages(_page())[0], seed)
    text = next(engine.process(encode_png(img), Options())).text
    assert text.count("繫") >= 4 and text.count("緊") <= 2, text
    # the neighbours the larger recognizer read again are kept as the page read them
    assert text.count("結構") == 8, text
