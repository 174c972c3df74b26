"""Word spaces from the line image's ink gaps (pipeline/spacing.py), with the real recognizer.

On real pages the recognizer sometimes emits no space at a wide word gap
(`2.8Testing`, `dear!Something`, words of a stretched justified line) and
gives the space class only a few per cent there. To test the repair on
inputs made here, a line with wide gaps is rendered and read by the real
model, then its space characters are taken out and the space class capped
at a few per cent, as on those pages: the gaps in the image are still there
and must come back as spaces, in the same places.
"""
import cv2
import numpy as np
import pytest

from pipeline.ctc import DecodedLine
from pipeline.engine import Engine, EngineConfig
from pipeline.line_ink import LineInk
from pipeline.spacing import add_missing_spaces
from tests.factories import degrade, encode_png, render_text_image
from tests.line_crops import recognizer_crop, render_mixed_line


@pytest.fixture(scope="module")
def recognizer():
    return Engine(EngineConfig(threads=1)).recognizer


def _read(recognizer, text, font, size_px=30, scan=False):
    """The model's output on one rendered line: the crop it saw, its probabilities, the decoded line."""
    img = render_text_image([text], font=font, size_px=size_px, width=2600, margin=24)
    if scan:
        img = degrade(img, blur=0.8, noise=8, jpeg_quality=60, seed=3)
    ys, xs = np.nonzero(img < 128)
    pad = (ys.max() - ys.min()) // 3
    crop = img[max(0, ys.min() - 4) : ys.max() + 5, max(0, xs.min() - pad) : xs.max() + pad]
    resized = recognizer._resize(crop)
    probs = recognizer.session.run(recognizer.network_input([resized]))[0]
    return resized, probs, recognizer.decoder.decode(probs)


def _unsure_of_spaces(recognizer, line: DecodedLine, probs: np.ndarray, cap: float = 0.03):
    """The line without its spaces, and the space class capped at ``cap``."""
    space = recognizer.decoder.num_classes - 1
    probs = probs.copy()
    probs[:, space] = np.minimum(probs[:, space], cap)
    return DecodedLine(tuple(c for c in line.chars if c.char != " "), line.steps), probs


@pytest.mark.parametrize("font", ["serif", "sans"])
@pytest.mark.parametrize("scan", [False, True])
def test_dropped_wide_word_gaps_come_back_where_printed(recognizer, font, scan):
    text = "   ".join("2.8 Testing values: Oh dear! Something went wrong, so the solution. It works".split())
    crop, probs, line = _read(recognizer, text, font, scan=scan)
    assert "".join(line.text.split()) == "".join(text.split())  # the model reads the characters right
    bare, unsure = _unsure_of_spaces(recognizer, line, probs)
    fixed = add_missing_spaces(bare, LineInk(crop), unsure, recognizer.decoder.num_classes - 1)
    assert fixed.text.split() == text.split()


def test_model_own_output_gets_the_word_gap_it_missed(recognizer):
    # On this degraded serif line the model itself runs `dear!Something` together.
    text = "   ".join("Oh dear! Something went wrong".split())
    crop, probs, line = _read(recognizer, text, "serif", scan=True)
    assert line.text.split() != text.split()
    fixed = add_missing_spaces(line, LineInk(crop), probs, recognizer.decoder.num_classes - 1)
    assert fixed.text.split() == text.split()


def test_stretched_justified_line_keeps_every_word_apart(recognizer):
    text = "as    the    library    is    loaded    by    inspecting    the    result"
    crop, probs, line = _read(recognizer, text, "serif", scan=True)
    bare, unsure = _unsure_of_spaces(recognizer, line, probs, cap=0.0)
    fixed = add_missing_spaces(bare, LineInk(crop), unsure, recognizer.decoder.num_classes - 1)
    assert fixed.text.split() == text.split()


def test_no_space_inserted_inside_words_or_monospace_code(recognizer):
    for text, font in [("\\textrm{..} or \\rmfamily and file.ltx", "mono"),
                       ("illuminating millimetre communism", "serif"),
                       ("itemize{1,2,3}fi;if(l)", "mono")]:
        crop, probs, line = _read(recognizer, text, font)
        assert add_missing_spaces(line, LineInk(crop), probs, recognizer.decoder.num_classes - 1).text == line.text


def test_no_space_between_chinese_characters(recognizer):
    text = "第三条 合同总金额为人民币伍拾万元整，含增值税。"
    crop, probs, line = _read(recognizer, text.replace(" ", "        "), "cjk")
    fixed = add_missing_spaces(line, LineInk(crop), probs, recognizer.decoder.num_classes - 1)
    assert fixed.text == text.replace(" ", "")


def test_blank_crop_is_left_alone(recognizer):
    crop = np.full((48, 200), 255, np.uint8)
    probs = np.zeros((25, recognizer.decoder.num_classes), np.float32)
    probs[:, 0] = 1.0
    line = recognizer.decoder.decode(probs)
    assert add_missing_spaces(line, LineInk(crop), probs, recognizer.decoder.num_classes - 1) == line
    assert cv2.countNonZero(255 - crop) == 0


@pytest.mark.parametrize("font", ["cjk", "cjk-serif"])
def test_space_between_chinese_and_latin_only_where_the_page_leaves_a_gap(recognizer, font):
    # xeCJK sets about a quarter em between Chinese and Latin; two ASCII spaces make a gap that wide.
    spaced = "采用  LATEX3  风格的键值设置，编译方式为  pdf  和  XeTEX  两种"
    crop, probs, line = _read(recognizer, spaced, font)
    bare, unsure = _unsure_of_spaces(recognizer, line, probs, cap=0.0)
    fixed = add_missing_spaces(bare, LineInk(crop), unsure, recognizer.decoder.num_classes - 1)
    assert fixed.text.split() == spaced.split()
    # Run together as a word processor sets it: no space is added.
    tight = "签订日期为2024年3月15日，共计12个月，采用LATEX3和XeTEX两种"
    crop, probs, line = _read(recognizer, tight, font)
    assert " " not in add_missing_spaces(line, LineInk(crop), probs, recognizer.decoder.num_classes - 1).text


@pytest.mark.parametrize("line", ["这个选项 -halt-on-error 很有用"])
def test_space_between_chinese_and_an_ascii_mark_where_printed(line):
    # A command or option beside Chinese text starts with a mark, not a letter: the
    # printed gap decides the space there as it does before a Latin letter.
    engine = Engine(EngineConfig(threads=1))
    img = render_text_image([line], font="cjk-serif", size_px=32)
    assert list(engine.process(encode_png(img)))[0].text == line


@pytest.mark.parametrize("font", ["cjk", "cjk-serif"])
@pytest.mark.parametrize("scan", [False, True])
def test_a_quarter_em_between_chinese_and_latin_is_a_space(recognizer, font, scan):
    # xeCJK's default glue between Chinese and Latin is a quarter em (U+2005 here); a scan's
    # blur narrows it further. Every such gap, before a letter or a digit, is a space.
    spaced = "采用\u2005LATEX3\u2005风格的键值设置，编译方式为\u2005pdf\u2005和\u2005XeTEX\u2005两种，共\u200512\u2005个月"
    crop, probs, line = _read(recognizer, spaced, font, scan=scan)
    bare, unsure = _unsure_of_spaces(recognizer, line, probs, cap=0.0)
    fixed = add_missing_spaces(bare, LineInk(crop), unsure, recognizer.decoder.num_classes - 1)
    assert fixed.text == spaced.replace("\u2005", " ")


# An operator table's left column (``x + y`` beside its description, a segment of its own): three glyphs, two
# word gaps and no letter gap to compare them with. Italic operands, a typewriter operator.
@pytest.mark.parametrize("op", ["+", "*", "<", "&", "^", "=="])
@pytest.mark.parametrize("size", [24, 30])
def test_spaces_of_a_short_segment_without_letter_gaps(recognizer, op, size):
    raw = render_mixed_line([("x", "serif-italic"), (f" {op} ", "mono"), ("y", "serif-italic")], size)
    crop = cv2.resize(raw, (round(raw.shape[1] * 48 / raw.shape[0]), 48), interpolation=cv2.INTER_AREA)
    [line] = recognizer([crop])
    assert line.text.lower() == f"x {op} y"  # the model reads the italic x as X


@pytest.mark.parametrize("text", ["of", "Hi!", "(a)", "2.1"])
@pytest.mark.parametrize("font", ["serif", "sans"])
def test_no_space_inside_a_short_segment(recognizer, text, font):
    [line] = recognizer([recognizer_crop(text, font, 30)])
    assert line.text == text
