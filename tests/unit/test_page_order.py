"""Reading order on whole pages through the engine: pages rendered from known
text in layouts that real documents have (two columns turned upside down,
tables, a listing beside its output, pages turned and skewed, vertical
Chinese). One engine for the module, as in a worker process."""
import numpy as np
import pytest

from pipeline import Engine, EngineConfig, Options, PageResult
from tests.factories import (
    EN_TEXT,
    ZH_TEXT,
    cer,
    degrade,
    encode_png,
    render_columns_image,
    render_side_by_side_image,
    render_table_image,
    render_text_image,
    render_vertical_image,
    turn_page,
)

SCAN = dict(blur=0.7, noise=6, jpeg_quality=75)
LEFT, RIGHT = EN_TEXT[:8], EN_TEXT[8:16]
CODE = ["for page in pages:", "    text = engine.read(page)", "    if not text:", "        continue",
        "    print(page.no, len(text))", "total = sum(sizes)", "print('done', total)"]
OUTPUT = ["Reading 12 pages from the archive", "1 2431", "2 2210", "3 1987", "done 6628"]


@pytest.fixture(scope="module")
def engine():
    return Engine(EngineConfig(threads=2))


@pytest.fixture(scope="module")
def two_columns():
    return render_columns_image([LEFT, RIGHT], size_px=26)


def read(engine, img) -> PageResult:
    (result,) = engine.process(encode_png(img), Options())
    return result


def position(text: str, piece: str) -> int:
    """Where ``piece`` starts in ``text``, spaces ignored (-1 when it is not there)."""
    return "".join(text.split()).find("".join(piece.split()))


@pytest.mark.parametrize("skew", [0.0, 1.2])
def test_two_columns_turned_upside_down_read_column_by_column(engine, two_columns, skew):
    r = read(engine, degrade(turn_page(two_columns, 2, skew), **SCAN))
    assert r.preprocessing["rotation"] == 180
    assert cer("\n".join(LEFT + RIGHT), r.text) <= 0.01
    # The whole left column comes before the first line of the right one.
    assert 0 <= position(r.text, LEFT[-1][-20:]) < position(r.text, RIGHT[0][:20])


def test_three_columns_read_column_by_column(engine):
    columns = [EN_TEXT[:6], EN_TEXT[6:12], EN_TEXT[12:18]]
    r = read(engine, degrade(render_columns_image(columns, size_px=22, gutter=50), **SCAN))
    assert cer("\n".join(EN_TEXT[:18]), r.text) <= 0.01


def test_table_reads_row_by_row_cell_by_cell(engine):
    rows = [["Item", "Description", "Qty", "Amount"],
            ["1", "Label printer LP-450", "3", "$3,747.00"],
            ["2", "Thermal ribbons, box of 12", "8", "$692.00"],
            ["3", "Installation and training", "6", "$570.00"],
            ["4", "Shipping (DHL Express)", "1", "$48.50"]]
    r = read(engine, degrade(render_table_image(rows, grid=False), **SCAN))
    assert cer("\n".join(" ".join(row) for row in rows), r.text) <= 0.02
    text_rows = r.text.splitlines()
    for row in rows:
        # Each table row is one text row, its cells in order.
        assert any(position(line, "".join(row)) == 0 for line in text_rows), row


def test_side_by_side_blocks_read_one_after_the_other(engine):
    r = read(engine, degrade(render_side_by_side_image(CODE, OUTPUT), **SCAN))
    assert cer("\n".join(CODE + OUTPUT), r.text) <= 0.02
    assert 0 <= position(r.text, CODE[-1]) < position(r.text, OUTPUT[0])
    assert len({line.block for line in r.lines}) >= 2


@pytest.mark.parametrize("quarter_turns", [1, 2, 3])
@pytest.mark.parametrize("skew", [5.0, -5.0])
def test_turned_and_skewed_page_reads_as_upright(engine, two_columns, quarter_turns, skew):
    page = degrade(two_columns, **SCAN)
    ref = "\n".join(LEFT + RIGHT)
    upright = cer(ref, read(engine, page).text)
    turned = read(engine, turn_page(page, quarter_turns, skew))
    assert cer(ref, turned.text) <= upright + 0.005
    assert turned.preprocessing["rotation"] == (360 - 90 * quarter_turns) % 360


def test_vertical_chinese_reads_columns_right_to_left(engine):
    columns = [t[:17] for t in ZH_TEXT[:6]]
    r = read(engine, degrade(render_vertical_image(columns), blur=0.5, noise=4))
    assert cer("\n".join(columns), r.text) <= 0.03
    # One text line per printed column, not one character per line.
    assert len(r.text.splitlines()) == len(columns)
    assert r.preprocessing["rotation"] == 0
    assert all(line.box[3] - line.box[1] > 5 * (line.box[2] - line.box[0]) for line in r.lines)


def test_sideways_chinese_page_is_still_turned(engine):
    """Tall boxes are also what a horizontal Chinese page turned a quarter shows."""
    page = render_text_image(ZH_TEXT[:10], font="cjk", height=1200)
    r = read(engine, np.ascontiguousarray(np.rot90(page, 1)))
    assert r.preprocessing["rotation"] == 270
    assert cer("\n".join(ZH_TEXT[:10]), r.text) <= 0.02


CARD = [
    ("Assignment", [("var = expr", "assign expression to variable"), ("var(idx) = expr", "assign to indexed elements"),
                    ("var(idx) = []", "delete the indexed elements"), ("var{idx} = expr", "assign elements of a cell")]),
    ("Arithmetic", [("x + y", "addition"), ("x - y", "subtraction"), ("x * y", "matrix multiplication"),
                    ("x .* y", "element by element product"), ("x / y", "right division"), ("x ^ y", "power operator")]),
    ("Paths", [("path", "display the function path"), ("pathdef", "display the default path"),
               ("addpath(dir)", "add a directory to the path"), ("pkg list", "display installed packages")]),
    ("Strings", [("strcmp(s, t)", "compare strings"), ("strcat(s, t)", "concatenate strings"),
                 ("regexp(str, pat)", "match a regular expression"), ("upper(s)", "convert to upper case"),
                 ("lower(s)", "convert to lower case"), ("strtrim(s)", "remove blanks at both ends")]),
    ("Handles", [("@func", "a handle to a function"), ("@(x) expr", "an anonymous function"),
                 ("str2func(s)", "a handle from a string"), ("func2str(h)", "the string of a handle")]),
    ("Matrices", [("rows(a)", "number of rows"), ("columns(a)", "number of columns"), ("any(a)", "any nonzero"),
                  ("find(a)", "indices of nonzero elements"), ("sort(a)", "sort each column"), ("sum(a)", "sum each column")]),
]


def render_reference_card(sections, columns=3, size_px=22, width=2339, height=760):
    """A landscape reference card: columns of headed sections, each row a
    key in a monospace font and its description at a tab stop."""
    from PIL import Image, ImageDraw

    from tests.factories import _pil_font

    img = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(img)
    head, mono, sans = _pil_font("sans", size_px + 6), _pil_font("mono", size_px), _pil_font("sans", size_px)
    col_w = (width - 160) // columns
    per_column = -(-len(sections) // columns)
    for c in range(columns):
        x, y = 80 + c * col_w, 80
        for title, rows in sections[c * per_column:(c + 1) * per_column]:
            draw.text((x, y), title, font=head, fill=0)
            y += int(size_px * 2.2)
            for key, desc in rows:
                draw.text((x, y), key, font=mono, fill=0)
                draw.text((x + int(col_w * 0.36), y), desc, font=sans, fill=0)
                y += int(size_px * 1.45)
            y += size_px
    return np.asarray(img)


def test_reference_card_reads_column_by_column_each_key_with_its_description(engine):
    r = read(engine, degrade(render_reference_card(CARD), **SCAN))
    ref = "\n".join(title + "\n" + "\n".join(f"{k} {d}" for k, d in rows) for title, rows in CARD)
    assert cer(ref, r.text) <= 0.03
    for title, rows in CARD:
        assert any(position(line, rows[0][0] + rows[0][1]) == 0 for line in r.text.splitlines()), rows[0]


INDEX = [f"{name}, {pages}" for name, pages in [
    ("abstract", "xxix, 71, 345"), ("afterpage", "171, 196"), ("alltt", "263, 385"), ("amsfonts", "465"),
    ("amsmath", "385"), ("answer", "300"), ("appendix", "xxix, 345"), ("array", "xxvii, xxx, 211, 212"),
    ("babel", "xxv, 344"), ("bidi", "xxx, 352, 353"), ("bookmark", "172"), ("booktabs", "xxvii, xxix, 211, 222, 345"),
    ("calc package, see also arithmetic", "25, 27, 248"), ("caption", "187, 210"), ("changepage", "334"), ("chapterbib", "306"),
    ("Optional argument is not one of the list", "473"), ("ordinal", "336, 337"), ("orphan line", "52, 54"),
    ("postbibhook", "306"), ("postnotetext", "255"), ("outline font", "35, 44, 49"), ("output", "459"),
    ("Output stream is already defined", "476"), ("Output stream is not open", "476"), ("oval", "427, 428, 470"),
    ("Overfull hbox", "459"), ("overfull lines", "52"), ("overridescapmargin", "204"), ("package", "xxxi, 73, 296"),
]]


def test_index_page_reads_column_by_column(engine):
    left, right = INDEX[:16], INDEX[16:]
    # A column as narrow as an index's: its long entries wrap, its gutter is narrow beside it.
    r = read(engine, degrade(render_columns_image([left, right], size_px=20, gutter=60, width=1300), **SCAN))
    assert cer("\n".join(INDEX), r.text) <= 0.03
    assert 0 <= position(r.text, left[-1]) < position(r.text, right[0])


def paste(page: np.ndarray, block: np.ndarray, x: int, y: int) -> int:
    """Put ``block`` on ``page`` at (x, y); the y below it."""
    area = page[y:y + block.shape[0], x:x + block.shape[1]]
    area[...] = np.minimum(area, block)
    return y + block.shape[0]


def justified(paragraphs: list[str], width: int, size_px: int = 26, pitch: float = 1.3) -> np.ndarray:
    """Paragraphs set justified to ``width`` (each line but a paragraph's last stretched to both edges), as
    a book's columns are: their lines reach the gutter, so the detector's padded boxes meet across it."""
    from PIL import Image, ImageDraw

    from tests.factories import _pil_font, wrap_line

    font = _pil_font("serif", size_px)
    rows = []
    for text in paragraphs:
        wrapped = wrap_line(text, lambda s: font.getlength(s) <= width)
        rows += [(line, k < len(wrapped) - 1) for k, line in enumerate(wrapped)]
    step = int(size_px * pitch)
    img = Image.new("L", (width + size_px // 2, step * len(rows) + size_px), 255)
    draw = ImageDraw.Draw(img)
    for r, (line, stretch) in enumerate(rows):
        # A final mark hangs in the margin (protrusion, as microtype sets it): the line's ink reaches past the edge.
        hang = line[-1] if stretch and line[-1] in ",.;:-" else ""
        words = (line[:-1] if hang else line).split()
        gap = font.getlength(" ")
        if stretch:
            gap = (width - sum(font.getlength(w) for w in words)) / max(1, len(words) - 1)
        x = 0.0
        for w in words:
            draw.text((round(x), r * step), w, font=font, fill=0)
            x += font.getlength(w) + gap
        if hang:
            draw.text((width, r * step), hang, font=font, fill=0)
    return np.asarray(img, dtype=np.uint8).copy()


def test_columns_set_close_with_hanging_marks_read_column_by_column(engine):
    """Justified columns a small gutter apart, their final marks hung into it (protrusion) and the
    middle column's lines half a line lower (so no detector box joins two columns): the gutter
    between their boxes is narrower than half a line height, but nothing crosses it."""
    cols = [EN_TEXT[0:5], EN_TEXT[5:10], EN_TEXT[10:15]]
    page = np.full((1200, 1654), 255, np.uint8)
    for c, col in enumerate(cols):
        paste(page, justified(col, 470), 100 + c * 486, 100 + (c % 2) * 17)
    r = read(engine, degrade(page, **SCAN))
    assert cer("\n".join(EN_TEXT[:15]), r.text) <= 0.01
    assert 0 <= position(r.text, EN_TEXT[4][-20:]) < position(r.text, EN_TEXT[5][:20]) \
        < position(r.text, EN_TEXT[9][-20:]) < position(r.text, EN_TEXT[10][:20])


FIGURES = [[str(2013 - k), str(417 - 29 * k), str(88 - 7 * k), f"{1.5 + 0.75 * k:.2f}"] for k in range(8)]


def column_with_table_page() -> np.ndarray:
    """Two justified columns two line heights apart, their rows level; inside the left one a table of
    short figures with more rows than the prose around it."""
    page = np.full((1400, 1654), 255, np.uint8)
    top = justified(EN_TEXT[0:2], 700)
    paste(page, top, 100, 100)
    y = 100 + 33 * (top.shape[0] // 33 + 1)
    for row in FIGURES:
        for c, cell in enumerate(row):
            paste(page, justified([cell], 120), 130 + 160 * c, y)
        y += 33
    paste(page, justified(EN_TEXT[2:4], 700), 100, y + 33)
    paste(page, justified(EN_TEXT[4:12], 700), 860, 100)
    return page


def test_column_holding_a_small_table_reads_column_by_column(engine):
    """A prose column with a table of short figures inside it is still a column: the figures must not
    outvote its lines and let the page be read row by row across both columns."""
    r = read(engine, degrade(column_with_table_page(), **SCAN))
    rows = [" ".join(row) for row in FIGURES]
    assert cer("\n".join([*EN_TEXT[0:2], *rows, *EN_TEXT[2:12]]), r.text) <= 0.02
    # The left column, figures included, comes whole before the right one.
    assert 0 <= position(r.text, EN_TEXT[0][:20]) < position(r.text, rows[0]) < position(r.text, rows[-1]) \
        < position(r.text, EN_TEXT[3][-20:]) < position(r.text, EN_TEXT[4][:20])


def test_display_beside_its_note_above_two_columns(engine):
    """A large display with a small note beside it, over two columns whose gutter it crosses: the display,
    then the note, then each column; not the note's lines between the display's."""
    display = ["In the beginning was the Word, and the Word", "was with God, and the Word was God. The same",
               "was in the beginning with God. All things"]
    note = EN_TEXT[12:15]
    page = np.full((1900, 1654), 255, np.uint8)
    paste(page, render_text_image(display, font="serif", size_px=44, width=950, margin=0, line_gap=1.3), 100, 100)
    below = paste(page, render_text_image(note, size_px=22, width=460, margin=0, line_gap=1.4), 1094, 100)
    top = max(below, 100 + 3 * 57) + 110
    paste(page, render_text_image(EN_TEXT[0:5], size_px=24, width=700, margin=0), 100, top)
    paste(page, render_text_image(EN_TEXT[5:10], size_px=24, width=700, margin=0), 854, top)
    r = read(engine, degrade(page, **SCAN))
    assert cer("\n".join(display + note + EN_TEXT[0:10]), r.text) <= 0.02
    assert 0 <= position(r.text, display[-1]) < position(r.text, note[0][:20]) \
        < position(r.text, note[-1][:20]) < position(r.text, EN_TEXT[0][:20]) \
        < position(r.text, EN_TEXT[4][-20:]) < position(r.text, EN_TEXT[5][:20])


ENTRIES = [(["style/logo-size", "New: 2017-08-10"], EN_TEXT[0:2]),
           (["style/auto-cover"], EN_TEXT[2:3]),
           (["info/degree", "New: 2018-02-01", "Updated: 2019-03-12"], EN_TEXT[3:5]),
           (["info/supervisor"], EN_TEXT[5:7])]


def margin_notes_page() -> np.ndarray:
    """A manual's option entries: each a body paragraph, its option name and dates in smaller type in the left
    margin, set flush right a clear gutter from the body, their first lines level (as fduthesis sets them)."""
    from tests.factories import _pil_font

    page = np.full((1700, 1654), 255, np.uint8)
    font = _pil_font("mono", 20)
    y = 120
    for notes, body in ENTRIES:
        for k, note in enumerate(notes):
            block = render_text_image([note], font="mono", size_px=20, width=400, margin=0, line_gap=1.3)
            x = 440 - 56 - round(font.getlength(note))
            paste(page, block[:, :round(font.getlength(note)) + 4], x, y + 8 + k * 28)
        below = paste(page, justified(body, 800, size_px=30), 440, y)
        y = max(below, y + 28 * len(notes)) + 36
    return page


def test_margin_notes_read_after_their_entry_not_between_its_lines(engine):
    """Margin notes beside an entry are a block of their own, read after the entry's lines (as the
    documents' own text has them), not row by row with the lines beside them."""
    r = read(engine, degrade(margin_notes_page(), **SCAN))
    truth = [line for notes, body in ENTRIES for line in [*body, *notes]]
    assert cer("\n".join(truth), r.text) <= 0.03
    where = [position(r.text, piece) for notes, body in ENTRIES for piece in
             (body[0][:20], body[-1][-20:], notes[0][-6:], notes[-1][-6:])]
    assert 0 <= where[0] and where == sorted(where)


SIDE = [(["Why a new engine", "is needed"], [" ".join(EN_TEXT[0:5])]),
        (["What the engine", "reads today"], [" ".join(EN_TEXT[5:10])]), (["What running", "it costs"], [" ".join(EN_TEXT[10:15])])]


def side_headings_page() -> np.ndarray:
    """A proposal's paragraphs, justified, each with a side heading in the body's own type in the right
    margin, its first line level with the paragraph's and under one line height from the body's edge."""
    page = np.full((1900, 1654), 255, np.uint8)
    y = 150
    for heading, body in SIDE:
        below = paste(page, justified(body, 1080, size_px=30), 140, y)
        paste(page, justified(heading, 260, size_px=30), 140 + 1080 + 24, y)
        y = below + 30
    return page


def test_side_headings_in_the_right_margin_read_before_their_paragraph(engine):
    """Side headings set close beside the body are a block of their own, read before the paragraph
    they stand beside, not joined to the body's lines level with them."""
    r = read(engine, degrade(side_headings_page(), **SCAN))
    truth = [line for heading, body in SIDE for line in [*heading, *body]]
    assert cer("\n".join(truth), r.text) <= 0.03
    where = [position(r.text, piece) for heading, body in SIDE for piece in
             (heading[0], heading[-1], body[0][:20], body[0][-45:-30])]
    assert 0 <= where[0] and where == sorted(where), where


TERMS = [("overwrite", EN_TEXT[0:2]), ("labelmargin", EN_TEXT[2:4]), ("linewidth", EN_TEXT[4:6]), ("fontsize", EN_TEXT[6:8])]


def test_terms_above_their_descriptions_are_not_margin_notes(engine):
    """A definition list whose terms, in a smaller type, stand on lines of their own above their indented
    descriptions: each term is read before its description, where it stands."""
    page = np.full((1500, 1654), 255, np.uint8)
    y = 120
    for term, lines in TERMS:
        y = paste(page, render_text_image([term], font="mono", size_px=22, width=600, margin=0), 140, y) + 16
        y = paste(page, render_text_image(lines, size_px=30, width=1250, margin=0), 300, y) + 40
    r = read(engine, degrade(page, **SCAN))
    where = [position(r.text, piece) for term, lines in TERMS for piece in (term, lines[0][:20], lines[-1][-20:])]
    assert 0 <= where[0] and where == sorted(where), where
