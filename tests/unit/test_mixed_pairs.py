"""A bracket pair read half ASCII, half full-width is made alike where the page's own pairs and the opening's
place agree: ``(fduthesis）`` on a page of ASCII pairs around Latin, after a space, is ASCII; where they
disagree (``方法（simplex method)`` on a page of ASCII code brackets, the opening touching Chinese) or the
page's pairs are split evenly, the pair stays as read.

Lines are decoded by the real decoder from hand-built weights (one glyph per step, as in test_ctc); the page
check then runs on them."""

from pipeline.ctc import CtcDecoder
from pipeline.mixed_pairs import mixed_pairs
from tests.ctc_steps import sure_line

TEXT = ["% 中文论文模板 (fduthesis） % 英文论文模板 (fduthesis-en)", "执行 add(pic.fit()）。", "使用 draw(p) 和 fill(q) 画出",
        "命令必须放在环境（如 table 和 figure)中", "正文（见第 3 节）的内容", "单纯形方法（simplex method)是一种"]
ALONE = "安装 install-win.bat(Windows 系统）或其他"
DEC = CtcDecoder(sorted({ch for line in TEXT + [ALONE] for ch in line} - {" "}))


def _line(text: str):
    return sure_line(DEC, text)


def test_mixed_pairs_take_the_width_page_and_place_agree_on():
    out = [d.text for d in mixed_pairs([_line(t) for t in TEXT])]
    assert out[0] == "% 中文论文模板 (fduthesis) % 英文论文模板 (fduthesis-en)"
    assert out[1] == "执行 add(pic.fit())。"
    # Chinese inside, the opening touching Chinese, the page's Chinese pairs full-width.
    assert out[3] == "命令必须放在环境（如 table 和 figure）中"


def test_pairs_stay_where_page_and_place_disagree():
    lines = [_line(t) for t in TEXT]
    out = [d.text for d in mixed_pairs(lines)]
    # Latin inside on a page of ASCII Latin pairs, but the opening touches Chinese.
    assert out[5] == TEXT[5]
    assert out[2] == TEXT[2] and out[4] == TEXT[4]  # pairs read alike are never touched
    # No page pairs of either kind to go by: as read.
    alone = [_line(ALONE)]
    assert mixed_pairs(alone) == alone
