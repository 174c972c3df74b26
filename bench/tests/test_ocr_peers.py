"""The peer plumbing of the real-document bench: a peer's boxes as page text, and runs of different engines over
the same page images joined per image."""
from bench.ocr_peers.serve import page_text
from bench.real_accuracy import merge_runs
from bench.real_report import full_report


def box(x0, y0, x1, y1):
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]


def test_boxes_on_one_row_are_joined_left_to_right_and_rows_stay_apart():
    result = [(box(400, 100, 600, 130), "right"), (box(10, 104, 300, 132), "left"), (box(10, 160, 500, 190), "next row")]
    assert page_text(result) == "left right\nnext row"
    assert page_text(None) == ""


def _rec(page_id, engine, cer):
    kinds = {"dropped_chars": 0, "added_chars": 0, "missing_spaces": 0, "extra_spaces": 0, "order_edits": 0,
             "edits": 0, "substitutions": []}
    rates = {"cer_free": cer, "cer_collapsed": cer, "cer_bag": cer, "wall_s": 1.0, "cpu_s": 1.0, "kinds": kinds}
    return {"page_id": page_id, "variant": "scan", "lang": "en", "document": "doc", "page": 1, "ref_chars_free": 100,
            "ref_chars_collapsed": 110, "ref_chars_bag": 100, engine: rates}


def test_runs_of_different_engines_over_the_same_pages_are_joined_per_page():
    ours = {"meta": {"pages": 2, "threads": 1, "git_head": "abc"},
            "pages": [_rec("p1", "docpipe", 0.01) | {"tesseract": _rec("p1", "tesseract", 0.2)["tesseract"]},
                      _rec("p2", "docpipe", 0.03) | {"tesseract": _rec("p2", "tesseract", 0.1)["tesseract"]}]}
    peer = {"meta": {"pages": 2, "threads": 1, "rapidocr": "1.4.4"},
            "pages": [_rec("p1", "rapidocr", 0.02), _rec("p2", "rapidocr", 0.02)]}
    joined = merge_runs([ours, peer])
    assert joined["meta"]["pages"] == 2 and joined["meta"]["rapidocr"] == "1.4.4"
    assert [sorted(k for k in r if k in ("docpipe", "tesseract", "rapidocr")) for r in joined["pages"]] == \
        [["docpipe", "rapidocr", "tesseract"]] * 2
    text = full_report(joined, worst=2)
    # docpipe 2 % against RapidOCR 2 % and Tesseract 15 % over the document: not better than every peer
    assert "docpipe better than Tesseract and RapidOCR on 0 of 1 documents" in text
    assert "RapidOCR" in text.split("Other peers")[1].splitlines()[3]
