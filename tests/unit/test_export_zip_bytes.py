"""Per-document ZIP exports are the same bytes whenever they are made: every entry carries one fixed
timestamp, not the wall clock (``GET /v1/results`` slots must equal the single download)."""
from __future__ import annotations

import io
import time
import zipfile

from pipeline.export import export
from pipeline.export.document import ExportDocument
from pipeline.export.tables import export_tables
from pipeline.result import Line, PageResult, Word
from tests.table_factories import random_table, table_pdf
from tests.unit.test_table_exports import _doc


def _ocr_documents() -> list[ExportDocument]:
    words = [Word("Total", 0.9, [10.0, 10.0, 60.0, 30.0]), Word("42", 0.9, [200.0, 10.0, 230.0, 30.0])]
    line = Line("Total 42", 0.9, [10.0, 10.0, 230.0, 30.0], words)
    page = PageResult(1, 800, 600, 150, "ocr", "Total 42", 0.9, [line], {"total": 0.1}, {"rotation": 0}, {})
    return [ExportDocument(name, "a" * 64, "png", None, [page]) for name in ("../a.png", "b/c.png")]


def _entries(data: bytes) -> list[zipfile.ZipInfo]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert all(zf.read(i) for i in zf.infolist())
        return zf.infolist()


def test_zip_exports_are_the_same_bytes_a_second_later():
    tabled = [_doc(table_pdf(random_table(7, rules="header")), "x/../a.pdf"), _doc(table_pdf(random_table(8)), "b.pdf")]
    alto, csvs = export("alto", _ocr_documents()), export_tables("csv", tabled)
    time.sleep(1.1)  # past the next second: a wall-clock stamp would differ now
    assert export("alto", _ocr_documents()) == alto
    assert export_tables("csv", tabled) == csvs
    assert [i.filename for i in _entries(alto)] == ["0001-a.png.alto.xml", "0002-c.png.alto.xml"]
    for data in (alto, csvs):
        assert {(i.date_time, i.compress_type, i.external_attr >> 16) for i in _entries(data)} == {
            ((1980, 1, 1, 0, 0, 0), zipfile.ZIP_DEFLATED, 0o644)}
