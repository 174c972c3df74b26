"""The order audit (``bench/order_audit.py``): text read in another order than the reference's is found as
moved runs, with the edits that their order alone costs; misreads are no move."""
from bench.order_audit import audit

REFERENCE = ("Original German version\nby Mark Weber\nEnglish translation\nby Anna Vos\n"
             "Tables are set in rows and columns, and read row by row.\n")


def test_a_line_read_out_of_place_is_a_moved_run_and_its_cost_is_what_order_explains():
    hypothesis = ("Original German version\nEnglish translation\nby Mark Weber\nby Anna Vos\n"
                  "Tables are set in rows and columns, and read row by row.\n")
    r = audit(REFERENCE, hypothesis)
    assert r["edits_in_order"] == 0
    assert r["move_cost"] == r["edits"] > 0
    assert [text for text, _ in r["moved"]] in (["English translation"], ["by Mark Weber"])


def test_misreads_are_no_move():
    hypothesis = REFERENCE.replace("Weber", "Wcber").replace("columns", "co1umns")
    r = audit(REFERENCE, hypothesis)
    assert r["edits"] == 2 and r["move_cost"] == 0 and r["moved"] == []


def test_chinese_is_tiled_by_characters():
    reference = "摘要的最后，会显示关键字列表。\nfontset\n这两项可通过录入。\n"
    hypothesis = "摘要的最后，会显示关键字列表。\n这两项可通过录入。\nfontset\n"
    r = audit(reference, hypothesis)
    assert r["edits_in_order"] == 0 and r["move_cost"] == r["edits"] > 0
