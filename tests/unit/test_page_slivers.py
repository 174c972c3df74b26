"""A glyph's sliver read again by the OCR line beside it is left out of the page's text, not only out of
a table's cells: cells set close on a scan, one line's crop taking in the edge of the next cell's first
glyph (`9 9,076`, `月` the left of `用` before `用于 SSH…`, `中` after `中文拼音输入法`)."""
from __future__ import annotations
from collections import Counter
import pytest
from bench.scan import scan_like
from pipeline import Options
from pipeline.page_slivers import drop_page_slivers
from pipeline.punctuation import is_cjk
from pipeline.result import Line, Word
from tests.factories import encode_png, normalize_whitespace
from tests.table_factories import random_table, render_pages, table_pdf
from tests.unit.test_tables_slivers import HEAD, PACKAGES, _packages_pdf


@pytest.mark.parametrize("seed", [3, 4])
def test_no_chinese_character_read_twice_in_the_page_text(engine, seed):
    img, params = scan_like(render_pages(_packages_pdf(seed))[0], seed * 7 + 1)
    text = next(engine.process(encode_png(img), Options())).text
    truth = "".join("".join(r) for r in [HEAD, *PACKAGES[seed][1]]) + f"表 {seed}.1. 常用的软件包"
    extra = Counter(c for c in text if is_cjk(c)) - Counter(c for c in truth if is_cjk(c))
    assert not extra, (extra, params)


@pytest.mark.parametrize("seed,lang,shape,scan_seed", [(100, "en", "spans", 3204), (101, "en", "wraps", 3365),
                                                       (101, "zh", "wraps", 3370)])
def test_no_figure_read_twice_in_the_page_text(engine, seed, lang, shape, scan_seed):
    spec = random_table(seed, lang=lang, rules="header", spans=shape == "spans", wraps=shape == "wraps")
    img, params = scan_like(render_pages(table_pdf(spec))[0], scan_seed)
    text = normalize_whitespace(next(engine.process(encode_png(img), Options())).text)
    for cell in spec.cells:
        if cell.truth[:1].isdigit():
            assert f" {cell.truth[0]} {cell.truth}" not in f" {text}", (cell.truth, params)


def _line(*words: tuple[str, tuple[float, float, float, float]]) -> Line:
    box = [min(b[0] for _, b in words), min(b[1] for _, b in words), max(b[2] for _, b in words),
           max(b[3] for _, b in words)]
    return Line(text=" ".join(t for t, _ in words), confidence=0.9, box=box,
                words=[Word(t, 0.9, list(b)) for t, b in words])


def test_a_sliver_goes_from_its_line_and_a_line_of_a_sliver_goes_whole():
    logo = _line(("LATEX", (174, 78, 586, 319)), ("S", (669, 78, 710, 319)))  # a large logo's crop takes in the S
    title = _line(("Sophisticated", (670, 92, 967, 161)), ("professional", (990, 91, 1264, 160)))
    alone = _line(("2", (469, 748, 480, 782)))
    cell = _line(("2,969", (471, 738, 540, 782)))
    out = drop_page_slivers([logo, title, alone, cell])
    assert [l.text for l in out] == ["LATEX", "Sophisticated professional", "2,969"]
    assert [w.text for w in out[0].words] == ["LATEX"]


def test_a_narrow_word_is_kept_beside_a_word_it_is_not_part_of():
    # `1` before a word starting with another letter; a comma before a word farther on
    one = _line(("Figure", (100, 100, 180, 130)), ("1", (185, 100, 192, 130)))
    nxt = _line(("shows", (193, 100, 260, 130)))
    comma = _line(("a", (300, 200, 320, 230)), (",", (322, 212, 328, 234)))
    far = _line((",b", (345, 200, 380, 230)))
    assert drop_page_slivers([one, nxt, comma, far]) == [one, nxt, comma, far]
