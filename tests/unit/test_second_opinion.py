"""A second reading by the larger recognizer (PP-OCRv6 small) of the lines the page's recognizer is unsure of."""
import dataclasses

import numpy as np
import pytest
from PIL import Image, ImageDraw

from pipeline.ctc import DecodedChar, DecodedLine
from pipeline.engine import Engine, EngineConfig
from pipeline.model_loading import SECOND_RECOGNIZER
from pipeline.second_opinion import SecondOpinionSettings, reread_unsure
from tests.factories import _pil_font, degrade, encode_png, render_text_image

LINE = "Invoice 2026-0099 was paid on 4 December."


@pytest.fixture(scope="module")
def checked():
    return Engine(EngineConfig(threads=1, second_opinion=SecondOpinionSettings(below=0.9)))


def _line(text: str, confidence: float) -> DecodedLine:
    return DecodedLine(tuple(DecodedChar(c, confidence, i, i + 1) for i, c in enumerate(text)), steps=len(text))


def _crops(n: int):
    crop = render_text_image([LINE], width=900, height=60, margin=10, size_px=30)
    return lambda indices: [crop] * len(indices)


def test_only_unsure_lines_are_read_again_and_kept_where_surer(checked):
    first = [_line("Invoice 2026-0O99 was pald on 4 Dccember.", 0.5), _line("kept as read", 0.95), _line("", 0.0)]
    out = reread_unsure(first, _crops(3), checked.second_recognizer, SecondOpinionSettings(below=0.9, budget=None))
    assert out[0].text == LINE and out[0].confidence > 0.9
    assert out[1] is first[1]
    assert out[2].text == LINE  # a line read as nothing is the least sure of all


def test_a_second_reading_less_sure_than_the_first_is_not_kept(checked):
    sure = _line("what the first recognizer read", 1.0)
    settings = SecondOpinionSettings(below=1.01, only_if_surer=True, budget=None)
    assert reread_unsure([sure], _crops(1), checked.second_recognizer, settings)[0] is sure
    always = dataclasses.replace(settings, only_if_surer=False)
    assert reread_unsure([sure], _crops(1), checked.second_recognizer, always)[0].text == LINE


def test_the_engine_loads_and_reports_the_larger_model_only_when_asked(checked):
    plain = Engine(EngineConfig(threads=1, second_opinion=SecondOpinionSettings(below=0)))
    assert plain.second_recognizer is None and SECOND_RECOGNIZER not in plain.model_info()
    assert SECOND_RECOGNIZER in checked.model_info()
    page = render_text_image([LINE, "Second line of the page."], width=1200, margin=60, size_px=30)
    [result] = list(checked.process(encode_png(page)))
    assert result.text == f"{LINE}\nSecond line of the page."
    assert SECOND_RECOGNIZER in result.models


def test_a_budget_reads_again_the_least_sure_lines_that_fit_in_it(checked):
    # Widths 200, 800, 200, 800 steps (2,000 in all, a page); a budget of 0.25 holds 500 steps.
    lines = [_line("a" * 200, 0.6), _line("b" * 800, 0.3), _line("c" * 200, 0.8), _line("d" * 800, 0.95)]
    settings = SecondOpinionSettings(below=0.9, budget=0.25, widest=None)
    assert SecondOpinionSettings(below=0.9).budget is not None  # the engine's default has one
    # The least sure line (b, 800 steps) does not fit; a and c do, and d is sure enough anyway.
    out = reread_unsure(lines, _crops(4), checked.second_recognizer, settings)
    assert [line.text == LINE for line in out] == [True, False, True, False]
    unlimited = reread_unsure(lines, _crops(4), checked.second_recognizer,
                              SecondOpinionSettings(below=0.9, budget=None, widest=None))
    assert [line.text == LINE for line in unlimited] == [True, True, True, False]


def test_a_few_lines_are_read_again_whatever_the_budget(checked):
    # One unsure line of a small image is the whole of its width, yet costs little: it is read again.
    [out] = reread_unsure([_line("Invoice 2026-0O99 was pald on 4 Dccember.", 0.5)], _crops(1),
                          checked.second_recognizer, SecondOpinionSettings(below=0.9, budget=0.05))
    assert out.text == LINE


def test_a_line_wider_than_the_larger_network_reads_at_once_is_read_in_pieces_at_its_spaces(checked):
    # The larger network's memory grows with its input's width: wider lines are cut at the first reading's spaces.
    crop = render_text_image([LINE], width=900, height=60, margin=10, size_px=30)
    [first] = checked.recognizer([crop])
    assert first.text == LINE and first.steps > 60
    settings = SecondOpinionSettings(below=1.01, budget=None, widest=first.steps // 2)
    [again] = reread_unsure([first], lambda indices: [crop] * len(indices), checked.second_recognizer, settings)
    assert again is not first and again.text == LINE
    assert [c.start for c in again.chars] == sorted(c.start for c in again.chars)  # pieces placed along the line
    assert again.steps == first.steps
    assert SecondOpinionSettings().widest is not None  # the engine's default has a limit


def test_a_wide_line_without_spaces_to_cut_at_keeps_its_first_reading(checked):
    wide, narrow = _line("w" * 320, 0.3), _line("n" * 280, 0.5)
    out = reread_unsure([wide, narrow], _crops(2), checked.second_recognizer,
                        SecondOpinionSettings(below=0.9, budget=None, widest=300))
    assert out[0] is wide and out[1].text == LINE
    unlimited = reread_unsure([wide, narrow], _crops(2), checked.second_recognizer,
                              SecondOpinionSettings(below=0.9, budget=None, widest=None))
    assert [line.text for line in unlimited] == [LINE, LINE]


def _small_dark_scan(text: str, seed: int):
    """A line of small print as a dark office scan's crop: grey on grey, blurred, noisy (soft edges, under 30 px)."""
    face = _pil_font("serif", 14)
    left, top, right, bottom = face.getbbox(text)
    img = Image.new("L", (right + 16, bottom - top + 8), 205)
    ImageDraw.Draw(img).text((8, 4 - top), text, font=face, fill=70)
    return degrade(np.asarray(img), blur=0.9, noise=11, jpeg_quality=60, seed=seed)


SMALL = ["useful document free in the sense of freedom: to assure everyone the effective",
         "freedom to copy and redistribute it, with or without modifying it, either commer-",
         "cially or noncommercially. Secondarily, this License preserves for the author and"]


def test_fairly_sure_small_print_is_read_again_from_its_plain_crop_only(checked, monkeypatch):
    """A line of blurred small print the first reading was fairly sure of (under ``small_below``, not under
    ``below``) costs the larger network one run: its smoothed crop is not read as well, as an unsure line's is
    where the plain reading is unsure."""
    second = checked.second_recognizer
    runs = []
    run = second.session.run
    monkeypatch.setattr(second.session, "run", lambda x: runs.append(x.shape) or run(x))
    settings = SecondOpinionSettings(below=0.9, budget=None, small_budget=None)
    smoothed_too = 0
    for seed, text in enumerate(SMALL):
        crop = _small_dark_scan(text, seed)
        runs.clear()
        second([crop])
        smoothed_too += len(runs) == 2
        for confidence, most in ((0.5, 2), (0.95, 1)):
            runs.clear()
            [again] = reread_unsure([_line(text, confidence)], lambda indices: [crop] * len(indices), second, settings)
            assert 1 <= len(runs) <= most
        assert again.text in (text, second([crop], smooth=False)[0].text)
    assert smoothed_too  # some line's plain reading was unsure enough to be read smoothed too
