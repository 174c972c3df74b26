"""The Markdown export of a generated manual page, read back by an independent parser (markdown-it-py)."""
from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from pipeline import Engine, EngineConfig, Options
from pipeline.export import ExportDocument, export, media_type
from pipeline.export.markdown import markdown_table
from pipeline.ingest import open_document
from pipeline.tables.model import Cell, Table
from pipeline.textlayer import read_text_layer
from tests.factories import cer
from tests.manual_factory import (
    CAPTION, H_SETTINGS, H_SETUP, HEADER, LIST, PARA_1, PARA_3, TABLE, TITLE, manual_pdf, manual_scan_pdf,
)
from tests.export_samples import chinese_line, page


def _structure(md: str) -> list[tuple]:
    """(kind, detail, text) for each heading, list item, paragraph and table row, in document order."""
    tokens = MarkdownIt("commonmark").enable("table").parse(md)
    out, in_item, row = [], False, None
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            out.append(("heading", int(tok.tag[1]), tokens[i + 1].content))
        elif tok.type == "list_item_open":
            in_item = True
        elif tok.type == "list_item_close":
            in_item = False
        elif tok.type == "paragraph_open" and tokens[i + 1].type == "inline":
            out.append(("item" if in_item else "paragraph", None, tokens[i + 1].content))
        elif tok.type == "tr_open":
            row = []
        elif tok.type in ("th_open", "td_open"):
            row.append(tokens[i + 1].content)
        elif tok.type == "tr_close":
            out.append(("row", None, row))
    return out


def _expected() -> list[tuple]:
    return [
        ("heading", 1, TITLE), ("heading", 2, H_SETUP), ("paragraph", None, " ".join(PARA_1)),
        *[("item", None, " ".join(item)) for item in LIST],
        ("heading", 2, H_SETTINGS), ("paragraph", None, "Every setting can also be given as an environment variable. "
                                                     "The table below lists the ones most installations change."),
        ("paragraph", None, f"*{CAPTION}*"),
        *[("row", None, row) for row in TABLE],
        ("paragraph", None, PARA_3[0]),
    ]


def _check(md: str, max_cer: float) -> None:
    got = _structure(md)
    want = _expected()
    assert [(k, d) for k, d, _ in got] == [(k, d) for k, d, _ in want], got
    for (_, _, text), (_, _, truth) in zip(got, want):
        if isinstance(truth, list):
            assert len(text) == len(truth) and all(cer(t, g) <= max_cer for t, g in zip(truth, text)), (truth, text)
        else:
            assert cer(truth, text) <= max_cer, (truth, text)
    # Running header and page number stay out of the text, as comments.
    assert f"<!-- header: {HEADER} -->" in md or max_cer > 0
    assert HEADER not in "".join(t if isinstance(t, str) else "" for _, _, t in got)


def _document(result) -> ExportDocument:
    return ExportDocument(filename="manual.pdf", sha256="d" * 64, kind="pdf", data=None, pages=[result])


def test_markdown_of_a_born_digital_manual_matches_its_source_structure():
    with open_document(manual_pdf()) as doc:
        result = read_text_layer(doc, 1, Options(tables=True))
    md = export("md", [_document(result)]).decode("utf-8")
    _check(md, 0.0)
    assert media_type("md") == "text/markdown; charset=utf-8"


def test_markdown_of_a_scanned_manual_matches_its_source_structure():
    engine = Engine(EngineConfig(threads=1))
    result = next(engine.process(manual_scan_pdf(), Options(tables=True)))
    _check(export("md", [_document(result)]).decode("utf-8"), 0.05)


def test_markdown_table_folds_header_rows_and_escapes_pipes():
    table = Table(rows=3, cols=2, box=[0, 0, 10, 10], header_rows=2, cells=[
        Cell(0, 0, "Region", [0, 0, 1, 1], row_span=2), Cell(0, 1, "Sales", [0, 0, 1, 1]),
        Cell(1, 1, "2024", [0, 0, 1, 1]), Cell(2, 0, "North | East", [0, 0, 1, 1]), Cell(2, 1, "1,200", [0, 0, 1, 1])])
    rows = [r for k, _, r in _structure(markdown_table(table)) if k == "row"]
    assert rows == [["Region", "Sales 2024"], ["North | East", "1,200"]]


def test_chinese_lines_join_without_spaces_and_paragraphs_stay_text():
    lines = [chinese_line("本系统支持批量上传文件，", 200, 400), chinese_line("并在处理完成后发送通知。", 200, 440),
             chinese_line("# 不是标题", 200, 700, block=1)]
    md = export("md", [ExportDocument("说明.png", "e" * 64, "png", None, [page(1, lines)])]).decode("utf-8")
    got = _structure(md)
    assert [(k, d) for k, d, _ in got] == [("paragraph", None)] * 2
    assert got[0][2] == "本系统支持批量上传文件，并在处理完成后发送通知。"
    assert "<p># 不是标题</p>" in MarkdownIt("commonmark").render(md)


def test_cli_prints_markdown(tmp_path, capsys):
    from pipeline.__main__ import main

    path = tmp_path / "manual.pdf"
    path.write_bytes(manual_pdf())
    assert main([str(path), "--markdown", "--tables", "--threads", "1"]) == 0
    _check(capsys.readouterr().out, 0.0)
