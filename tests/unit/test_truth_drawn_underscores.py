"""The real-page truth prints an underscore that a page draws as a short rule on the baseline
(Texinfo's and LaTeX's ``\\_`` in a font without one); underlines, strike-throughs and table
rules stay out of the text."""
import pymupdf
import pytest

from bench.realdocs.truth import page_lines
from tests.factories import font_path

SIZE = 12.0
BASELINE = 100.0
RULE = object()  # an underscore drawn as TeX draws it: 0.07 em, a 0.3 em rule on the baseline, 0.07 em


def _page(parts: list, drawn: str = "stroke", extra=None) -> pymupdf.Page:
    """One line of ``parts`` (strings, or ``RULE``) from x = 72; ``extra(page, spans)`` draws more,
    given each string's (x0, x1)."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_font(fontname="lb", fontfile=str(font_path("serif")))
    font = pymupdf.Font(fontfile=str(font_path("serif")))
    x, spans = 72.0, []
    for part in parts:
        if part is RULE:
            x0, x1 = x + 0.07 * SIZE, x + 0.37 * SIZE
            if drawn == "stroke":  # pdfTeX from Texinfo: a stroked line 0.47 pt wide
                page.draw_line((x0, BASELINE - 0.23), (x1, BASELINE - 0.23), width=0.47)
            else:  # a filled rectangle on the baseline
                page.draw_rect(pymupdf.Rect(x0, BASELINE - 0.4, x1, BASELINE), color=None, fill=(0, 0, 0))
            x += 0.44 * SIZE
        else:
            page.insert_text((x, BASELINE), part, fontname="lb", fontsize=SIZE)
            spans.append((x, x + font.text_length(part, SIZE)))
            x += font.text_length(part, SIZE)
    if extra:
        extra(page, spans)
    return pymupdf.open(stream=doc.tobytes())[0]


def _texts(page: pymupdf.Page) -> list[str]:
    return [l.text for l in page_lines(page)]


@pytest.mark.parametrize("drawn", ["stroke", "fill"])
def test_an_underscore_drawn_as_a_rule_is_in_the_truth(drawn):
    parts = ["call ", RULE, "init with native", RULE, "bytes and utf8", RULE, "str; name", RULE, " only"]
    assert _texts(_page(parts, drawn)) == ["call _init with native_bytes and utf8_str; name_ only"]


def test_underscores_either_side_of_a_narrow_letter():
    assert _texts(_page(["a", RULE, "i", RULE, "b"])) == ["a_i_b"]


def test_a_rule_drawn_twice_is_one_underscore():
    def again(page, spans):
        x = spans[0][1] + 0.07 * SIZE
        page.draw_line((x, BASELINE - 0.23), (x + 0.3 * SIZE, BASELINE - 0.23), width=0.47)
    assert _texts(_page(["edit", RULE, "history"], extra=again)) == ["edit_history"]


def _underline(page, spans):  # under the second word, 1.5 pt below the baseline
    page.draw_line((spans[1][0], BASELINE + 1.5), (spans[1][1], BASELINE + 1.5), width=0.4)


def _strike(page, spans):  # through every word at mid x-height
    for x0, x1 in spans:
        page.draw_line((x0, BASELINE - 0.25 * SIZE), (x1, BASELINE - 0.25 * SIZE), width=0.4)


def _table_rule(page, spans):  # across the column, just below the row
    page.draw_line((72, BASELINE + 2.5), (523, BASELINE + 2.5), width=0.4)


def _glyph_by_glyph_underline(page, spans):  # xeCJKfntef's \uline: a piece under each glyph and each space
    font = pymupdf.Font(fontfile=str(font_path("serif")))
    x = spans[0][0]
    for ch in "a linked word in a row":
        w = font.text_length(ch, SIZE)
        page.draw_line((x, BASELINE + 1.2), (x + w, BASELINE + 1.2), width=0.4)
        x += w


def _dash_rule(page, spans):  # a rule at dash height in a word gap
    x = spans[0][1] + 0.05 * SIZE
    page.draw_line((x, BASELINE - 0.3 * SIZE), (x + 0.3 * SIZE, BASELINE - 0.3 * SIZE), width=0.4)


def _dashed_line(page, spans):  # a figure's dashed line on the baseline, from the end of the last word on
    x = spans[-1][1] + 0.05 * SIZE
    while x < 400:
        page.draw_line((x, BASELINE - 0.4), (x + 0.4 * SIZE, BASELINE - 0.4), width=0.8)
        x += 0.8 * SIZE


def _drawn_symbol(page, spans):  # a symbol drawn as one path (a ⊂ whose bottom stroke sits on the baseline) after a word
    x = spans[-1][1] + 0.05 * SIZE
    top, bottom = BASELINE - 0.5 * SIZE, BASELINE - 0.2
    shape = page.new_shape()
    shape.draw_bezier((x + 0.4 * SIZE, top), (x, top), (x, bottom), (x + 0.1 * SIZE, bottom))
    shape.draw_line((x + 0.1 * SIZE, bottom), (x + 0.4 * SIZE, bottom))
    shape.finish(width=0.4, color=(0, 0, 0))
    shape.commit()


@pytest.mark.parametrize("extra", [_underline, _strike, _table_rule, _glyph_by_glyph_underline, _dash_rule, _dashed_line,
                                   _drawn_symbol])
def test_underlines_strikes_and_table_rules_stay_out(extra):
    page = _page(["a ", "linked", " word in a row"], extra=extra)
    assert _texts(page) == ["a linked word in a row"]
