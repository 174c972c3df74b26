"""Unruled tables as typesetters (TeX, texinfo) lay them out, born-digital, each shape from a published
manual that was misread: tall glyph boxes, justified cells. Pages are drawn here with known cells."""
from __future__ import annotations

import pymupdf

from pipeline.tables import find_pdf_tables

FS = 10.0
LEAD = 13.0  # single-spaced, as texinfo sets a @multitable
ASC, DESC = pymupdf.Font("helv").ascender, -pymupdf.Font("helv").descender


def _word(page: pymupdf.Page, x: float, base: float, text: str, tall: bool = False) -> None:
    if tall:
        # a glyph whose font box reaches far below the line (TeX's braces and bullets): a larger size,
        # set so that its box starts where the line's does
        size = 1.7 * FS
        page.insert_text((x, base - ASC * FS + ASC * size), text, fontname="helv", fontsize=size)
    else:
        page.insert_text((x, base), text, fontname="helv", fontsize=FS)


def _tables(doc: pymupdf.Document):
    return find_pdf_tables(doc[0], 200)


def _texts(table) -> list[list[str]]:
    return [[c.text if c else "" for c in row] for row in table.grid()]


def test_tall_glyph_boxes_do_not_merge_the_rows_of_a_table():
    rows = [("{bf}", "Bold font"), ("{it}", "Italic font"), ("{sl}", "Oblique font"), ("{rm}", "Normal font")]
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_text((56, 80), "Besides special glyphs, the formatting of the text can be changed", fontsize=FS)
    page.insert_text((56, 80 + LEAD), "using the codes", fontsize=FS)
    base = 80 + 3 * LEAD
    for code, what in rows:
        _word(page, 150, base, code, tall=True)
        _word(page, 260, base, what)
        base += LEAD
    page.insert_text((56, base + LEAD), "These codes may be combined anywhere in the string.", fontsize=FS)
    (table,) = _tables(doc)
    assert _texts(table) == [list(r) for r in rows]


def _row(page: pymupdf.Page, base: float, cells: list[tuple[float, str]], justify_to: float | None = None) -> None:
    """Cells at their x; with ``justify_to`` the last cell's words are spread to end there (TeX's justified lines)."""
    for x, text in cells[:-1]:
        _word(page, x, base, text)
    x, text = cells[-1]
    words = text.split()
    if justify_to is None or len(words) < 2:
        _word(page, x, base, text)
        return
    widths = [pymupdf.get_text_length(w, "helv", FS) for w in words]
    space = (justify_to - x - sum(widths)) / (len(words) - 1)
    for w, width in zip(words, widths):
        _word(page, x, base, w)
        x += width + space


def test_justified_words_in_a_wide_cell_are_not_columns():
    # A two-column table whose second column wraps its long cells, justified: the stretched spaces of
    # a wrapped line are wider than the usual gutter, and no other row has text under some of them.
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_text((56, 80), "This table shows the conversions from JSON data types to Octave data types:", fontsize=FS)
    left, right, end = 80, 250, 436  # the longest wrapped line's spaces stretch a little, the shorter's past a gutter
    base = 80 + 3 * LEAD
    rows = [("JSON data type", ["Octave data type"]), ("Boolean", ["scalar logical"]),
            ("Object", ["scalar struct (field names of the struct", "may be different from the keys of",
                        "the JSON object)"]),
            ("null, in numbers", ["NaN"]), ("Array, of Booleans", ["logical array"]),
            ("Array of Objects", ["cell array of scalar structs"])]
    for first, lines in rows:
        for k, line in enumerate(lines):
            cells = [(left, first)] if k == 0 else []
            _row(page, base, cells + [(right, line)], justify_to=end if k < len(lines) - 1 else None)
            base += LEAD
    page.insert_text((56, base + LEAD), "Examples:", fontsize=FS)
    (table,) = _tables(doc)
    assert _texts(table) == [[first, " ".join(lines)] for first, lines in rows]


def test_a_list_above_a_table_is_not_part_of_it():
    # Definition-list items (term, justified description over the full width), then, set off by a
    # little more than a blank line, a table of four columns whose first row has an empty first cell.
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    base = 80.0
    for term, text, note, more in (('"matrix"', "Return the eigenvalues in a diagonal matrix", "(default if 2 or 3 outputs",
                                    "are requested)"),
                                   ('"vector"', "Return the eigenvalues in a column vector", "(default if only 1 output is",
                                    "requested, e.g., lambda = eig (A))")):
        _row(page, base, [(119, term), (176, text), (400, note)])
        _row(page, base + LEAD, [(176, more)])
        base += 2 * LEAD + 8
    page.insert_text((119, base), "The flag algorithm can be one of:", fontsize=FS)
    base += LEAD + 8
    for term, text, more in (('"chol"', "Use the Cholesky factorization of B. (used by default if A is Hermitian)",
                              "and B is symmetric (Hermitian) positive definite."),
                             ('"qz"', "Use the QZ algorithm. (used whenever A or B or both are not symmetric)", "")):
        _row(page, base, [(119, term), (176, text)], justify_to=500)
        if more:
            _row(page, base + LEAD, [(176, more)])
            base += LEAD
        base += LEAD + 8
    base += LEAD + 8
    rows = [["", "no flag", "chol", "qz"], ["both are symmetric", '"chol"', '"chol"', '"qz"'],
            ["one is not symmetric", '"qz"', '"qz"', '"qz"']]
    for row in rows:
        _row(page, base, [(x, t) for x, t in zip((119, 255, 348, 441), row) if t])
        base += LEAD
    page.insert_text((119, base + 4), "The eigenvalues returned by eig are not ordered.", fontsize=FS)
    tables = _tables(doc)
    assert rows in [_texts(t) for t in tables]


def _justified(page: pymupdf.Page, y: float, left: str, right: str, width: float = 480.0) -> None:
    """A justified line of prose whose stretched word space (before ``right``) is gutter-wide."""
    page.insert_text((56, y), left, fontname="helv", fontsize=FS)
    page.insert_text((56 + width - pymupdf.get_text_length(right, "helv", FS), y), right, fontname="helv", fontsize=FS)


def test_a_two_row_table_between_justified_lines_with_wide_word_spaces():
    # Texinfo's small tables sit inside paragraphs; a justified line next to one can stretch a single
    # space wider than a gutter, and its two pieces cover the table's gutter.
    rows = [("\\fontname{name}", "Specify the font to use"), ("\\fontsize{size}", "Specify the size of the font")]
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_text((56, 80), "It is also possible to change the fontname and size within the text", fontsize=FS)
    base = 80 + LEAD
    for code, what in rows:
        page.insert_text((90, base), code, fontname="cour", fontsize=FS)
        page.insert_text((230, base), what, fontname="helv", fontsize=FS)
        base += LEAD
    _justified(page, base + 2, "The color of the text may also be changed", "inline using a string or")
    page.insert_text((56, base + 2 + LEAD), "numerically with a red-green-blue specification.", fontsize=FS)
    [table] = [t for t in _tables(doc) if t.rows == 2]
    assert _texts(table) == [list(r) for r in rows]


def test_a_short_line_under_a_short_cell_is_a_row_with_an_empty_first_cell():
    # A cell's text wraps only where its next word does not fit: "point" would have fitted after
    # "circle", so it is a row of its own whose first cell is empty (or whose mark the OCR missed,
    # as it misses a lone '.' or '|' on a scan), not the rest of "circle".
    rows = [("'+'", "crosshair"), ("'o'", "circle"), ("", "point"), ("'x'", "cross"), ("", "vertical line"),
            ("'s'", "square or box drawn around the data point")]
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_text((56, 80), "The marker can be one of the following:", fontsize=FS)
    base = 80 + 2 * LEAD
    for mark, what in rows:  # rows 1.5 apart: every line set as far from the last as rows are
        if mark:
            page.insert_text((100, base), mark, fontname="cour", fontsize=FS)
        page.insert_text((160, base), what, fontname="helv", fontsize=FS)
        base += 1.5 * FS
    page.insert_text((56, base + LEAD), "Any other character is an error.", fontsize=FS)
    [table] = _tables(doc)
    assert _texts(table) == [list(r) for r in rows]


def test_a_header_wrapped_onto_two_lines_is_one_row():
    # Narrow columns of numbers under long headings: every heading but the first wraps (texinfo breaks
    # "ambient-strength" at its hyphen). The second line's words would not have fitted on the first,
    # so it continues the headings above it; it is no row with an empty first cell.
    heads = [("type", ""), ("ambient-", "strength"), ("diffuse-", "strength"), ("specular-", "exponent")]
    body = [('"shiny"', "0.3", "0.6", "20"), ('"dull"', "0.3", "0.8", "10"), ('"metal"', "0.3", "0.3", "25")]
    xs = [90, 170, 240, 310]
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_text((56, 80), "The material types and their reflectance values are:", fontsize=FS)
    base = 80 + 2 * LEAD
    for k in range(2):
        for x, head in zip(xs, heads):
            if head[k]:
                page.insert_text((x, base), head[k], fontname="helv", fontsize=FS)
        base += LEAD
    for row in body:
        for x, text in zip(xs, row):
            page.insert_text((x, base), text, fontname="cour" if x == xs[0] else "helv", fontsize=FS)
        base += LEAD
    page.insert_text((56, base + LEAD), "Any other value is an error.", fontsize=FS)
    [table] = _tables(doc)
    assert _texts(table) == [[" ".join(h).strip() for h in heads]] + [list(r) for r in body]
