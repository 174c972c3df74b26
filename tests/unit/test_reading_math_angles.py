"""⟨argument⟩ brackets, in neither recognizer's character set, are told from the parentheses they
are read as by their straight strokes (pipeline/math_angles.py). Pages rendered from known text,
read by the real engine."""
import pytest

from pipeline.engine import Engine, EngineConfig
from tests.factories import encode_png, degrade, render_text_image

LINES = [
    "The optional argument ⟨trim⟩ goes in parentheses (if at all) after it.",
    "\\midrule[⟨wd⟩] and \\addlinespace[⟨space⟩] take one argument each.",
    "A brace {group} and a call f(x) stay as they are printed here.",
]


@pytest.fixture(scope="module")
def engine():
    return Engine(EngineConfig(threads=1))


@pytest.mark.parametrize("scan", [False, True])
@pytest.mark.parametrize("size", [28, 32])
def test_angle_brackets_apart_from_parentheses_and_braces(engine, scan, size):
    # DejaVu Sans draws ⟨ ⟩ (Liberation Serif has no such glyphs).
    img = render_text_image(LINES, font="sans", size_px=size)
    if scan:
        img = degrade(img, blur=0.8, noise=8, jpeg_quality=60, seed=4)
    text = list(engine.process(encode_png(img)))[0].text.replace(" ", "")
    for word in ("⟨trim⟩", "(ifatall)", "[⟨wd⟩]", "[⟨space⟩]", "{group}", "f(x)"):
        assert word in text, text
