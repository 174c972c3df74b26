"""The visible-space mark ␣ that manuals print for a typed space is read as ␣, not as the ``u`` the
recognizers know; a real ``u`` stays one. Lines rendered from known text, read by the real engine."""
import pytest

from pipeline.engine import Engine, EngineConfig
from tests.factories import degrade, encode_png, render_text_image

LINES = [
    "Type \\␣ for a space: i. ␣sp. and ii. ␣sp.␣nov. or ␣var.␣name here.",
    "Our summer houses run up a useful route, unusual but true.",
]


@pytest.fixture(scope="module")
def engine():
    return Engine(EngineConfig(threads=1))


@pytest.mark.parametrize("size,scan", [(24, False), (32, True)])
def test_visible_space_mark_is_read_as_printed(engine, size, scan):
    img = render_text_image(LINES, font="sans", size_px=size)
    if scan:
        img = degrade(img, blur=0.8, noise=8, jpeg_quality=60, seed=1)
    first, second = list(engine.process(encode_png(img)))[0].text.splitlines()
    for word in ["\\␣", "␣sp.␣nov.", "␣var.␣name"]:
        assert word in first
    assert first.count("u") == 0
    assert second == LINES[1]  # every u of a line of small letters stays a u
