"""Damaged PDFs say so: a lying page tree is refused at open, a page whose content cannot be
read fails with corrupt_file instead of passing for a blank page."""
from __future__ import annotations

import pytest

from pipeline import Engine, EngineConfig, Limits, Options, open_document
from pipeline.errors import CorruptFileError
from pipeline.render import render_page
from tests.factories import EN_TEXT, make_pdf, render_text_image

# One page object listed twice in a page tree that claims 100,000 pages: about 300 bytes.
PAGE_COUNT_BOMB = b"""%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R 3 0 R] /Count 100000 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] >> endobj
trailer << /Root 1 0 R >>
%%EOF"""


def _truncated_scan() -> bytes:
    scan = make_pdf([{"image": render_text_image(EN_TEXT[:6], width=1654, height=2339), "dpi": 200}])
    return scan[: len(scan) // 2]


def test_a_page_tree_that_lies_about_its_count_is_a_corrupt_file():
    with pytest.raises(CorruptFileError, match="page tree"):
        open_document(PAGE_COUNT_BOMB, Limits())


def test_a_truncated_scan_fails_its_page_instead_of_reading_blank():
    with open_document(_truncated_scan(), Limits()) as doc:
        assert doc.page_count == 1  # the structure survived the cut: only the image stream is gone
        with pytest.raises(CorruptFileError, match="damaged") as err:
            render_page(doc, 1, 200)
    assert err.value.code == "corrupt_file"


def test_the_engine_reports_the_damage_instead_of_an_empty_page():
    engine = Engine(EngineConfig(threads=1))
    with pytest.raises(CorruptFileError):
        list(engine.process(_truncated_scan(), Options()))


def test_an_intact_scan_still_renders():
    scan = make_pdf([{"image": render_text_image(EN_TEXT[:6], width=1654, height=2339), "dpi": 200}])
    with open_document(scan, Limits()) as doc:
        assert render_page(doc, 1, 100).image.min() < 100
