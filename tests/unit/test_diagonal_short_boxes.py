"""A short box the detector turned about 45° on a page read level: its rectangle around a roughly square
blob (a contents page's number, a table's digit) can stand at any angle, and the crop turned 45° read as
other characters (34 as 安). Such a box takes the page's angle (``pipeline.upright._level``); boxes
turned a little (an index's short entries) keep their own."""
import math
import numpy as np
from PIL import Image, ImageDraw


from pipeline.geometry import quad_angle
from pipeline.page_work import PageWork, StageClock
from pipeline.upright import _level, line_crops
from tests.factories import _pil_font, degrade

LINES = ["Using slashbox", "Importing Tables", "The Tools Menu"]
NUMBERS = ["34", "27", "13"]


def _turned(cx: float, cy: float, half: float, degrees: float) -> np.ndarray:
    """A square of side 2 ``half`` around (cx, cy), turned ``degrees`` (corners TL, TR, BR, BL)."""
    a = math.radians(degrees)
    u, v = np.array([math.cos(a), -math.sin(a)]), np.array([math.sin(a), math.cos(a)])
    c = np.array([cx, cy])
    return np.array([c + half * (-u - v), c + half * (u - v), c + half * (u + v), c + half * (-u + v)],
                    dtype=np.float32)


def _contents_page(number_angle: float) -> tuple[PageWork, list[int]]:
    """Entries of a contents page, each with its page number at the right; the numbers' boxes are squares
    turned ``number_angle`` degrees; the entries' boxes are level."""
    face = _pil_font("serif", 24)
    img = Image.new("L", (700, 60 + 60 * len(LINES)), 240)
    draw = ImageDraw.Draw(img)
    quads, numbers = [], []
    for i, (text, number) in enumerate(zip(LINES, NUMBERS)):
        y = 30 + 60 * i
        draw.text((40, y), text, font=face, fill=40)
        left, top, right, bottom = face.getbbox(text)
        quads.append(np.array([[34 + left, y + top - 6], [46 + right, y + top - 6], [46 + right, y + bottom + 6],
                               [34 + left, y + bottom + 6]], dtype=np.float32))
        draw.text((600, y), number, font=face, fill=40)
        left, top, right, bottom = face.getbbox(number)
        numbers.append(len(quads))
        quads.append(_turned(600 + (left + right) / 2, y + (top + bottom) / 2, 0.62 * (right - left), number_angle))
    page = degrade(np.asarray(img), blur=0.7, noise=6, jpeg_quality=75, seed=3)
    return PageWork(gray=page, quads=quads, to_page=np.eye(3)), numbers


def test_a_number_boxed_at_45_degrees_is_read_level(engine):
    work, numbers = _contents_page(45.0)
    _level(work, engine.detector, (0.0, 0.0), StageClock())
    assert work.skew == 0.0 and not work.deskewed
    assert all(abs(quad_angle(work.quads[i])) < 1.0 for i in numbers)
    read = engine.recognizer(line_crops(work, numbers))
    assert [r.text for r in read] == NUMBERS


def test_a_number_boxed_a_little_turned_keeps_its_box(engine):
    # Guard: a short box a few degrees off the page keeps its own angle on a page read level.
    work, numbers = _contents_page(8.0)
    _level(work, engine.detector, (0.0, 0.0), StageClock())
    assert all(abs(quad_angle(work.quads[i]) - 8.0) < 0.5 for i in numbers)


def test_a_slanting_stroke_longer_than_square_keeps_its_box(engine):
    # Guard: a figure's slanting stroke found as a piece 2.8 times as long as high at 45° is not a square
    # blob; turned level it would take in what lies beside it.
    work, _ = _contents_page(0.0)
    a = math.radians(45.0)
    u, v = np.array([math.cos(a), -math.sin(a)]), np.array([math.sin(a), math.cos(a)])
    c, half_w, half_h = np.array([400.0, 120.0]), 28.0, 10.0
    piece = np.array([c - half_w * u - half_h * v, c + half_w * u - half_h * v, c + half_w * u + half_h * v,
                      c - half_w * u + half_h * v], dtype=np.float32)
    work.quads.append(piece)
    _level(work, engine.detector, (0.0, 0.0), StageClock())
    assert any(abs(quad_angle(q) - 45.0) < 0.5 for q in work.quads)
