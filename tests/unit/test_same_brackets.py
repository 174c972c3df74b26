"""A term a page sets in mathematical angle brackets (⟨种加词⟩, ⟨pre⟩) is written so where one of its brackets'
ink was too ragged to tell from a parenthesis and it came out round; a term the page sets in round brackets
as often or more, or only so, stays round.

Lines are decoded by the real decoder from hand-built weights (one glyph per step, as in test_ctc); the page
check then runs on them."""

from pipeline.ctc import CtcDecoder
from pipeline.same_brackets import same_brackets
from tests.ctc_steps import sure_line

TEXT = ["i. sp.; iii. ⟨种加词⟩; iv. ×⟨种加词⟩;", "v. aff. (种加词); vi. aff. ×⟨种加词⟩;",
        "insert ⟨pre⟩ and (post) before", "By default (pre) and ⟨post⟩ are empty", "as set (see above) and (see above)",
        "9. （标本份数）：标本的同号复份数目", "每个命令将输出 ⟨标本份数⟩ 张"]
DEC = CtcDecoder(sorted({ch for line in TEXT for ch in line} - {" "}))


def _line(text: str):
    return sure_line(DEC, text)


def test_round_terms_the_page_sets_angled_are_written_angled():
    out = [d.text for d in same_brackets([_line(t) for t in TEXT])]
    assert out[1] == "v. aff. ⟨种加词⟩; vi. aff. ×⟨种加词⟩;"
    assert out[2:4] == ["insert ⟨pre⟩ and ⟨post⟩ before", "By default ⟨pre⟩ and ⟨post⟩ are empty"]
    assert out[5] == "9. ⟨标本份数⟩：标本的同号复份数目"
    assert out[4] == "as set (see above) and (see above)"  # never angled on the page


def test_terms_more_often_round_stay_round():
    lines = [_line("insert ⟨pre⟩ and (post) before"), _line("By default (pre) and (pre) are empty")]
    assert [d.text for d in same_brackets(lines)] == [d.text for d in lines]
    plain = [_line("as set (see above) and (see above)")]
    assert same_brackets(plain) == plain
