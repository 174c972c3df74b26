"""A reference manual's table of files and packages in a typewriter face, scanned: the page's recognizer reads
many an `l` as `1` (`/var/1og/sys1og`, `uti1-1inux`) and a path's slash as `l` (`letc/fstab`) with confidence, so
the second opinion never sees those lines. pipeline/tables/confusions.py reads such words again with the larger
recognizer and takes its `l`s and slashes."""
from __future__ import annotations


import pymupdf
import pytest
from bench.scan import scan_like
from pipeline import Options
from pipeline.tables.confusions import _confusions_changed
from tests.factories import encode_png
from tests.table_factories import put_mixed as _put, render_pages

ROWS = [("文件", "功能", "软件包"), ("/var/log/syslog", "系统日志", "rsyslog"), ("/etc/fstab", "文件系统表", "util-linux"),
        ("/etc/apt/sources.list", "显示 APT 源", "apt"), ("/usr/share/doc/", "文档", "debconf-utils"),
        ("/etc/default/grub", "引导设置", "locales"), ("/dev/null", "空设备", "ibus-libpinyin")]


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


# paths in Times at 9 pt: a path's first or last slash read `l` on these scans (`letc/fstab`, `/usr/share/docl`)
PATHS = {43: ("header", [("文件", "功能", "软件包"), ("/proc/cpuinfo", "显示 APT 源", "cron"),
                         ("/usr/share/doc/", "打印第一列", "ibus-libpinyin"), ("/etc/fstab", "复制目录", "dosfstools"),
                         ("/etc/hosts", "列出目录内容", "util-linux")]),
         141: ("grid", [("文件", "功能", "软件包"), ("/usr/share/doc/", "列出目录内容", "rsync"),
                        ("/etc/apt/sources.list", "列出软件包的文件", "apt-file"),
                        ("/etc/default/grub", "修改文件权限", "debconf-utils"), ("/etc/hosts", "远程登录", "fonts-noto-cjk"),
                        ("/dev/null", "以只读方式挂载", "rsync")])}


def _paths_pdf(rules: str, rows: list[tuple[str, ...]]) -> bytes:
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_text((72, 120), "表 6.1. 常用的命令", fontname="china-s", fontsize=9)
    widths = [max(_put(None, 0, 0, r[c], "tiro", 9) for r in rows) + 10 for c in range(3)]
    shape, pitch = page.new_shape(), 9 * 1.9
    for k, row in enumerate(rows):
        x, y = 72.0, 150 + k * pitch
        for c, text in enumerate(row):
            _put(page, x + 5, y + pitch * 0.68, text, "tiro", 9)
            if rules == "grid":
                shape.draw_rect(pymupdf.Rect(x, y, x + widths[c], y + pitch))
            x += widths[c]
    if rules == "header":
        for y in (150, 150 + pitch, 150 + len(rows) * pitch):
            shape.draw_line((72, y), (72 + sum(widths), y))
    shape.finish(color=(0, 0, 0), width=0.6)
    shape.commit()
    return doc.tobytes()


@pytest.mark.parametrize("seed", sorted(PATHS))
def test_paths_keep_their_slashes(engine, seed):
    rules, rows = PATHS[seed]
    img, params = scan_like(render_pages(_paths_pdf(rules, rows))[0], seed)
    page = next(engine.process(encode_png(img), Options(tables=True)))
    assert [t.texts() for t in page.tables] == [[list(r) for r in rows]], params


def test_only_confused_characters_change():
    assert _confusions_changed("uti1-1inux", "util-linux") == "util-linux"
    assert _confusions_changed("Fi1e 1ist", "File list") == "File list"
    assert _confusions_changed("Fi1e, 1ist", "File. list") == "Fi1e, 1ist"  # another difference: as read
    assert _confusions_changed("sha1sum", "sha1sum") == "sha1sum"
    assert _confusions_changed("x11", "xll1") == "x11"  # a letter read as a 1 is not taken
    assert _confusions_changed("1vm2", "lvm") == "1vm2"  # another length
    assert _confusions_changed("letc/fstab", "/etc/fstab") == "/etc/fstab"
    assert _confusions_changed("7lib/×86_64-linux-gnu/", "/lib/x86_64-linux-gnu/") == "/lib/x86_64-linux-gnu/"
    assert _confusions_changed("/usr/share/docl", "/usr/share/doc/") == "/usr/share/doc/"
    assert _confusions_changed("linker/loader", "linker//oader") == "linker/loader"  # a slash only at an end
    assert _confusions_changed("caption v1.x", "caption vl.x") == "caption v1.x"  # a version's 1 stays
    assert _confusions_changed("v1.2 and 1ibfoo", "vl.2 and libfoo") == "v1.2 and libfoo"
