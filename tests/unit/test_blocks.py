"""Typed layout blocks from rendered known documents: a manual page born-digital and scanned, and small pages."""
from __future__ import annotations
import pymupdf
import pytest
from pipeline import Options
from pipeline.blocks import blocks_of, page_blocks, typed_blocks
from pipeline.ingest import open_document
from pipeline.result import PageResult
from pipeline.textlayer import read_text_layer
from tests.factories import cer, encode_png, render_text_image
from tests.manual_factory import HEADING_LEVELS, MANUAL, manual_pdf, manual_scan_pdf
from tests.export_samples import chinese_line, english_line, page


def _block_texts(result: PageResult) -> list[tuple[str, str]]:
    return [(b.type, " ".join(result.lines[i].text for i in b.lines)) for b in result.blocks]


def _check_manual(result: PageResult, max_cer: float) -> None:
    got = _block_texts(result)
    assert [t for t, _ in got] == [t for t, _ in MANUAL], got
    for (_, text), (_, truth) in zip(got, MANUAL):
        assert cer(truth, text) <= max_cer, (truth, text)
    levels = {" ".join(result.lines[i].text for i in b.lines): b.level for b in result.blocks if b.type == "heading"}
    for heading, level in HEADING_LEVELS.items():
        assert min(levels.items(), key=lambda kv: cer(heading, kv[0]))[1] == level
    # Every line lands in exactly one block, and blocks keep the lines' reading order.
    indices = [i for b in result.blocks for i in b.lines]
    assert sorted(indices) == list(range(len(result.lines)))
    assert indices == sorted(indices)


@pytest.mark.parametrize("tables", [True, False])
def test_born_digital_manual_has_its_blocks_in_order(tables):
    with open_document(manual_pdf()) as doc:
        result = read_text_layer(doc, 1, Options(tables=tables))
    if tables:
        _check_manual(result, 0.0)
    else:
        # Without the table finder the grid's cells are text, but never headings (they share rows).
        types = [b.type for b in result.blocks]
        assert "table" not in types and types.count("heading") == 3
    again = PageResult.from_dict(result.to_dict())
    assert [b.to_dict() for b in again.blocks] == [b.to_dict() for b in result.blocks]


def test_scanned_manual_has_its_blocks_in_order(engine):
    result = next(engine.process(manual_scan_pdf(), Options(tables=True)))
    assert result.source == "ocr"
    _check_manual(result, 0.05)


def test_picture_on_a_born_digital_page_is_a_figure_block_before_its_caption():
    doc = pymupdf.open()
    pg = doc.new_page(width=595, height=842)
    pg.insert_text((72, 100), "The dashboard shows every queue at a glance.", fontsize=11)
    img = render_text_image(["chart"], size_px=40, width=600)
    pg.insert_image(pymupdf.Rect(72, 130, 400, 330), stream=encode_png(img))
    pg.insert_text((72, 350), "Figure 2: The queue dashboard", fontsize=10)
    pg.insert_text((72, 380), "Open it from the menu bar of the web page at any time you like.", fontsize=11)
    with open_document(doc.tobytes()) as d:
        result = read_text_layer(d, 1, Options())
    assert [b.type for b in result.blocks] == ["paragraph", "figure", "caption", "paragraph"]
    figure = result.blocks[1]
    # The picture keeps its proportions inside the rectangle it was placed in.
    assert figure.lines == [] and 130 * 200 / 72 - 2 <= figure.box[1] < figure.box[3] <= 330 * 200 / 72 + 2


def test_chinese_page_number_caption_and_numbered_list():
    lines = [
        chinese_line("系统安装说明", 200, 300, block=0, char_w=60),
        chinese_line("安装前请确认服务器满足以下要求，并准备好数据库和消息队列的地址。", 200, 420, block=1),
        chinese_line("1. 操作系统为64位Linux，内存不少于8GB。", 200, 520, block=2),
        chinese_line("2. 磁盘可用空间不少于20GB。", 200, 580, block=2),
        chinese_line("图3 系统结构示意", 200, 700, block=3),
        chinese_line("第 3 页", 780, 2250, block=4),
    ]
    blocks = typed_blocks(lines, 1654, 2339)
    assert [(b.type, b.level) for b in blocks] == [
        ("heading", 1), ("paragraph", None), ("list_item", None), ("list_item", None), ("caption", None),
        ("page_number", None)]


def test_stored_page_without_blocks_gets_them_from_its_lines():
    lines = [english_line("Running header of the report", 200, 60, block=0, height=24),
             english_line("Summary", 200, 300, block=1, height=70, char_w=36),
             english_line("The year closed with more pages read than ever before in one quarter.", 200, 420, block=2),
             english_line("- one list item about speed", 200, 520, block=3),
             english_line("12", 800, 2260, block=4)]
    stored = page(1, lines).to_dict()
    del stored["blocks"]
    result = PageResult.from_dict(stored)
    assert result.blocks == []
    assert [b.type for b in blocks_of(result)] == ["header", "heading", "paragraph", "list_item", "page_number"]


def test_bold_heading_at_body_size_is_found_on_a_scan_by_its_strokes(engine):
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    from tests.factories import font_path

    regular = ImageFont.truetype(str(font_path("sans")), 30)
    bold = ImageFont.truetype(str(font_path("sans").with_name("DejaVuSans-Bold.ttf")), 30)
    img = Image.new("L", (1654, 1200), 255)
    draw = ImageDraw.Draw(img)
    body = ["Returns fell to two percent of sales after the new checks were added.",
            "The warehouse now ships most orders on the day they are placed."]
    y = 200
    for text, font in [(body[0], regular), (body[1], regular), ("Operations", bold), (body[0], regular),
                       (body[1], regular)]:
        y += 30 if font is bold else 0
        draw.text((150, y), text, font=font, fill=0)
        y += 60 if font is bold else 48
    result = next(engine.process(encode_png(np.asarray(img)), Options()))
    got = [(b.type, " ".join(result.lines[i].text for i in b.lines)) for b in result.blocks]
    assert [t for t, _ in got] == ["paragraph", "heading", "paragraph"], got
    assert got[1][1] == "Operations"
    # From box sizes alone (no stroke widths) the heading is not told from the text around it.
    assert "heading" not in [b.type for b in page_blocks(result)]
