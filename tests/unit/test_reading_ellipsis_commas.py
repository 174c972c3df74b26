"""A comma set right after an ellipsis (an index's ``Option clash for ..., 466``) is read as one more
point, and the decoder's repeated points collapse into ``...``: the comma is lost. Its ink shows it
(a fourth small piece, as high as the dots at its top, with a tail below them), and it is put back
(pipeline/ellipsis_commas.py); an ellipsis with no comma after it stays as read."""
from __future__ import annotations
import pytest
from bench.scan import scan_like
from pipeline import Options
from tests.factories import encode_png, render_text_image

LINES = ["Option clash for ..., 466", "Output loop ..., 459", "Overfull \\hbox ..., 459", "Missing number ..., 412",
         "Undefined control sequence ..., 388", "Paragraph ended before ..., 471", "Too many columns ..., 402",
         "Output stream ... is open, 476", "See the notes ... and the index.", "Wait for it... then go."]


def _rows(engine, size: int, seed: int) -> list[str]:
    scan, _ = scan_like(render_text_image(LINES, font="serif", size_px=size), seed)
    page = next(engine.process(encode_png(scan), Options()))
    return [" ".join(r.split()) for r in page.text.splitlines() if r.strip()]


def test_comma_after_an_ellipsis_comes_back(engine):
    # On this page main read "Missing number ... 412": the comma taken for a point and collapsed.
    rows = _rows(engine, 26, 0)
    assert "Missing number ..., 412" in rows, rows


@pytest.mark.parametrize("size,seed", [(22, 0), (22, 1), (26, 0), (26, 1)])
def test_no_comma_where_none_is_printed(engine, size, seed):
    rows = _rows(engine, size, seed)
    for start in ("Output stream", "See the notes", "Wait for it"):
        row = next((r for r in rows if r.startswith(start[:8])), "")
        assert ".," not in row, row
