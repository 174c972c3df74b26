"""A reference card's keys: letters boxed alone beside their descriptions. The recognizer reads such a glyph scaled
to its crop, where a small ``s``, ``c`` or ``w`` and its capital (the same shape drawn larger) look alike, and read
many as capitals. Their height among the column's sure keys (``n``, ``d``, ``h`` …) decides; keys printed as
capitals stay capitals, and keys of shapes of their own keep the case read."""
from __future__ import annotations
import pytest
from pipeline import Options
from tests.factories import degrade, encode_png, render_table_image

ROWS = [["s", "search for a string"], ["p", "select the previous node"], ["x", "exchange point and mark"],
        ["S", "Save the current buffer"], ["P", "Print the region"], ["c", "continue the last command"],
        ["o", "open a new line"], ["C", "Compile the file"], ["w", "write the region"], ["z", "zap to char"],
        ["O", "Open the other window"], ["v", "view the file"], ["X", "eXecute a command"], ["W", "Write buffer"],
        ["n", "next node"], ["d", "delete a char"], ["u", "undo the change"], ["h", "help on a key"],
        ["m", "mark the place"], ["k", "kill the line"]]
MARGIN = 120


def _keys(engine, font: str, size: int, seed: int) -> dict[str, str]:
    """Each row's key as read: the one-glyph line on that row (render_table_image's rows, from its margin)."""
    row = int(size * 1.5)
    img = degrade(render_table_image(ROWS, font=font, size_px=size, grid=False, row_height=row, width=700, margin=MARGIN),
                  blur=0.9, noise=8, jpeg_quality=60, seed=seed)
    page = next(engine.process(encode_png(img), Options()))
    out = {}
    for line in page.lines:
        r = int(((line.box[1] + line.box[3]) / 2 - MARGIN) // row)
        if len(line.text.strip()) == 1 and 0 <= r < len(ROWS):
            out[ROWS[r][0]] = line.text.strip()
    return out


@pytest.mark.parametrize("font,size,seed,small", [
    ("mono", 24, 1, "scwzv"), ("mono", 24, 2, "scwzv"), ("serif", 24, 1, "scwz"), ("serif", 20, 1, "sw"),
])
def test_small_keys_boxed_alone_are_read_small(engine, font, size, seed, small):
    keys = _keys(engine, font, size, seed)
    for key, description in ROWS:
        if key in small:
            assert keys.get(key) == key, keys


@pytest.mark.parametrize("font,size,seed", [("mono", 24, 1), ("mono", 20, 1), ("serif", 24, 2), ("serif", 20, 2)])
def test_capital_keys_and_keys_of_their_own_shape_keep_their_case(engine, font, size, seed):
    keys = _keys(engine, font, size, seed)
    for key, description in ROWS:
        if key in "SCXW" or key in "ndhmk":
            assert keys.get(key) == key, keys
