"""A Chinese page typed with ASCII commas and a space after each (如果不带参数, 将会列出…) reads them
ASCII, also where a sharp render leaves more than a side bearing before each comma
(pipeline/punct_widths.page_separator_widths). Pages rendered from known text, read by the real engine."""
import pytest

from pipeline.engine import Engine, EngineConfig
from tests.factories import degrade, encode_png, render_text_image

LINES = [
    "如果不带参数, 将会列出所有软件包仓库中的软件包, 把已经安装的软件包加上前缀.",
    "如果带参数, 将会列出全部的集合或安装方案, 而不列出软件包, 同样地加上前缀.",
    "对于普通的软件包, 软件包大小是分四个部分显示的, 对于集合, 显示的是总和.",
    "如果这个软件包没有在本地安装, 那么将会在远端仓库去查找它, 然后显示信息.",
]


@pytest.fixture(scope="module")
def engine():
    return Engine(EngineConfig(threads=1))


@pytest.mark.parametrize("font,size,scan", [("cjk-serif", 30, False), ("cjk-serif", 28, False), ("cjk-serif", 32, True)])
def test_a_page_of_ascii_commas_reads_them_ascii(engine, font, size, scan):
    img = render_text_image(LINES, font=font, size_px=size)
    if scan:
        img = degrade(img, blur=0.8, noise=8, jpeg_quality=60, seed=5)
    text = list(engine.process(encode_png(img)))[0].text
    assert text.count(",") == 10 and "，" not in text, text
