"""Line items end where the totals begin, even where the totals row's figures sort in before its label."""
from __future__ import annotations

import pytest

from pipeline.invoice.line_items import read_line_items
from pipeline.invoice.locate import Span


def _span(text: str, x0: float, y0: float, x1: float, h: float = 45.0) -> Span:
    return Span(text, [x0, y0, x1, y0 + h], 0.99, 1, "ocr")


def _page(totals_figure_rise: float) -> list[Span]:
    """A header, two items, then the subtotal row: its amount's box starts ``totals_figure_rise`` px above its label's
    (a scan's row left a hair out of level after de-skewing)."""
    spans = [_span("Description", 117, 630, 314, 40), _span("Qty", 845, 633, 932, 40),
             _span("Unit Price", 1041, 634, 1213, 40), _span("Amount", 1389, 637, 1529, 40)]
    for k, (desc, qty, price, amount) in enumerate([("Consulting service 1", "3", "127.50", "382.50"),
                                                    ("Consulting service 2", "4", "140.50", "562.00")]):
        y = 680 + 50 * k
        spans += [_span(desc, 119, y, 438), _span(qty, 877, y + 4, 935), _span(price, 1072, y, 1217),
                  _span(amount, 1394, y, 1535)]
    spans += [_span("Subtotal:", 895, 790, 1060), _span("€944.50", 1353, 790 - totals_figure_rise, 1533),
              _span("Total Due:", 895, 840, 1075), _span("€1,123.96", 1349, 840, 1532)]
    return spans


@pytest.mark.parametrize("rise", [0.0, 0.6, 4.0])
def test_the_subtotal_rows_figure_is_no_item(rise):
    items = read_line_items(_page(rise))
    assert [(i.description.value, i.amount.value) for i in items] == [("Consulting service 1", "382.50"),
                                                                     ("Consulting service 2", "562.00")]


def test_an_item_row_level_with_nothing_keeps_its_amount():
    # Guard: an item's own amount sorting in before its description stays with it.
    spans = _page(0.0)
    spans[11] = _span("562.00", 1394, 729.4, 1535)
    assert [i.amount.value for i in read_line_items(spans)] == ["382.50", "562.00"]


def test_the_first_item_starting_above_a_tall_header_labels_edge_is_kept():
    # A header label's box reaching lower than the others' (a descender, a scan's tilt) overlaps the first row's top.
    spans = _page(0.0)
    spans[3] = _span("Amount", 1389, 637, 1529, 52)  # its lower edge at 689, the first row's boxes start at 680
    assert [i.amount.value for i in read_line_items(spans)] == ["382.50", "562.00"]
