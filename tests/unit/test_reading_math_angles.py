"""⟨argument⟩ brackets, in neither recognizer's character set, are told from the parentheses they
are read as by their straight strokes (pipeline/math_angles.py). Pages rendered from known text,
read by the real engine."""
import cv2
import pytest


from tests.factories import encode_png, degrade, render_text_image
from tests.line_crops import render_mixed_line

LINES = [
    "The optional argument ⟨trim⟩ goes in parentheses (if at all) after it.",
    "\\midrule[⟨wd⟩] and \\addlinespace[⟨space⟩] take one argument each.",
    "A brace {group} and a call f(x) stay as they are printed here.",
]


@pytest.mark.parametrize("scan", [False, True])
@pytest.mark.parametrize("size", [28, 32])
def test_angle_brackets_apart_from_parentheses_and_braces(engine, scan, size):
    # DejaVu Sans draws ⟨ ⟩ (Liberation Serif has no such glyphs).
    img = render_text_image(LINES, font="sans", size_px=size)
    if scan:
        img = degrade(img, blur=0.8, noise=8, jpeg_quality=60, seed=4)
    text = list(engine.process(encode_png(img)))[0].text.replace(" ", "")
    for word in ("⟨trim⟩", "(ifatall)", "[⟨wd⟩]", "[⟨space⟩]", "{group}", "f(x)"):
        assert word in text, text


def _read(engine, crop):
    h, w = crop.shape
    small = cv2.resize(crop, (round(w * 48 / h), 48), interpolation=cv2.INTER_AREA if h > 48 else cv2.INTER_LINEAR)
    [line] = engine.recognizer([small])
    return line.text


@pytest.mark.parametrize("size", [26, 30, 34])
@pytest.mark.parametrize("scan", [False, True])
def test_angle_brackets_cut_by_the_crops_foot(engine, size, scan):
    # Math brackets hang below the text; a line's box cut at most of their foot leaves their point below
    # the middle of the ink that is left: fitted with the point there, they are still a V, not an arc.
    crop = render_mixed_line([("set ⟨name⟩ and ⟨size⟩ here, or ⟨n⟩ then", "dejavu-serif")], size, cut_below=0.8)
    if scan:
        crop = degrade(crop, blur=0.8, noise=8, jpeg_quality=60, seed=3)
    assert _read(engine, crop) == "set ⟨name⟩ and ⟨size⟩ here, or ⟨n⟩ then"


@pytest.mark.parametrize("size", [26, 30, 34])
def test_opening_angle_read_as_less_than(engine, size):
    # A scanned ⟨pre⟩ comes out "<pre)": a "<" before a word opens a pair whose closing is clearly angled.
    # The "<" drawn here stands for the opening so read. A less-than between two letters, a tag closed by
    # ">" and real parentheses stay.
    crop = render_mixed_line([("if (a<b) then (x) or <pre⟩ and <b> tags", "dejavu-serif")], size, cut_below=0.5)
    assert _read(engine, crop) == "if (a<b) then (x) or ⟨pre⟩ and <b> tags"


@pytest.mark.parametrize("size", [26, 30])
def test_cjk_line_brackets_cut_by_the_crops_foot(engine, size):
    # Beside Chinese (a CJK face, the brackets in a serif one): angled brackets stay angled, full-width
    # parentheses stay round.
    parts = [("通式 ", "cjk"), ("⟨", "dejavu-serif"), ("属级部分", "cjk"), ("⟩", "dejavu-serif"), (" 表示，其中 ", "cjk"),
             ("⟨", "dejavu-serif"), ("经度", "cjk"), ("⟩", "dejavu-serif"), (" 有两类（二类）结构", "cjk")]
    crop = degrade(render_mixed_line(parts, size, cut_below=0.5), blur=0.8, noise=8, jpeg_quality=60, seed=3)
    assert _read(engine, crop).replace(" ", "") == "通式⟨属级部分⟩表示，其中⟨经度⟩有两类（二类）结构"
