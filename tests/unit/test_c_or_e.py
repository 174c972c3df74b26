"""A bold Times c read as e (``Deseription``: the FHS tables' header, 10 pt scanned at 200 DPI), the model
weighing c a sixth to a third. The glyph has no bar and no eye: it is made a c (pipeline/c_or_e.py)."""
from __future__ import annotations
import pymupdf
import pytest
from bench.scan import scan_like
from pipeline import Options
from tests.factories import encode_png
from tests.table_factories import render_pages

ROWS = [("Directory", "Description"), ("bin", "Essential command binaries"),
        ("boot", "Static files of the boot loader"), ("dev", "Device files"),
        ("etc", "Host-specific system configuration"), ("lib", "Essential shared libraries")]


def _page() -> bytes:
    """Three two-column tables as the FHS sets them: a bold header over a rule, then plain rows."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    y = 100.0
    for _ in range(3):
        for r, (name, text) in enumerate(ROWS):
            font = "tibo" if r == 0 else "tiro"
            page.insert_text((80, y), name, fontname=font, fontsize=10)
            page.insert_text((200, y), text, fontname=font, fontsize=10)
            if r == 0:
                page.draw_line((72, y + 4), (480, y + 4), width=0.5)
            y += 16
        y += 30
    return doc.tobytes()


# Main read the header Deseription three times of three on seeds 2 and 3, once on 5 and 6.
@pytest.mark.parametrize("seed", [2, 3, 5, 6])
def test_a_bold_c_read_as_e_is_made_c(engine, seed):
    img, params = scan_like(render_pages(_page())[0], seed)
    texts = [line.text for line in next(engine.process(encode_png(img), Options())).lines]
    headers = [t for t in texts if "ription" in t]
    assert len(headers) == 3, (params, texts)
    # One of the three may stay as read: its c run into the s beside it is no piece of its own to measure.
    assert sum(t.endswith("Description") for t in headers) >= 2, (params, headers)
    # The e's of the plain rows stay e's.
    for word in ("Device", "Essential", "Host-specific", "files"):
        assert sum(word in t for t in texts) >= (3 if word != "Essential" else 6) - 1, (params, word, texts)
