"""The Tesseract baseline runs for real and its memory figure is its own."""
from pathlib import Path

import numpy as np

from bench import tesseract
from tests.factories import EN_TEXT, cer, encode_png, render_text_image


def test_reads_a_rendered_line_and_measures_itself(tmp_path: Path):
    path = tmp_path / "lines.png"
    path.write_bytes(encode_png(render_text_image(EN_TEXT[:2], width=1200, margin=40)))
    # Make this process big: a child started by vfork would report our ~400 MB
    # high-water mark as its own peak RSS if the measurement were wrong.
    ballast = np.ones(400 * 2**20 // 8)
    run = tesseract.run(path, "en")
    assert ballast.sum() > 0
    assert cer("\n".join(EN_TEXT[:2]), run.text) < 0.05
    assert run.wall_s > 0 and run.cpu_s > 0
    assert run.peak_rss_mb is not None and 5 < run.peak_rss_mb < 300
    assert tesseract.version().startswith("tesseract 5")
