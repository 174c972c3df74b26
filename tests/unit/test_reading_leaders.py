"""Dot leaders come out as their dots, whatever the recognizer made of them (pipeline/leaders.py).

Crops and pages are rendered here; the mending step is given readings of the kind seen on scanned
indexes (a leader read as ``RRRR`` or ``*。。``), and whole pages are read by the real engine.
"""
import re
import cv2
import numpy as np
import pytest
from pipeline.assemble import assemble_lines
from pipeline.ctc import DecodedChar, DecodedLine
from pipeline.leaders import leader_runs, mend_leaders
from pipeline.layout import LayoutSettings
from pipeline.line_ink import LineInk
from pipeline.page_text import page_text
from pipeline.page_work import PageWork
from tests.factories import _pil_font, degrade, encode_png, render_text_image
from tests.line_crops import render_line_crop

STRIDE = 4  # crop columns per time step, as the recognizer's


def _crop(text: str, scan: bool) -> np.ndarray:
    """``text`` rendered and scaled to 48 px high, as the recognizer reads a detected line."""
    crop = render_line_crop(text, "serif", size_px=40, scan=scan)
    return cv2.resize(crop, (round(crop.shape[1] * 48 / crop.shape[0]), 48), interpolation=cv2.INTER_AREA)


def _as_read(pieces: list[tuple[str, str]], crop: np.ndarray) -> DecodedLine:
    """A reading of ``crop`` (``_crop``): each (printed, read) piece's reading spread evenly over the
    columns where the printed text stands; what is read otherwise than printed, unsurely."""
    face = _pil_font("serif", 40)
    zoom = 48 / (face.getbbox("".join(p for p, _ in pieces))[3] - face.getbbox("".join(p for p, _ in pieces))[1] + 16)
    chars, x = [], 12.0 * zoom
    for printed, read in pieces:
        width = face.getlength(printed) * zoom
        for k, ch in enumerate(read):
            start = int((x + width * k / len(read)) / STRIDE)
            end = max(start + 1, int((x + width * (k + 1) / len(read)) / STRIDE))
            chars.append(DecodedChar(ch, 0.97 if read == printed else 0.2, start, end))
        x += width
    return DecodedLine(tuple(chars), crop.shape[1] // STRIDE)


def _dots_between(text: str, before: str, after: str) -> str:
    match = re.fullmatch(re.escape(before) + r"(.*?)" + re.escape(after), text)
    assert match, text
    return match.group(1)


@pytest.mark.parametrize("scan", [False, True])
@pytest.mark.parametrize("junk", ["RRRR。", "*。。.", "9..........", ". .. ..."])
def test_leader_read_as_its_dots(scan, junk):
    leader = " ." * 14 + " "
    crop = _crop("selected (option)" + leader + "7, 13, 35", scan)
    line = _as_read([("selected (option)", "selected (option)"), (leader, junk), ("7, 13, 35", "7, 13, 35")], crop)
    text = mend_leaders(line, LineInk(crop)).text
    between = _dots_between(text, "selected (option)", "7, 13, 35")
    assert between == " " + " ".join(["."] * 14) + " "


def test_leader_alone_in_its_box():
    # The detector sometimes draws a box round the leader only; its crop has no letters.
    crop = _crop(". " * 9 + ".", scan=True)
    line = _as_read([(". " * 9 + ".", "RRRR.")], crop)
    assert mend_leaders(line, LineInk(crop)).text.split() == ["."] * 10


@pytest.mark.parametrize("text", [
    "and so on... as before",          # an ellipsis: three dots, close together
    "see e.g. i.e. a.b.c.d.e.f here",  # periods between letters
    "version 1.2.3.4.5.6 of it",       # periods between digits
    "a list: x, y, z; and w.",         # colons, commas and a full stop
])
def test_other_dots_left_as_read(text):
    crop = _crop(text, scan=True)
    assert leader_runs(LineInk(crop)) == []
    line = _as_read([(text, text)], crop)
    assert mend_leaders(line, LineInk(crop)).text == text


def test_index_page_read_with_whole_leaders(engine):
    entries = [("\\SetExpansion", 17, "13"), ("\\SetExtraKerning", 12, "17, 33"), ("shapepar (package)", 14, "31"),
               ("\\SetTracking", 10, "15, 23, 24, 33"), ("stix2 (package)", 16, "21"), ("tempora (package)", 15, "21")]
    lines = [name + " ." * dots + "  " + pages for name, dots, pages in entries]
    img = degrade(render_text_image(lines, font="serif", size_px=30, width=1400, margin=120),
                  blur=0.8, noise=8, jpeg_quality=60, seed=4)
    rows = list(engine.process(encode_png(img)))[0].text.splitlines()
    assert len(rows) == len(entries)
    for row, (name, dots, pages) in zip(rows, entries):
        between = _dots_between(row, name, pages)
        # Dots one space apart, as a text layer spells a leader; none of the dot pairs read as ``…`` or ``。``.
        assert re.fullmatch(r"( \.)+ ", between), row
        # Every printed dot, those the detector left between two pieces of the row too (give or take the one
        # a box's edge cuts).
        assert abs(between.count(".") - dots) <= 1, row


def _read_as(text: str) -> DecodedLine:
    return DecodedLine(tuple(DecodedChar(ch, 0.97, 2 * k, 2 * k + 1) for k, ch in enumerate(text)), 2 * len(text))


@pytest.mark.parametrize("scan", [False, True])
@pytest.mark.parametrize("kept", ["left one", "left two", "right one"])
def test_leader_between_pieces_that_keep_only_its_end_dots(scan, kept):
    # The detector kept a leader's first dot or two in the entry's box, or its last one in the page
    # number's (as on a table of contents levelled from a tilt); the dots it left out are found in the ink.
    title, dots, page, size, margin = "4.4 Insert/Formula", 30, "13", 30, 120
    text = title + " ." * dots + "  " + page
    img = render_text_image([text], font="serif", size_px=size, width=1400, margin=margin)
    if scan:
        img = degrade(img, blur=0.8, noise=8, jpeg_quality=60, seed=2)
    face = _pil_font("serif", size)
    _, top, _, bottom = face.getbbox(text)
    y0, y1 = margin + top - 4, margin + bottom + 4
    left_dots = {"left one": 1, "left two": 2, "right one": 0}[kept]
    left_text = title + " ." * left_dots
    right_text = (". " if kept == "right one" else "") + page
    right_from = title + " ." * (dots - (kept == "right one")) + (" " if kept == "right one" else "  ")
    x_left = margin + face.getlength(left_text) + 3
    x_right = margin + face.getlength(right_from) - 3
    quads = [np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float32)
             for x0, x1 in ((margin - 4, x_left), (x_right, margin + face.getlength(text) + 4))]
    work = PageWork(gray=img, quads=quads, to_page=np.eye(3))
    # Two dots close together are read as ``..``.
    read_left = title + " .." if left_dots == 2 else left_text
    lines = assemble_lines(work, [_read_as(read_left), _read_as(right_text)], LayoutSettings())
    row = " ".join(line.text for line in lines)
    between = _dots_between(row, title, page)
    assert re.fullmatch(r"[ .]+", between), row
    assert abs(between.count(".") - dots) <= 1, row


# An index row: its entry, a leader of 30 dots and its page number, rendered, and the row's two pieces as the
# detector leaves them (the entry with its first dot, and the page number), each (x0, y0, x1, y1).
ROW_TITLE, ROW_DOTS, ROW_PAGE, ROW_SIZE, ROW_MARGIN = "4.4 Insert/Formula", 30, "13", 30, 120


def _leader_row() -> tuple[np.ndarray, list[tuple[float, float, float, float]]]:
    text = ROW_TITLE + " ." * ROW_DOTS + "  " + ROW_PAGE
    img = render_text_image([text], font="serif", size_px=ROW_SIZE, width=1400, margin=ROW_MARGIN)
    face = _pil_font("serif", ROW_SIZE)
    _, top, _, bottom = face.getbbox(text)
    y0, y1 = ROW_MARGIN + top - 4, ROW_MARGIN + bottom + 4
    x_left = ROW_MARGIN + face.getlength(ROW_TITLE + " .") + 3
    x_right = ROW_MARGIN + face.getlength(ROW_TITLE + " ." * ROW_DOTS + "  ") - 3
    return img, [(ROW_MARGIN - 4, y0, x_left, y1), (x_right, y0, ROW_MARGIN + face.getlength(text) + 4, y1)]


@pytest.mark.parametrize("turn", [5.0, -5.0, 180.0, 175.0])
def test_row_with_a_found_leader_reads_as_one_row_on_a_page_read_turned(turn):
    # The page was levelled (or turned upside down) to be read: the lines go back to the page as it came,
    # sloping or upside down, and the page's text still keeps the entry, its leader and its page on one row.
    title, dots, page = ROW_TITLE, ROW_DOTS, ROW_PAGE
    img, pieces = _leader_row()
    quads = [np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float32) for x0, y0, x1, y1 in pieces]
    to_page = np.vstack([cv2.getRotationMatrix2D((700, 150), turn, 1.0), [0, 0, 1]])
    work = PageWork(gray=img, quads=quads, to_page=to_page, rotation=180 if abs(turn) > 90 else 0,
                    deskewed=abs(turn) not in (0.0, 180.0))
    lines = assemble_lines(work, [_read_as(title + " ."), _read_as(page)], LayoutSettings())
    assert len(lines) == 3
    row = page_text(lines, work.rotation)
    assert "\n" not in row and abs(_dots_between(row, title, page).count(".") - dots) <= 1, row


@pytest.mark.parametrize("tilt", [1.2, -1.2])
def test_row_with_a_found_leader_reads_as_one_row_on_a_page_read_as_tilted(tilt):
    # A scan tilted a degree is read as it is, each piece in its upright box: the page number sits higher
    # or lower than the leader's dots, which alone spanned a dot's height and broke the row before it.
    title, page = ROW_TITLE, ROW_PAGE
    flat, pieces = _leader_row()
    m = cv2.getRotationMatrix2D((ROW_MARGIN, pieces[0][3]), tilt, 1.0)
    img = cv2.warpAffine(flat, m, (flat.shape[1], flat.shape[0]), borderValue=255)
    quads = []
    for x0, y0, x1, y1 in pieces:
        pts = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float64) @ m[:, :2].T + m[:, 2]
        (a, b), (c, d) = pts.min(axis=0), pts.max(axis=0)
        quads.append(np.array([[a, b], [c, b], [c, d], [a, d]], dtype=np.float32))
    work = PageWork(gray=img, quads=quads, to_page=np.eye(3))
    lines = assemble_lines(work, [_read_as(title + " ."), _read_as(page)], LayoutSettings())
    assert len(lines) == 3
    row = page_text(lines)
    # (Dots far along the slope from the entry's letters lie off their baseline and are not yet found.)
    assert "\n" not in row and re.fullmatch(r"( \.){5,} ", _dots_between(row, title, page)), row
