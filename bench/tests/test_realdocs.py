"""The real-document corpus tooling, on small PDFs made here with known text
(no network: the pinned packages are not fetched)."""
from __future__ import annotations

import json
import random

import numpy as np
import pymupdf
import pytest

from bench.realdocs import render, score, select, sources
from bench.realdocs.build import choose_pages
from bench.realdocs.truth import page_lines, to_pixels
from tests.factories import EN_TEXT, ZH_TEXT, cer, font_path


def _pdf() -> pymupdf.Document:
    return pymupdf.open()


def _page(doc: pymupdf.Document) -> pymupdf.Page:
    return doc.new_page(width=595, height=842)


def _cjk(page: pymupdf.Page) -> str:
    page.insert_font(fontname="notocjk", fontfile=str(font_path("cjk")))
    return "notocjk"


def _dejavu(page: pymupdf.Page) -> str:
    page.insert_font(fontname="dejavu", fontfile=str(font_path("sans")))
    return "dejavu"


def test_lines_come_in_text_layer_order_with_boxes_on_the_ink():
    doc = _pdf()
    page = _page(doc)
    zh = _cjk(page)
    # two columns, drawn column by column: the truth keeps that order
    left, right = EN_TEXT[:3], ZH_TEXT[:3]
    for i, text in enumerate(left):
        page.insert_text((50, 100 + 20 * i), text[:30], fontname="helv", fontsize=10)
    for i, text in enumerate(right):
        page.insert_text((320, 100 + 20 * i), text[:14], fontname=zh, fontsize=10)
    lines = page_lines(page)
    assert [l.text for l in lines] == [t[:30].strip() for t in left] + [t[:14] for t in right]
    img = render.render_clean(page, lines)
    ink = img < 128
    for line in lines:
        x0, y0, x1, y1 = to_pixels(line.bbox, render.DPI)
        inside = ink[y0:y1 + 1, x0:x1 + 1].sum()
        around = ink[max(0, y0 - 8):y1 + 9, max(0, x0 - 8):x1 + 9].sum()
        assert inside > 50 and inside >= 0.97 * around, line.text  # the box holds the line's ink
        assert x0 < (320 * render.DPI / 72 if line.text in [t[:30].strip() for t in left] else 1e9)


def test_a_table_row_drawn_cell_by_cell_is_one_line_and_rows_stay_apart():
    doc = _pdf()
    page = _page(doc)
    rows = [("Item", "Quantity", "Price"), ("Paper", "12", "3.50"), ("Toner", "2", "41.00")]
    for r, cells in enumerate(rows):
        for c, cell in enumerate(cells):
            page.insert_text((60 + 150 * c, 120 + 18 * r), cell, fontname="helv", fontsize=10)
    assert [l.text for l in page_lines(page)] == [" ".join(r) for r in rows]


def test_ligatures_are_expanded_and_hidden_or_off_page_text_is_not_truth():
    doc = _pdf()
    page = _page(doc)
    font = _dejavu(page)
    page.insert_text((60, 100), "The \ufb01rst \ufb02oor of the o\ufb03ce", fontname=font, fontsize=11)
    page.insert_text((60, 130), "invisible words for search", fontname="helv", fontsize=11, render_mode=3)
    page.insert_text((60, 160), "white on white", fontname="helv", fontsize=11, color=(1, 1, 1))
    page.insert_text((700, 190), "beyond the right edge", fontname="helv", fontsize=11)
    page.insert_text((60, 220), "Visible last line", fontname="helv", fontsize=11)
    assert [l.text for l in page_lines(page)] == ["The first floor of the office", "Visible last line"]


def test_private_use_glyphs_are_left_out_and_whitened():
    doc = _pdf()
    page = _page(doc)
    font = _dejavu(page)
    page.insert_text((60, 100), "Arrow \ue000 here", fontname=font, fontsize=14)
    page.insert_text((60, 140), "\ue001\ue002\ue003 x", fontname=font, fontsize=14)  # mostly unmapped: the whole line goes
    lines = page_lines(page)
    assert lines[0].usable and lines[0].text == "Arrow here" and len(lines[0].masked) == 1
    assert not lines[1].usable and "unmapped_glyphs" in lines[1].problems
    img = render.render_clean(page, lines)
    x0, y0, x1, y1 = to_pixels(lines[1].bbox, render.DPI)
    assert (img[y0:y1, x0:x1] == 255).all()  # the dropped line is not on the image either


@pytest.mark.parametrize("package,path", [
    ("r-doc-pdf", "usr/share/doc/r-doc-pdf/R-intro.pdf"),
    ("some-other", "docs/R-FAQ.pdf"),
    ("debian-edu-doc-zh-cn", "usr/share/doc/debian-edu-doc-zh-cn/manual.pdf"),
    ("gnuplot-doc", "usr/share/doc/gnuplot-doc/gnuplot.pdf"),
    ("debian-reference-en", "usr/share/doc/debian-reference-en/debian-reference.en.pdf"),
    ("linuxcnc-doc-en", "usr/share/doc/linuxcnc/LinuxCNC_Getting_Started.pdf"),
    ("texlive-lang-chinese", "usr/share/doc/texlive-doc/latex/lshort-chinese/lshort-zh-cn.pdf"),
    ("texlive-lang-chinese", "usr/share/doc/texlive-doc/latex/ctex-faq/ctex-faq.pdf"),
    ("texlive-lang-chinese", "usr/share/doc/texlive-doc/latex/install-latex-guide-zh-cn/install-latex-guide-zh-cn.pdf"),
    ("ocrmypdf", "ocrmypdf-16.0.0/tests/resources/linn.pdf"),
    ("invoice2data", "invoice2data-0.4/tests/compare/oyo.pdf"),
])
def test_reserved_documents_are_refused(package, path):
    with pytest.raises(sources.ReservedDocumentError):
        sources.check_not_reserved(package, path)
    with pytest.raises(sources.ReservedDocumentError):
        sources.Document(id="x", lang="en", source="debian", package=package, version="1", path=path,
                         sha256="0" * 64, licence="x", pages=1)


def test_the_manifest_pins_enough_documents_none_reserved():
    docs = sources.load_documents()
    for lang in ("en", "zh"):
        assert len([d for d in docs if d.lang == lang]) >= 8
    for d in docs:
        assert len(d.sha256) == 64 and d.version and d.licence and d.pages > 0
        sources.check_not_reserved(d.package, d.path)


def _text_page(doc, lines, fontname="helv", size=10.0):
    page = _page(doc)
    for i, text in enumerate(lines):
        page.insert_text((50, 60 + 1.5 * size * i), text, fontname=fontname, fontsize=size)
    return page


def test_page_selection_is_deterministic_and_follows_the_rule():
    doc = _pdf()
    rng = random.Random(7)
    prose = [" ".join(rng.choice(EN_TEXT).split()[:9]) for _ in range(40)]
    for i in range(12):
        if i % 3 == 0:
            _text_page(doc, prose, fontname="cour")  # monospace: code
        elif i % 3 == 1:
            _text_page(doc, prose[:3])  # too little text
        else:
            _text_page(doc, prose)
    d = sources.Document(id="synthetic", lang="en", source="debian", package="none", version="1", path="a.pdf",
                         sha256="0" * 64, licence="x", pages=12)
    first, why = choose_pages(d, doc, seed=1, per_document=3)
    again, _ = choose_pages(d, doc, seed=1, per_document=3)
    numbers = [c["text"].number for c in first]
    assert numbers == [c["text"].number for c in again] and len(numbers) == 3
    assert all(n % 3 == 0 for n in numbers)  # pages 3, 6, 9, 12 (1-based) are the prose ones
    assert set(why) <= {"mostly_code", "too_little_text"}
    orders = {tuple(select.candidate_order(list(range(1, 41)), "doc", seed)) for seed in range(5)}
    assert len(orders) == 5  # the seed matters
    assert select.candidate_order(list(range(1, 41)), "doc", 3) == select.candidate_order(list(range(40, 0, -1)), "doc", 3)


def test_bag_of_characters_ignores_order_only():
    ref = "first line here\nsecond line there\n第三行文字"
    swapped = "second line there\n第三行文字\nfirst line here"
    assert score.cer_bag(ref, swapped) == 0.0 and cer(ref, swapped) > 0.3
    assert score.cer_bag("abcd", "abxd") == 0.25  # a substitution is one error, as in the CER
    assert score.cer_bag("abcd", "abd") == 0.25 and score.cer_bag("abcd", "abcde") == 0.25
    rng = random.Random(3)
    for _ in range(50):  # never above the whitespace-free CER
        a = "".join(rng.choice("abc de") for _ in range(rng.randint(1, 30)))
        b = "".join(rng.choice("abc de") for _ in range(rng.randint(0, 30)))
        assert score.cer_bag(a, b) <= cer(a, b) + 1e-12


def test_error_kinds_name_substitutions_spaces_and_order():
    ref = ["It’s a well–known fact.", "Second line follows here."]
    kinds = score.error_kinds(ref, "It's a well-knownfact.\nSecond  line follows here.")
    assert ["’", "'", 1] in kinds["substitutions"] and ["–", "-", 1] in kinds["substitutions"]
    assert kinds["missing_spaces"] == 1 and kinds["extra_spaces"] == 0 and kinds["order_edits"] == 0
    swapped = score.error_kinds(ref, "Second line follows here.\nIt’s a well–known fact.")
    assert swapped["order_edits"] > 20 and score.cer_bag("\n".join(ref), "Second line follows here.\nIt’s a well–known fact.") == 0


def test_scan_quads_follow_the_rotation():
    clean = np.full((600, 800), 255, np.uint8)
    box = [300, 200, 500, 260]
    clean[box[1]:box[3], box[0]:box[2]] = 0
    scan, params = render.scan_variant(clean, "quad-test")
    assert 0.3 <= abs(params["angle"]) <= 1.5 and "shadow" in params
    quad = np.array(render.scan_quad(box, clean.shape, params["angle"]), np.float32)
    ys, xs = np.nonzero(scan < 100)
    import cv2
    inside = [cv2.pointPolygonTest(quad, (float(x), float(y)), True) >= -2 for x, y in zip(xs[::50], ys[::50])]
    assert len(inside) > 50 and all(inside)


def test_corpus_contract_fields(tmp_path):
    """What ``write_page`` records per page: the fields other helpers rely on."""
    from bench.realdocs.build import write_page

    doc = _pdf()
    page = _text_page(doc, EN_TEXT[:20])
    pt = select.page_text(page)
    clean = render.render_clean(page, pt.lines)
    d = sources.Document(id="syn", lang="en", source="debian", package="none", version="1", path="x/a.pdf",
                         sha256="0" * 64, licence="lic", pages=1)
    (tmp_path / "pages").mkdir()
    entry = write_page(d, {"text": pt, "clean": clean, "marks": 0}, tmp_path / "pages")
    assert {"id", "lang", "document", "package", "version", "file", "page", "licence", "truth", "images"} <= set(entry)
    truth = (tmp_path / entry["truth"]).read_text(encoding="utf-8").splitlines()
    assert truth == [t.strip() for t in EN_TEXT[:20] if t.strip()]
    lines = json.loads((tmp_path / entry["lines"]).read_text(encoding="utf-8"))
    assert [l["text"] for l in lines] == truth and all(len(l["scan_quad"]) == 4 for l in lines)
    for variant in ("clean", "scan"):
        assert (tmp_path / entry["images"][variant]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_word_spaces_come_from_the_gaps_not_from_space_characters():
    doc = _pdf()
    page = _page(doc)
    zh = _cjk(page)
    font = pymupdf.Font("helv")
    x = 60.0
    for word in ["Words", "placed", "one", "by", "one"]:  # no space character drawn, like texinfo's PDFs
        page.insert_text((x, 100), word, fontname="helv", fontsize=10)
        x += font.text_length(word, 10) + 3.0  # 0.3 em
    page.insert_text((60, 160), "BIG", fontname="helv", fontsize=40)  # a large logo beside a small title
    x = 60 + font.text_length("BIG", 40) + 10
    for word in ["small", "title", "here"]:
        page.insert_text((x, 160), word, fontname="helv", fontsize=10)
        x += font.text_length(word, 10) + 2.5
    for i, ch in enumerate("中文字符"):  # justified Chinese: wide gaps, still no space
        page.insert_text((60 + 16 * i, 200), ch, fontname=zh, fontsize=10)
    page.insert_text((60, 230), "表中的PS 与Word", fontname=zh, fontsize=10)
    assert [l.text for l in page_lines(page)] == ["Words placed one by one", "BIG small title here", "中文字符",
                                                  "表中的PS 与Word"]


def _words_at(page: pymupdf.Page, y: float, words: list[str], gaps: list[float], size: float = 10.0) -> None:
    """Words placed one by one with no space character, ``gaps[i]`` em after word i."""
    font, x = pymupdf.Font("helv"), 60.0
    for word, gap in zip(words, gaps + [0.0]):
        page.insert_text((x, y), word, fontname="helv", fontsize=size)
        x += font.text_length(word, size) + gap * size


def test_a_line_justified_tighter_than_the_word_gap_keeps_its_even_word_spaces():
    doc = _pdf()
    page = _page(doc)
    # a tight face justified: every word space 0.14 em, wider after a comma
    _words_at(page, 100, ["Complex", "tabular,", "matter", "can", "span"], [0.14, 0.145, 0.141, 0.14])
    # a logo's kern once a line, or tight gaps of three widths: not a line's word space
    _words_at(page, 140, ["LaTeX", "2e", "is", "here"], [0.13, 0.3, 0.3])
    _words_at(page, 180, ["kerns", "of", "three", "widths"], [0.1, 0.125, 0.145])
    assert [l.text for l in page_lines(page)] == ["Complex tabular, matter can span", "LaTeX2e is here", "kernsofthreewidths"]


def test_raster_images_are_whitened():
    doc = _pdf()
    page = _text_page(doc, EN_TEXT[:5])
    picture = np.zeros((100, 200), np.uint8)
    page.insert_image(pymupdf.Rect(100, 400, 300, 500), stream=render.encode_png(picture))
    pt = select.page_text(page)
    img = render.render_clean(page, pt.lines)
    x0, y0, x1, y1 = to_pixels((100, 400, 300, 500), render.DPI)
    assert (img[y0 + 2:y1 - 2, x0 + 2:x1 - 2] == 255).all()
    assert (img < 128).sum() > 1000  # the text is still there


def _unpacked(tmp_path, doc: sources.Document, data: bytes):
    """A cache holding ``doc``'s package already unpacked (what fetch leaves behind)."""
    from bench.realdocs.fetch import package_root

    root = tmp_path / "x" / f"{doc.source}-{doc.package}-{doc.version}"
    (root / doc.path).parent.mkdir(parents=True)
    (root / doc.path).write_bytes(data)
    (root / ".complete").touch()
    assert package_root(doc, tmp_path) == root
    return root


def test_fetch_checks_the_pinned_sha256(tmp_path):
    from bench.realdocs.fetch import FetchError, document_path, sha256_of

    data = b"%PDF-1.4 known bytes"
    doc = sources.Document(id="d", lang="en", source="debian", package="pkg-doc", version="1.0-1",
                           path="usr/share/doc/pkg-doc/manual.pdf", sha256="", licence="x", pages=1)
    root = _unpacked(tmp_path, doc, data)
    good = sources.Document(**{**doc.__dict__, "sha256": sha256_of(root / doc.path)})
    assert document_path(good, tmp_path).read_bytes() == data
    with pytest.raises(FetchError, match="SHA-256"):
        document_path(sources.Document(**{**doc.__dict__, "sha256": "1" * 64}), tmp_path)
    with pytest.raises(FetchError, match="is not in"):
        document_path(sources.Document(**{**good.__dict__, "path": "usr/share/doc/pkg-doc/other.pdf"}), tmp_path)


def test_licence_comes_from_the_package_copyright_file(tmp_path):
    import gzip

    from bench.realdocs.fetch import licence_of

    doc = sources.Document(id="d", lang="en", source="debian", package="pkg-doc", version="1", pages=1,
                           path="usr/share/doc/pkg-doc/manual.pdf", sha256="", licence="")
    root = _unpacked(tmp_path, doc, b"%PDF")
    (root / "usr/share/doc/pkg-doc/copyright").write_text(
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\n"
        "Files: debian/*\nCopyright: someone\nLicense: GPL-2+\n\n"
        "Files: *\nCopyright: the authors\nLicense: GFDL-1.3+\n text of the licence\n", encoding="utf-8")
    assert licence_of(doc, root).startswith("GFDL-1.3+")
    tex = sources.Document(id="t", lang="zh", source="debian", package="texlive-lang-x", version="1", pages=1,
                           path="usr/share/doc/texlive-doc/latex/somepkg/somepkg.pdf", sha256="", licence="")
    troot = _unpacked(tmp_path, tex, b"%PDF")
    (troot / "usr/share/doc/texlive-lang-x").mkdir(parents=True)
    with gzip.open(troot / "usr/share/doc/texlive-lang-x/Licenses.gz", "wt", encoding="utf-8") as f:
        f.write("otherpkg: gpl\ntexmf-dist/doc/latex/otherpkg/*\nsomepkg: lppl1.3c\ntexmf-dist/doc/latex/somepkg/*\n")
    assert licence_of(tex, troot).startswith("lppl1.3c (TeX Live package somepkg")


def test_dot_leaders_count_for_nothing_on_either_side():
    ref = "4.4 Insert/Formula . . . . . . . . . . . . . . 13\nSee x.* y and (...)"
    assert score.score(ref, "4.4 Insert/Formula .. 13\nSee x.* y and (...)")["cer_free"] == 0.0
    assert score.score(ref, "4.4 Insert/Formula ....................... 13\nSee x.* y and ()")["cer_free"] == 0.0
    assert score.score(ref, "4.4 Insert/Fornula 13\nSee x.* y and")["cer_free"] > 0  # the words still count
    assert score.reference_sizes(ref)["ref_chars_free"] == len("4.4Insert/Formula13Seex.*yand()")
    assert score.score(ref, "4.4 Insert/Formula . 13\nSee x.* y and (...)")["cer_free"] == 1 / 31  # a lone dot is a dot
