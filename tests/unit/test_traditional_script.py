"""A page printed in traditional Chinese: the recognizer, trained mostly on simplified text, writes some of its
characters in their simplified form (`径` for `徑`, `来` for `來`), and a table's cell with one is a cell missed.
A character that exists only in simplified form is written traditional when the page's other characters are
traditional (pipeline/traditional_script.py); a page in simplified Chinese is left as read."""
from __future__ import annotations
import pymupdf
import pytest
from bench.scan import scan_like
from pipeline import Options
from pipeline.ctc import DecodedChar, DecodedLine
from pipeline.traditional_script import script_counts, traditional_script
from tests.factories import cer, encode_png
from tests.table_factories import render_pages

# a table of paths and what they hold, written for this test in traditional characters
ROWS = [("路徑", "內容說明"), ("/usr/bin/", "使用者執行的程式"), ("/usr/lib/", "共用的程式庫與模組"),
        ("/usr/share/doc/", "軟體套件附帶的說明檔"), ("/var/log/", "系統運行時寫下的記錄"),
        ("/etc/", "設定檔，由管理員編輯"), ("/var/cache/", "下載來的套件暫存於此"), ("/tmp/", "暫時檔案，開機後清除")]


def _page(rows: list[tuple[str, str]], font: str) -> bytes:
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    for r, (a, b) in enumerate(rows):
        y = 200 + r * 22
        page.insert_text((90, y), a, fontname=font if not a.startswith("/") else "helv", fontsize=11)
        page.insert_text((260, y), b, fontname=font, fontsize=11)
    return doc.tobytes()


def _line(text: str) -> DecodedLine:
    return DecodedLine(tuple(DecodedChar(c, 0.9, 2 * k, 2 * k + 1) for k, c in enumerate(text)), 2 * len(text))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_traditional_table_cells_are_read_traditional(engine, seed):
    img, _ = scan_like(render_pages(_page(ROWS, "china-t"))[0], seed)
    page = next(engine.process(encode_png(img), Options(tables=True)))
    cells = [c.text for t in page.tables for c in t.cells]
    assert cells, "no table found"
    # no cell holds a character that exists only in simplified form
    assert [c for c in cells if script_counts(c)[1]] == []
    want = "".join(a + b for a, b in ROWS)
    assert cer(want, "".join(cells)) < 0.05


def test_simplified_page_is_left_as_read():
    lines = [_line("系统运行时写下的记录"), _line("軟體與程式"), _line("下载来的软件包暂存于此")]
    assert traditional_script(lines) == lines


def test_traditional_page_writes_simplified_only_characters_traditional():
    lines = [_line("軟體套件附帶的說明檔"), _line("系統運行时寫下的記錄"), _line("下載来的套件")]
    out = traditional_script(lines)
    assert [d.text for d in out] == ["軟體套件附帶的說明檔", "系統運行時寫下的記錄", "下載來的套件"]
    # the characters keep their place and confidence on the line
    assert [(c.start, c.end, c.confidence) for c in out[1].chars] == [(c.start, c.end, c.confidence) for c in lines[1].chars]
