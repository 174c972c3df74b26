"""A Chinese manual's table of library paths in a bold serif face, scanned: the page's recognizer drops thin glyphs
of a path (its first slash: `lib/modules/`; an `l` after a slash: `/usr/ib/locale/`), reads a path's `/l` as one
letter (`Mib/systemd/`) and `i386` as `1386`, with confidence. pipeline/tables/confusions.py reads every path that
stands apart as a cell again with the larger recognizer, which may put those back, and nothing else."""
from __future__ import annotations
import pymupdf
import pytest
from bench.scan import scan_like
from pipeline import Options
from pipeline.tables.confusions import _confusions_changed
from tests.factories import encode_png
from tests.table_factories import put_mixed as _put, render_pages

ROWS = [("路径", "用途", "软件包"), ("/lib/modules/", "内核模块", "kmod"), ("/usr/lib/locale/", "区域数据", "locales"),
        ("/lib/systemd/system/", "系统服务单元", "systemd"), ("/usr/libexec/", "内部程序", "dpkg"),
        ("/var/lib/dpkg/", "软件包数据库", "dpkg"), ("/usr/lib/i386-linux-gnu/", "i386 库文件", "libc6-i386")]
# relative paths and numbers that start with a 1 stay as they are
GUARD = [("文件", "说明", "大小"), ("debian/rules", "构建规则", "1386"), ("src/main.c", "主程序", "1024"),
         ("po/zh_CN.po", "中文翻译", "12/10"), ("lib/", "库目录", "1 KiB")]


def _pdf(rows: list[tuple[str, ...]], face: str, size: float) -> bytes:
    """The table in a grid of rules under a caption, the Latin text in ``face``."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_text((72, 120), "表 5.1. 库的路径", fontname="china-s", fontsize=size)
    widths = [max(_put(None, 0, 0, r[c], face, size) for r in rows) + 10 for c in range(3)]
    shape, pitch = page.new_shape(), size * 1.4
    for k, row in enumerate(rows):
        x, y = 72.0, 150 + k * pitch
        for c, text in enumerate(row):
            _put(page, x + 5, y + pitch * 0.72, text, face, size)
            shape.draw_rect(pymupdf.Rect(x, y, x + widths[c], y + pitch))
            x += widths[c]
    shape.finish(color=(0, 0, 0), width=0.6)
    shape.commit()
    return doc.tobytes()


@pytest.mark.parametrize("seed", [0, 2, 3, 5])
def test_bold_serif_paths_keep_their_thin_glyphs(engine, seed):
    img, params = scan_like(render_pages(_pdf(ROWS, "tibo", 9))[0], seed)
    page = next(engine.process(encode_png(img), Options(tables=True)))
    assert [t.texts() for t in page.tables] == [[list(r) for r in ROWS]], params


@pytest.mark.parametrize("seed", [0, 1])
def test_relative_paths_and_numbers_stay(engine, seed):
    img, params = scan_like(render_pages(_pdf(GUARD, "cour", 10))[0], seed)
    page = next(engine.process(encode_png(img), Options(tables=True)))
    assert [t.texts() for t in page.tables] == [[list(r) for r in GUARD]], params


def test_only_dropped_glyphs_are_put_back():
    assert _confusions_changed("lib/x86_64-linux-gnu/", "/lib/x86_64-linux-gnu/") == "/lib/x86_64-linux-gnu/"
    assert _confusions_changed("lib/×86_64-linux-gnu/", "/lib/x86_64-linux-gnu/") == "/lib/x86_64-linux-gnu/"
    assert _confusions_changed("/usr/ib/pkgconfig/", "/usr/lib/pkgconfig/") == "/usr/lib/pkgconfig/"
    assert _confusions_changed("Mib/systemd/", "/lib/systemd/") == "/lib/systemd/"
    assert _confusions_changed("libc6-1386", "libc6-i386") == "libc6-i386"
    assert _confusions_changed("linker/loader", "linker//loader") == "linker/loader"  # a slash inside: as read
    assert _confusions_changed("/usr/bin/", "/usr/blin/") == "/usr/bin/"  # an l not after a slash
    assert _confusions_changed("lib/", "Aib/") == "lib/"  # another letter
    assert _confusions_changed("a1386", "ai386") == "a1386"  # a 1 inside a word
    assert _confusions_changed("/usr/lib/软件包名/", "/usr/lib/软件包/") == "/usr/lib/软件包名/"  # a character lost


def test_a_path_is_read_again_only_where_its_text_shows_a_lost_glyph():
    from pipeline.tables.confusions import _lost_in_path
    lost = ["/usr/ib/pkgconfig/", "/usr/ibexec/", "/var/ib/dpkg/", "/usr/share/ocale/", "Mib/systemd/", "usr/share/doc/",
            "/usr/ib/i386-linux-gnu/软件包名/"]
    whole = ["/usr/lib/", "/usr/lib/i386-linux-gnu/", "/etc/ssl/certs/ldap.pem", "debian/rules", "Unix/Linux",
             "/dev/input/mice", "/usr/include/x86_64-linux-gnu/", "PS/2"]
    assert [p for p in lost if not _lost_in_path(p)] == []
    assert [p for p in whole if _lost_in_path(p)] == []
