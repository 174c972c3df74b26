"""A table in a grey frame with no inner rules, whose descriptions wrap onto two or three lines (the Debian
handbook's table of an AVC message's fields): beside each wrapped line the first column is blank but for
the frame's left edge. The table step reads ink the detector did not box left of such lines
(pipeline/tables/reread.missed_items); a scan's blur widened the frame to several pixels, and against the
black text of the rows above and below its grey did not count as ink, so the edge was not known for a
rule and was read as `1` or `一之`: each wrapped line became a row of its own."""
from __future__ import annotations

import pymupdf
import pytest

from bench.scan import scan_like
from pipeline import Options
from tests.factories import encode_png
from tests.table_factories import render_pages

ROWS = [
    ("Message", ["Description"]),
    ("avc: denied", ["An operation has been denied."]),
    ("pid=1876", ["The operation was performed by the process", "with this number (or tried to be)."]),
    ('comm="syslogd"', ["The process was an instance of the", "syslogd program."]),
    ('name="xconsole"', ["The target object was named xconsole.", "Sometimes you can also have a path",
                         "variable with the full path instead."]),
    ("dev=tmpfs", ["The device hosting the target object is", "a tmpfs, an in-memory filesystem."]),
    ("ino=5510", ["The object is identified by inode 5510."]),
]


def _page() -> bytes:
    """10 pt type, lines 13 pt apart, a row 4 pt below the last line of the one above; the frame 2 pt, light grey,
    3 pt left of the items."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    x0, xd, x1, top = 60, 230, 520, 200
    y = top + 16
    for item, lines in ROWS:
        page.insert_text((x0 + 3, y), item, fontname="cour", fontsize=10)
        for k, line in enumerate(lines):
            page.insert_text((xd, y + 13 * k), line, fontname="helv", fontsize=10)
        y += 13 * len(lines) + 4
    page.draw_rect(pymupdf.Rect(x0, top, x1, y), color=(0.75, 0.75, 0.75), width=2.0)
    return doc.tobytes()


@pytest.mark.parametrize("seed", [1, 3, 4])
def test_the_frame_beside_wrapped_lines_is_not_read_as_items(engine, seed):
    img, params = scan_like(render_pages(_page())[0], seed)
    page = next(engine.process(encode_png(img), Options(tables=True)))
    assert [(t.rows, t.cols) for t in page.tables] == [(len(ROWS), 2)], (params, [t.texts() for t in page.tables])
    got = page.tables[0].texts()
    assert [r[0] for r in got] == [item for item, _ in ROWS], got
    assert [r[1] for r in got] == [" ".join(lines) for _, lines in ROWS], got
