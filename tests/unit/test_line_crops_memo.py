"""The lines' crops and ink kept on the page's ``PageWork`` (``upright.line_crops``, ``line_inks``): the page checks
ask for the same lines again and again, and each line is cut, thresholded and labelled once. What is kept must be
what cutting afresh gives, and must be cut again once what it was cut from changes: the image (a page turned),
a line's box, or a neighbour's box that now reaches into the line's (``linecrop.crowded``)."""
import numpy as np
from PIL import Image, ImageDraw

from pipeline.ctc import DecodedChar, DecodedLine
from pipeline.line_ink import LineInk
from pipeline.linecrop import crowded
from pipeline.page_rereads import inks_of, lines_with, reads_any
from pipeline.page_work import PageWork
from pipeline.upright import LineCrops, _crop, line_crops, line_inks
from tests.factories import _pil_font, degrade

LINES = ["small print set with room", "a second short line", "and a third one"]


def _page() -> PageWork:
    """``LINES`` in 12-px print, 40 px apart; each box about twice its ink's height (small print, set with room)."""
    face = _pil_font("sans", 12)
    img = Image.new("L", (320, 40 + 40 * len(LINES)), 240)
    draw = ImageDraw.Draw(img)
    quads = []
    for i, text in enumerate(LINES):
        y = 20 + 40 * i
        draw.text((20, y), text, font=face, fill=40)
        left, top, right, bottom = face.getbbox(text)
        mid, half = y + (top + bottom) / 2, 0.9 * (bottom - top)
        quads.append(np.array([[15 + left, mid - half], [25 + right, mid - half], [25 + right, mid + half],
                               [15 + left, mid + half]], dtype=np.float32))
    page = degrade(np.asarray(img), blur=0.6, noise=6, jpeg_quality=80, seed=3)
    return PageWork(gray=page, quads=quads, to_page=np.eye(3))


def _fresh(work: PageWork, i: int) -> np.ndarray:
    """Line ``i``'s crop cut afresh, as ``recognize_upright`` cut it before anything was kept."""
    return _crop(work, work.quads[i], crowded(work.quads)[i])


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool(np.array_equal(a, b))


def test_kept_crops_and_ink_are_those_cut_afresh_and_cut_once():
    work = _page()
    at = list(range(len(LINES)))
    first = line_crops(work, at)
    assert all(_same(c, _fresh(work, i)) for i, c in zip(at, first))
    assert all(a is b for a, b in zip(first, line_crops(work, at)))  # asked again: not cut again
    inks = line_inks(work, at)
    for crop, ink in zip(first, inks):
        count, labels, stats, _ = LineInk(np.array(crop)).pieces
        assert ink.gray is crop and ink.pieces[0] == count
        assert np.array_equal(ink.pieces[1], labels) and np.array_equal(ink.pieces[2], stats)
    assert all(a is b for a, b in zip(inks, LineCrops(work).inks(at)))  # the checks share one ink per line
    assert not first[0].flags.writeable  # shared by every check: none may draw on it


def test_a_moved_box_is_cut_again():
    work = _page()
    before = line_crops(work, [1])[0]
    moved = work.quads[1] + np.float32([[0, 6]])
    work.quads = [work.quads[0], moved, work.quads[2]]
    assert not _same(before, _fresh(work, 1))  # the test's premise: the box now cuts other rows
    assert _same(line_crops(work, [1])[0], _fresh(work, 1))


def test_a_neighbour_reaching_into_a_line_cuts_it_again_to_its_rows():
    work = _page()
    before = line_crops(work, [1])[0]
    q = work.quads[1]
    h = float(q[3, 1] - q[0, 1])
    # A box added below (a lone mark's), overlapping its lower 0.4: line 1 is now crowded, its crop cut
    # to its own rows. Appended in place: the kept crop must not outlive that either.
    work.quads.append(q + np.float32([[0, 0.6 * h]]))
    assert crowded(work.quads)[1] and not crowded(work.quads[:3])[1]
    assert not _same(before, _fresh(work, 1))
    assert _same(line_crops(work, [1])[0], _fresh(work, 1))
    assert _same(line_crops(work, [0])[0], _fresh(work, 0))


def test_a_turned_page_is_cut_from_its_new_image():
    work = _page()
    before = line_crops(work, [0])[0]
    ink = line_inks(work, [0])[0]
    work.turn(180)
    assert not _same(before, _fresh(work, 0))
    assert _same(line_crops(work, [0])[0], _fresh(work, 0))
    assert line_inks(work, [0])[0] is not ink


def _line(text: str) -> DecodedLine:
    return DecodedLine(tuple(DecodedChar(ch, 0.5, 2 * k, 2 * k + 1) for k, ch in enumerate(text)), 2 * len(text))


def test_the_text_test_before_the_per_character_one_finds_the_same_lines():
    lines = [_line("no bar here"), _line("a bar | here"), _line("x = 1"), _line("")]
    bar = lambda d, k: d.chars[k].char in "|1"  # noqa: E731
    assert lines_with(lines, bar, "|1") == lines_with(lines, bar) == [1, 2]
    # A character holding no code point (or two) passes the text test: the per-character one decides.
    odd = DecodedLine((DecodedChar("", 0.5, 0, 1), DecodedChar("a", 0.5, 1, 2)), 2)
    assert reads_any(odd, "|") and not reads_any(lines[0], "|")
    assert lines_with([odd], lambda d, k: d.chars[k].char in "|") == lines_with([odd], lambda d, k: d.chars[k].char in "|", "|")


def test_plain_crops_get_their_ink_measured():
    # The checks' tests (and any caller) pass plain crops: inks_of measures them there.
    crop = np.full((20, 60), 230, np.uint8)
    crop[5:15, 10:14] = 20
    ink = inks_of(lambda idx: [crop for _ in idx], [0])[0]
    assert ink.pieces[0] == 2
