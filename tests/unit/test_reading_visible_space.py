"""The visible-space mark ␣ that manuals print for a typed space is read as ␣, not as the ``u`` the
recognizers know; a real ``u`` stays one. Lines rendered from known text, read by the real engine."""
import pytest


from tests.factories import degrade, encode_png, render_text_image

LINES = [
    "Type \\␣ for a space: i. ␣sp. and ii. ␣sp.␣nov. or ␣var.␣name here.",
    "Our summer houses run up a useful route, unusual but true.",
]


@pytest.mark.parametrize("size,scan", [(24, False), (32, True)])
def test_visible_space_mark_is_read_as_printed(engine, size, scan):
    img = render_text_image(LINES, font="sans", size_px=size)
    if scan:
        img = degrade(img, blur=0.8, noise=8, jpeg_quality=60, seed=1)
    first, second = list(engine.process(encode_png(img)))[0].text.splitlines()
    for word in ["\\␣", "␣sp.␣nov.", "␣var.␣name"]:
        assert word in first
    assert first.count("u") == 0
    assert second == LINES[1]  # every u of a line of small letters stays a u


# DejaVu Serif draws the mark with a short left arm and a long bar: read as an ``L``, as TeX's typewriter mark
# is on scans (and as a ``∪`` by the second recognizer). Told by the same heights as a ``u``; a real capital L
# reaches the cap height and a real cup stands on the baseline, so both stay.
SERIF_LINES = [
    "v. ␣aff.␣name; vi. ␣aff.␣word; vii. ␣cf.␣name; viii. ␣cf.␣word;",
    "i. ␣subsp.␣name; ii. ␣var.␣name; iii. ␣cf.␣name; iv. ␣'name'.",
    "Large Lakes lie in Lund, and the union A ∪ B of the sets too.",
]


@pytest.mark.parametrize("size", [26, 34])
def test_visible_space_read_as_a_capital_in_a_serif_face(engine, size):
    img = render_text_image(SERIF_LINES, font="dejavu-serif", size_px=size)
    first, second, third = list(engine.process(encode_png(img)))[0].text.splitlines()
    for word in ("␣subsp.", "␣var.␣name", "␣cf.", "␣’name’"):
        assert word in second, second
    assert "L" not in second, second
    assert third == SERIF_LINES[2]  # real capitals and a real cup stay as printed


def test_a_mark_sharing_its_time_step_has_no_cell():
    # Two characters decoded on one step (a mark and the letter the model put beside it) leave the second no
    # cell of its own: it is skipped, not labelled (OpenCV crashed on the empty slice), and the line stays.
    from pipeline.ctc import DecodedChar, DecodedLine
    from pipeline.line_ink import LineInk
    from pipeline.visible_space import visible_spaces
    from tests.line_crops import recognizer_crop

    crop = recognizer_crop("Lo a Lu", "dejavu-serif")
    steps = crop.shape[1] // 8
    chars = (DecodedChar("L", 0.9, 2, 3), DecodedChar("o", 0.9, 5, 6), DecodedChar("a", 0.9, 9, 10),
             DecodedChar("u", 0.9, 9, 10), DecodedChar("L", 0.9, 9, 10), DecodedChar("u", 0.9, 14, 15))
    line = DecodedLine(chars, steps)
    assert visible_spaces(line, LineInk(crop)).text == line.text


@pytest.mark.parametrize("text,want", [
    ("插入 ∪ 盘", "插入 U 盘"),  # a USB stick's U in a sans-serif face, read as the union
    ("∪型", "U型"),
    ("集合 A ∪ B 的", "集合 A ∪ B 的"),  # a union between sets' names stays
    ("并集 ∪ 1", "并集 ∪ 1"),
    ("A∪盘", "A∪盘"),
])
def test_a_union_sign_in_chinese_text_is_the_letter_u(text, want):
    from pipeline.ctc import DecodedChar, DecodedLine
    from pipeline.line_ink import LineInk
    from pipeline.visible_space import visible_spaces
    from tests.line_crops import recognizer_crop

    crop = recognizer_crop("插入 U 盘", "sans")
    chars = tuple(DecodedChar(ch, 0.9, 2 * k, 2 * k + 1) for k, ch in enumerate(text))
    line = DecodedLine(chars, crop.shape[1] // 8)
    assert visible_spaces(line, LineInk(crop)).text == want
