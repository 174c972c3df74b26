"""An underscore drawn as TeX's ``\\_`` (Texinfo's, outside typewriter type): a rule a third of an em wide lying on
the baseline, in typewriter and roman names, 8-9 pt scanned at 200 DPI. The recognizer reads many as a point or a
hyphen (``edit.history``, ``unwind-protect``); the ink shows a flat bar on the baseline, and they become ``_``
(pipeline/drawn_underscores.py). Hyphenated words, points inside names and numbers, and a typed ``_`` glyph stay."""
from __future__ import annotations

import re

import pymupdf
import pytest

from tests.scanned_rows import rows_page, scanned_reader

# (left text, its face, right text, its face): Courier Bold, Times Roman, Courier; ``_`` drawn as a rule.
ROWS = [("edit_history lines", "cobo", "edit and then run previous commands", "tiro"),
        ("unwind_protect body", "cobo", "unwind_protect_cleanup cleanup end", "cobo"),
        ("EDITOR", "cobo", "editor to use with edit_history", "tiro"),
        ("See also:", "tibo", "[graphics_toolkit], page 507, [register_graphics_toolkit]", "tiro")]
GUARDS = [("a well-known", "tiro", "left-to-right reading, e.g. os.path and 3.14", "tiro"),
          ("run-time", "cobo", "file.txt, x-axis, ~/.octaverc and 2.5.1 Pages", "cobo")]
# Typed in plain Courier, not drawn: the font's own glyph.
TYPED = ("typed_name", "cour", "a_b and max_len typed", "cour")
NAMES = ["edit_history", "unwind_protect", "unwind_protect_cleanup", "graphics_toolkit", "register_graphics_toolkit"]
REPEATS = 3


def _put(page: pymupdf.Page, x: float, y: float, text: str, font: str, size: float) -> None:
    """``text`` on the baseline at ``y``, each ``_`` drawn as TeX's ``\\_``: a rule .3 em wide, .4 pt thick (typed
    in plain Courier)."""
    for i, part in enumerate(text.split("_") if font != "cour" else [text]):
        if i:
            x += 0.06 * size
            page.draw_rect(pymupdf.Rect(x, y - 0.4, x + 0.3 * size, y), color=None, fill=(0, 0, 0), width=0)
            x += 0.36 * size
        page.insert_text((x, y), part, fontname=font, fontsize=size)
        x += pymupdf.get_text_length(part, fontname=font, fontsize=size)


def _page(size: float) -> bytes:
    return rows_page([*ROWS, *GUARDS, TYPED], _put, size, REPEATS)


@pytest.fixture(scope="module")
def read():
    return scanned_reader(_page)


def _names(text: str) -> list[str]:
    """Each name of ``NAMES`` as read: its parts joined by whatever mark was read between them."""
    found = []
    for name in sorted(NAMES, key=len, reverse=True):
        pattern = r"[._\-,]?".join(re.escape(p) for p in name.split("_"))
        found += re.findall(rf"(?<![\w.\-_,]){pattern}(?![\w.\-_,])", text)
    return found


# Main read 6-12 of the 21-24 drawn underscores of names found (of 24) as points or hyphens on each.
@pytest.mark.parametrize("size, seed", [(8, 2), (8, 3), (9, 2), (9, 3)])
def test_drawn_underscores_read_as_underscores(read, size, seed):
    text = read(size, seed)
    marks = "".join(re.sub(r"[a-z]", "", n) for n in _names(text))
    assert len(marks) >= 20, text  # a name read with a space inside (another misreading) is not counted
    assert marks.count("_") >= len(marks) - 1, (marks, text)


@pytest.mark.parametrize("size, seed", [(8, 2), (8, 3), (9, 2), (9, 3)])
def test_points_hyphens_and_typed_underscores_stay(read, size, seed):
    text = read(size, seed)
    for words in ("well-known", "left-to-right", "e.g", "os.path", "3.14", "run-time", "file.txt", "x-axis", "2.5.1"):
        assert re.sub(r"[.\-]", "_", words) not in text, (words, text)
        assert words in text, (words, text)
    assert "a_b" in text and "max_len" in text, text


# A version number's point before an italic x whose foot reaches it (caption's ``v3.x``): the point and the foot make
# one low run as long as a rule, but two humps. Main read 16-20 of the 22-24 found as ``v3_x``.
VERSIONS = [("caption v3.*x*", "tiro", "caption v1.*x* and v2.*x* options", "tiro"),
            ("Setting v2.*x* with", "tiro", "see caption v3.*x* and caption2 v2.*x*", "tiro")]


def _put_italic(page: pymupdf.Page, x: float, y: float, text: str, font: str, size: float) -> None:
    """``text`` on the baseline at ``y``, its parts between ``*`` in Times Italic."""
    for i, part in enumerate(text.split("*")):
        face = "tiit" if i % 2 else font
        page.insert_text((x, y), part, fontname=face, fontsize=size)
        x += pymupdf.get_text_length(part, fontname=face, fontsize=size)


@pytest.fixture(scope="module")
def read_versions():
    return scanned_reader(lambda size: rows_page(VERSIONS, _put_italic, size, 4))


@pytest.mark.parametrize("size, seed", [(9, 2), (10, 3), (11, 2)])
def test_a_point_beside_an_italic_foot_stays_a_point(read_versions, size, seed):
    versions = re.findall(r"v\d[._\-,]?x", read_versions(size, seed))
    assert len(versions) >= 20, versions
    assert sum("_" in v for v in versions) <= 1, versions
    assert sum("." in v for v in versions) >= len(versions) - 3, versions
