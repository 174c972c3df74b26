"""A table's Chinese word the page's recognizer was unsure of is read again by the larger recognizer, and only its
Han characters take the new reading (pipeline/tables/unsure_han.py): `共享库买文件` (`买` for `头`, as the page's
recognizer read a scanned cell) comes out as printed; marks, digits and Latin letters stay as first read; a word
read with confidence is not read again; on a page read as traditional Chinese the new reading is traditional."""
from __future__ import annotations

import pytest

from pipeline import Engine, EngineConfig
from pipeline.tables.model import Cell, Table, Token
from pipeline.tables.unsure_han import unsure_han_read_again
from tests.line_crops import render_line_crop


@pytest.fixture(scope="module")
def engine():
    return Engine(EngineConfig(threads=1))


def _table(text: str) -> Table:
    return Table(rows=1, cols=2, box=[0, 0, 800, 40], cells=[Cell(0, 0, "/usr/include/", [0, 0, 300, 40]),
                                                          Cell(0, 1, text, [300, 0, 800, 40])])


def _run(printed: str, first: str, confidence: float, read, others: list[Token] = (), font: str = "cjk") -> str:
    crop = render_line_crop(printed, font, 30, scan=True)
    token = Token(first, (320.0, 5.0, 700.0, 35.0), confidence)
    table = _table(first)
    unsure_han_read_again([table], [token, *others], lambda *box: crop, read)
    return table.cells[1].text


@pytest.mark.parametrize("printed, first", [("共享库头文件", "共享库买文件"), ("用于嵌入公式", "用于嵌人公式"),
                                            ("头文件之类", "买文件之类")])
def test_unsure_chinese_word_is_read_again_by_the_larger_recognizer(engine, printed, first):
    assert _run(printed, first, 0.92, engine.second_recognizer) == printed


def test_a_word_read_with_confidence_is_not_read_again(engine):
    calls = []
    assert _run("共享库头文件", "共享库买文件", 0.99, lambda crops: calls.append(crops) or []) == "共享库买文件"
    assert calls == []


class _Reading:
    def __init__(self, text: str):
        self.text = text


def test_only_han_characters_change():
    # the larger recognizer's `)` for the page's `）`: the mark stays as first read, so the word does
    assert _run("条件求值57）", "条件求直57）", 0.9, lambda crops: [_Reading("条件求值57)")]) == "条件求直57）"
    assert _run("条件求值57）", "条件求直57）", 0.9, lambda crops: [_Reading("条件求值57）")]) == "条件求值57）"
    # a different length (a character lost or added) is not taken
    assert _run("条件求值", "条件求直", 0.9, lambda crops: [_Reading("条件求值值")]) == "条件求直"


def test_on_a_traditional_page_the_new_reading_is_traditional():
    page = [Token(w, (0.0, 100.0 + 40 * k, 300.0, 130.0 + 40 * k), 0.99)
            for k, w in enumerate(["軟體套件說明檔", "系統運行時寫下的記錄", "設定檔由管理員編輯"])]
    assert _run("編譯好的程序", "編謹好的程序", 0.93, lambda crops: [_Reading("编譯好的程序")], page) == "編譯好的程序"
