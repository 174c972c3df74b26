"""Spaces inside typewriter code kept only where a whole cell is blank (pipeline/monospace_spaces.py).
Lines rendered from known text in a monospace and in proportional faces, read by the real recognizer
with its mending steps: the blank beside a point, comma or brace in its wide cell is no word space,
and the true spaces of code and of prose stay."""
import pytest
from pipeline.ctc import DecodedLine
from pipeline.line_ink import LineInk
from pipeline.monospace_spaces import monospace_spaces
from pipeline.spacing import spaces_after
from tests.line_crops import recognizer_crop

# The model reads a space after the commas or before the brace in each (``{gz, bz2, xz}``).
SOLID_CODE = ["the .orig.tar.{gz,bz2,xz} file", "tar.{gz,bz2,xz} and .orig.tar.gz"]
SPACED_CODE = ["foo.bar.baz(i, j, k)", "real arctime(path p, real L);", "import os.path, sys.argv"]
PROSE = ["testing should be fine, but it is not.", "the tar.gz file, in the list, is his.",
         "This way, testing should be done in time."]


def _read(engine, text: str, font: str, size: int, scan: bool) -> str:
    crop = recognizer_crop(text, font, size, scan)
    [line] = engine.recognizer([crop])
    return line.text


@pytest.mark.parametrize("text", SOLID_CODE)
@pytest.mark.parametrize("size,scan", [(24, False), (28, False), (28, True), (32, False)])
def test_no_space_beside_narrow_glyphs_in_code(engine, text, size, scan):
    assert _read(engine, text, "mono", size, scan).replace("tar,", "tar.") == text


@pytest.mark.parametrize("text", SPACED_CODE)
@pytest.mark.parametrize("size,scan", [(24, False), (28, True), (32, False)])
def test_spaces_of_code_stay(engine, text, size, scan):
    assert _read(engine, text, "mono", size, scan).count(" ") == text.count(" ")


@pytest.mark.parametrize("text", PROSE)
@pytest.mark.parametrize("font", ["serif", "sans", "mono"])
@pytest.mark.parametrize("size,scan", [(24, False), (30, True)])
def test_spaces_of_prose_stay(engine, text, font, size, scan):
    assert _read(engine, text, font, size, scan).count(" ") == text.count(" ")


# The model sets a glyph apart on both sides, as on a real page (main read ``.orig . tar . {gz , bz2 , xz}``): the
# glyph stands alone between spaces, and its cells are measured from the words past it. The spaces beside the
# points go; those beside the commas, measured from words without a narrow glyph, may stay.
LONE_GLYPHS = [("upload a new .orig.tar.{gz,bz2,xz} for the", "upload a new .orig . tar . {gz , bz2 , xz} for the")]


@pytest.mark.parametrize("text,as_read", LONE_GLYPHS)
@pytest.mark.parametrize("size,scan", [(24, False), (28, False), (28, True), (32, False)])
def test_no_space_beside_a_glyph_set_apart_in_code(engine, text, as_read, size, scan):
    crop = recognizer_crop(text, "mono", size, scan)
    [line] = engine.recognizer([crop], mend=False)
    # The model's own spaces taken out, it reads the line right ...
    solid = DecodedLine(tuple(c for c in line.chars if c.char != " "), line.steps, line.read)
    assert solid.text == text.replace(" ", "")
    # ... and is given the spaces it set on the real page.
    after, i = set(), -1
    for c in as_read:
        if c == " ":
            after.add(i)
        else:
            i += 1
    spaced = spaces_after(solid, after)
    assert spaced.text == as_read
    mended = monospace_spaces(spaced, LineInk(crop)).text
    assert ".orig.tar.{gz" in mended and mended.replace(" ", "") == text.replace(" ", "")
