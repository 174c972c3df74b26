"""Cells set close together on a scan: the OCR line of one cell (or a line of its own) takes in a sliver of
the next cell's first glyph and reads it as a character, and the table step put it in a cell beside the
whole word (`2,969 2`, `中中文拼音输入法`). pipeline/tables/slivers.py leaves such slivers out."""
from __future__ import annotations
import itertools
import pymupdf
import pytest
from bench.scan import scan_like
from bench.tables.metrics import norm
from pipeline import Options
from pipeline.tables.model import Token
from pipeline.tables.slivers import drop_slivers
from tests.factories import encode_png
from tests.table_factories import random_table, render_pages, table_pdf

FONTS = {name: pymupdf.Font(name) for name in ("china-s", "tiro")}
HEAD = ("软件包", "流行度", "大小", "说明")
# a reference manual's table of packages (the popularity column's `I` the recognizer reads `1`: not checked)
PACKAGES = {
    3: (10.0, [("gnupg2", "V:241, I:266", "9034", "用于 SSH 的安全 shell 服务器"),
               ("debconf-utils", "V:99, I:735", "7714", "使用 Git 维护 Debian 软件包"),
               ("ntfs-3g", "V:282, I:488", "6516", "本地化设置"), ("mdadm", "V:78, I:238", "2494", "显示 /etc/fstab 的内容"),
               ("fonts-noto-cjk", "V:268, I:400", "258", "本地化设置"),
               ("lvm2", "V:33, I:164", "9694", "基于终端的交互式软件包管理器"),
               ("apt-file", "V:155, I:799", "518", "显示 /etc/fstab 的内容"),
               ("aptitude", "V:138, I:485", "9754", "中文拼音输入法")]),
    4: (9.0, [("dpkg-dev", "V:11, I:412", "9011", "快速的远程文件复制程序"),
              ("openssh-server", "V:31, I:228", "8535", "使用 Git 维护 Debian 软件包"),
              ("fonts-noto-cjk", "V:185, I:284", "2838", "显示 /etc/fstab 的内容"),
              ("debconf-utils", "V:55, I:269", "3522", "基于终端的交互式软件包管理器"),
              ("apt-file", "V:134, I:820", "4462", "用于 SSH 的安全 shell 服务器"), ("mdadm", "V:85, I:318", "4755", "本地化设置")]),
}


def _cjk(ch: str) -> bool:
    return "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef"


def _put(page, x: float, y: float, text: str, size: float) -> float:
    """Chinese in a Chinese font, the rest in Times; returns the width."""
    x0 = x
    for cjk, run in itertools.groupby(text, key=_cjk):
        run, name = "".join(run), "china-s" if cjk else "tiro"
        if page is not None:
            page.insert_text((x, y), run, fontname=name, fontsize=size)
        x += FONTS[name].text_length(run, size)
    return x - x0


def _packages_pdf(seed: int) -> bytes:
    """The table under a caption, rules above and below the header and under the last row, cells 10 pt apart."""
    size, rows = PACKAGES[seed]
    rows = [HEAD, *rows]
    widths = [max(_put(None, 0, 0, r[c], size) for r in rows) + 10 for c in range(4)]
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_text((72, 120), f"表 {seed}.1. 常用的软件包", fontname="china-s", fontsize=size)
    shape, pitch, y = page.new_shape(), size * 1.9, 150.0
    for row in rows:
        x = 72.0
        for c, text in enumerate(row):
            _put(page, x + 5, y + pitch * 0.68, text, size)
            x += widths[c]
        y += pitch
    for yy in (150.0, 150.0 + pitch, y):
        shape.draw_line((72, yy), (72 + sum(widths), yy))
    shape.finish(color=(0, 0, 0), width=0.6)
    shape.commit()
    return doc.tobytes()


@pytest.mark.parametrize("seed", [3, 4])
def test_a_chinese_cell_does_not_start_with_a_sliver_of_its_first_character(engine, seed):
    img, params = scan_like(render_pages(_packages_pdf(seed))[0], seed * 7 + 1)
    page = next(engine.process(encode_png(img), Options(tables=True)))
    found = [[row[0], row[2], row[3]] for t in page.tables for row in t.texts()]
    assert found == [[r[0], r[2], r[3]] for r in [HEAD, *PACKAGES[seed][1]]], params


# the tables bench's generated scans 020, 046 and 047 (python -m bench.tables.rescore): seed, rules, shape,
# language and the scan's seed; main read `9 9,076`, `2,969 2`, `3 3187.13`, `3 3455.40`
@pytest.mark.parametrize("seed,lang,shape,scan_seed", [(100, "en", "spans", 3204), (101, "en", "wraps", 3365),
                                                       (101, "zh", "wraps", 3370)])
def test_a_figure_is_not_read_twice_beside_its_cell(engine, seed, lang, shape, scan_seed):
    spec = random_table(seed, lang=lang, rules="header", spans=shape == "spans", wraps=shape == "wraps")
    img, params = scan_like(render_pages(table_pdf(spec))[0], scan_seed)
    page = next(engine.process(encode_png(img), Options(tables=True)))
    found = {(c.row, c.col): norm(c.text) for t in page.tables for c in t.cells}
    for cell in spec.cells:
        if any(ch.isdigit() for ch in cell.truth):
            assert found.get((cell.row, cell.col)) == norm(cell.truth), params


def test_only_a_sliver_at_the_start_of_another_lines_word_is_left_out():
    line = [Token("2,969", (367, 748, 429, 782)), Token("3", (469, 748, 480, 782))]  # 3 the sliver
    nxt = [Token("3455.40", (471, 738, 560, 782))]
    assert [t.text for t in drop_slivers([line, nxt])] == ["2,969", "3455.40"]
    # a Chinese glyph's left edge read as another character (`3` for the edge of `列`)
    cmd = [Token("insta11", (300, 752, 400, 787)), Token("3", (818, 752, 825, 787))]
    assert [t.text for t in drop_slivers([cmd, [Token("列出软件包的文件", (828, 743, 1015, 789))]])] == \
        ["insta11", "列出软件包的文件"]
    # the last glyph's edge, read by the line after it
    assert [t.text for t in drop_slivers([[Token("2270", (563, 678, 612, 716))], [Token("0", (613, 675, 622, 716))]])] \
        == ["2270"]
    cp = [Token("p", (253, 674, 260, 709)), Token("-a", (282, 675, 305, 710))]
    assert [t.text for t in drop_slivers([[Token("cp", (233, 681, 252, 710))], cp])] == ["cp", "-a"]
    # a narrow mark of its own: another character, or another line's word starting farther on
    comma = [Token("a", (300, 748, 320, 782)), Token(",", (322, 760, 328, 786))]
    far = [Token(",b", (345, 748, 380, 782))]
    same_line = [Token("1", (400, 748, 408, 782)), Token("15", (409, 748, 430, 782))]
    assert len(drop_slivers([comma, far, same_line])) == 5
    # two slivers over each other: neither is a word's start, both kept
    assert len(drop_slivers([[Token("源", (613, 570, 621, 611))], [Token("原", (614, 574, 621, 611))]])) == 2
