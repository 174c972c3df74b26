"""A header above a table ruled between its rows whose words do not line up with the rows' columns: a name
wider than the column's cells reaches into the gutter, a right-aligned heading of two words lies over the
gutter's middle. The header's words must keep the body's columns, each edge moved into what the header
leaves open of its gutter (``row_rules._table``): placed at the gutter's middle, the edge cut the heading
`Unit price` in two, or joined `Covariances` to the next column."""
from __future__ import annotations

from pipeline.tables.model import Token
from pipeline.tables.row_rules import row_ruled_tables
from pipeline.tables.ruled import Segment

RULES = [Segment(0.0, 400.0, y) for y in (100.0, 130.0, 160.0, 190.0, 220.0)]
BODY = [("alpha", "12.50"), ("beta", "3.00"), ("gamma", "144.20"), ("delta", "0.75")]


def _tokens(header: list[tuple[str, float, float]]) -> list[Token]:
    out = [Token(text, (x0, 80.0, x1, 92.0)) for text, x0, x1 in header]
    for r, (name, price) in enumerate(BODY):
        top = 100.0 + 30 * r + 9
        out += [Token(name, (10.0, top, 60.0, top + 12)), Token(price, (200.0, top, 250.0, top + 12))]
    return out


def _texts(header: list[tuple[str, float, float]]) -> list[list[str]]:
    found = row_ruled_tables(RULES, _tokens(header), 2.0, set())
    assert len(found) == 1
    return [[c.text if c else "" for c in row] for row in found[0][0].grid()]


def test_a_heading_of_two_words_over_the_gutters_middle_stays_one_cell():
    texts = _texts([("Name", 10.0, 50.0), ("Unit", 110.0, 128.0), ("price", 134.0, 170.0)])
    assert texts == [["Name", "Unit price"], *([a, b] for a, b in BODY)]


def test_a_header_word_reaching_past_the_gutters_middle_keeps_its_column():
    texts = _texts([("Covariances", 10.0, 150.0), ("Value", 205.0, 245.0)])
    assert texts == [["Covariances", "Value"], *([a, b] for a, b in BODY)]
