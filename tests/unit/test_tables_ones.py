"""A reference manual's table of files and packages in a typewriter face, scanned: the page's recognizer reads
many an `l` as `1` (`/var/1og/sys1og`, `uti1-1inux`) with confidence, so the second opinion never sees those
lines. pipeline/tables/ones.py reads such words again with the larger recognizer and takes its `l`s."""
from __future__ import annotations

import itertools

import pymupdf
import pytest

from bench.scan import scan_like
from pipeline import Engine, EngineConfig, Options
from pipeline.tables.ones import _ones_changed
from tests.factories import encode_png
from tests.table_factories import render_pages

FONTS = {name: pymupdf.Font(name) for name in ("china-s", "cour")}
ROWS = [("文件", "功能", "软件包"), ("/var/log/syslog", "系统日志", "rsyslog"), ("/etc/fstab", "文件系统表", "util-linux"),
        ("/etc/apt/sources.list", "显示 APT 源", "apt"), ("/usr/share/doc/", "文档", "debconf-utils"),
        ("/etc/default/grub", "引导设置", "locales"), ("/dev/null", "空设备", "ibus-libpinyin")]


@pytest.fixture(scope="module")
def engine():
    return Engine(EngineConfig(threads=1))


def _put(page, x: float, y: float, text: str) -> float:
    x0 = x
    for cjk, run in itertools.groupby(text, key=lambda ch: "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef"):
        run, name = "".join(run), "china-s" if cjk else "cour"
        if page is not None:
            page.insert_text((x, y), run, fontname=name, fontsize=10)
        x += FONTS[name].text_length(run, 10)
    return x - x0


def _pdf() -> bytes:
    """The table in a grid of rules, names in Courier."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    widths = [max(_put(None, 0, 0, r[c]) for r in ROWS) + 10 for c in range(3)]
    shape = page.new_shape()
    for k, row in enumerate(ROWS):
        x = 72.0
        for c, text in enumerate(row):
            _put(page, x + 5, 150 + 19 * k + 13, text)
            shape.draw_rect(pymupdf.Rect(x, 150 + 19 * k, x + widths[c], 169 + 19 * k))
            x += widths[c]
    shape.finish(color=(0, 0, 0), width=0.6)
    shape.commit()
    return doc.tobytes()


@pytest.mark.parametrize("seed", range(6))
def test_names_in_a_typewriter_face_keep_their_ls(engine, seed):
    img, params = scan_like(render_pages(_pdf())[0], seed)
    page = next(engine.process(encode_png(img), Options(tables=True)))
    assert [t.texts() for t in page.tables] == [[list(r) for r in ROWS]], params


def test_only_ones_become_letters():
    assert _ones_changed("uti1-1inux", "util-linux") == "util-linux"
    assert _ones_changed("V:241, 1:266", "V:241, I:266") == "V:241, I:266"
    assert _ones_changed("V:241, 1:266", "V:241. I:266") == "V:241, 1:266"  # another difference: as read
    assert _ones_changed("sha1sum", "sha1sum") == "sha1sum"
    assert _ones_changed("x11", "xll1") == "x11"  # a letter read as a 1 is not taken
    assert _ones_changed("1vm2", "lvm") == "1vm2"  # another length
