"""Issue 6's archive test: a generated tree of 200 files through the real service with the bulk command.

API under gunicorn, a celery worker with 2 processes, PostgreSQL, Redis. The tree holds
born-digital PDFs (one and two pages), scanned PDFs without a text layer, PDFs mixing both,
multi-page TIFFs, PNG/JPEG/BMP/WebP images, byte-identical duplicates under other names, one
corrupt PDF and one non-document. Every file must be in the manifest with the right status,
duplicates answered by one shared job, the corrupt file with its code; every hOCR and ALTO
file parsed back (lxml) must carry the JSON's lines, words and boxes; each searchable PDF's
text (PyMuPDF) must match the OCR text (CER <= 0.5 %) with every word inside its line's box.

Speed: most files are born-digital one-pagers (text layer, no OCR) and the scanned pages are
small one-liners at 100 DPI, so the whole run stays well under two minutes on two cores.
"""
from __future__ import annotations

import json
import math
import subprocess
import time
from pathlib import Path

import cv2
import numpy as np
import pymupdf
import pytest
from lxml import etree

from client import Client
from client.manifest import read_manifest
from client.source_tree import digest_file
from tests.factories import EN_TEXT, cer, encode_jpeg, encode_png, make_pdf, make_tiff, render_text_image
from tests.service_stack import ROOT, ServiceStack, bulk_command, client_env

pytestmark = [pytest.mark.integration, pytest.mark.slow]

DPI = 100
FORMATS = ("txt", "json", "hocr", "alto", "pdf")
SUFFIX = {"txt": ".txt", "json": ".json", "hocr": ".hocr", "alto": ".alto.xml", "pdf": ".pdf"}
HOCR = "{http://www.w3.org/1999/xhtml}"
ALTO = "{http://www.loc.gov/standards/alto/ns-v4#}"
CORRUPT, NON_DOCUMENT = "broken/truncated.pdf", "notes/readme.txt"


def _page(lines: list[str]) -> np.ndarray:
    return render_text_image(lines, size_px=22, width=900, margin=30)


def _encode(ext: str, img: np.ndarray) -> bytes:
    ok, buf = cv2.imencode(ext, img)
    assert ok
    return buf.tobytes()


def _line(i: int) -> str:
    # Unique per file (so no accidental duplicates) and real sentences of the factories' corpus.
    return f"Record {i:03d}: {EN_TEXT[i % len(EN_TEXT)][:60]}"


def build_archive(root: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Write 200 files; return (document path → ground-truth text, duplicate path → original path)."""
    files: dict[str, bytes] = {}
    truth: dict[str, str] = {}

    def add(rel: str, data: bytes, text: str) -> None:
        files[rel], truth[rel] = data, text

    n = 0
    for i in range(146):  # born-digital one-pagers, in folders of 20
        add(f"born/box{i // 20:02d}/letter_{i:03d}.pdf", make_pdf([{"text": [_line(n)]}]), _line(n))
        n += 1
    for i in range(4):  # born-digital two-pagers
        add(f"born/two/report_{i}.pdf", make_pdf([{"text": [_line(n)]}, {"text": [_line(n + 1)]}]),
            _line(n) + " " + _line(n + 1))
        n += 2
    for i in range(10):  # scans: no text layer
        add(f"scans/pdf/scan_{i}.pdf", make_pdf([{"image": _page([_line(n)]), "dpi": DPI}]), _line(n))
        n += 1
    for i in range(3):  # a text page and a scanned page
        add(f"scans/mixed/mixed_{i}.pdf", make_pdf([{"text": [_line(n)]}, {"image": _page([_line(n + 1)]), "dpi": DPI}]),
            _line(n) + " " + _line(n + 1))
        n += 2
    for i in range(5):  # multi-page TIFFs
        add(f"scans/tiff/stack_{i}.tif", make_tiff([_page([_line(n)]), _page([_line(n + 1)])], dpi=DPI),
            _line(n) + " " + _line(n + 1))
        n += 2
    encoders = [("png", encode_png), ("jpg", lambda im: encode_jpeg(im, 90)), ("bmp", lambda im: _encode(".bmp", im)),
                ("webp", lambda im: _encode(".webp", im)), ("jpeg", lambda im: encode_jpeg(im, 85))]
    for i in range(15):
        ext, encode = encoders[i % len(encoders)]
        add(f"images/{ext}/photo_{i:02d}.{ext}", encode(_page([_line(n)])), _line(n))
        n += 1
    # Duplicates: the same bytes under other names and folders (born, scanned, TIFF, image).
    originals = [*sorted(r for r in truth if r.startswith("born/box00"))[:8], "scans/pdf/scan_0.pdf",
                 "scans/pdf/scan_1.pdf", "scans/tiff/stack_0.tif", "images/png/photo_00.png",
                 "images/jpg/photo_01.jpg", "scans/mixed/mixed_0.pdf", "born/two/report_0.pdf"]
    duplicates = {f"copies/{i:02d} copy of {Path(o).name}": o for i, o in enumerate(originals)}
    for copy, original in duplicates.items():
        add(copy, files[original], truth[original])
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (root / CORRUPT).parent.mkdir(parents=True)
    (root / CORRUPT).write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage without xref")
    (root / NON_DOCUMENT).parent.mkdir(parents=True)
    (root / NON_DOCUMENT).write_bytes(b"Scanned in 2019 by the records office.\n")
    assert len(truth) + 2 == 200
    return truth, duplicates


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    with ServiceStack.start(tmp_path_factory.mktemp("bulk-archive"), backend="postgres_redis", DOCPIPE_DPI=DPI) as s:
        s.start_worker(concurrency=2)
        s.url = s.start_api()
        yield s



def _int_box(box) -> tuple[int, ...]:
    return math.floor(box[0]), math.floor(box[1]), math.ceil(box[2]), math.ceil(box[3])


def _json_lines(tree: dict) -> list[tuple[str, tuple, list[tuple[str, tuple]]]]:
    """Every line of the JSON export in order: (text, int box, [(word, int box)]) — a line without
    word boxes counts as one word spanning it, as the XML exports write it."""
    out = []
    for doc in tree["documents"]:
        for page in doc["pages"]:
            for ln in page["lines"]:
                words = ln["words"] or [{"text": ln["text"], "box": ln["box"]}]
                out.append((ln["text"], _int_box(ln["box"]), [(w["text"], _int_box(w["box"])) for w in words]))
    return out


def _bbox(title: str) -> tuple[int, ...]:
    part = next(p.strip() for p in title.split(";") if p.strip().startswith("bbox "))
    return tuple(int(v) for v in part.split()[1:5])


def _hocr_lines(path: Path) -> list[tuple[str, tuple, list[tuple[str, tuple]]]]:
    root = etree.parse(str(path)).getroot()
    lines = []
    for span in root.iter(f"{HOCR}span"):
        if span.get("class") != "ocr_line":
            continue
        words = [(w.text or "", _bbox(w.get("title"))) for w in span if w.get("class") == "ocrx_word"]
        assert all("x_wconf" in w.get("title") for w in span)
        lines.append((" ".join(t for t, _ in words), _bbox(span.get("title")), words))
    return lines


def _alto_lines(path: Path) -> list[tuple[str, tuple, list[tuple[str, tuple]]]]:
    def box(el) -> tuple[int, ...]:
        x, y, w, h = (int(el.get(k)) for k in ("HPOS", "VPOS", "WIDTH", "HEIGHT"))
        return x, y, x + w, y + h

    root = etree.parse(str(path)).getroot()
    assert root.tag == f"{ALTO}alto"
    lines = []
    for line in root.iter(f"{ALTO}TextLine"):
        words = [(s.get("CONTENT"), box(s)) for s in line.iter(f"{ALTO}String")]
        assert all(0.0 <= float(s.get("WC")) <= 1.0 for s in line.iter(f"{ALTO}String"))
        lines.append((" ".join(t for t, _ in words), box(line), words))
    return lines


def _check_searchable_pdf(path: Path, tree: dict) -> int:
    """OCR pages: PyMuPDF's text vs the OCR text (CER <= 0.5 %), every word inside its line's box.
    Pages with their own text layer are kept as they were. Returns the OCR pages checked."""
    pages = [p for doc in tree["documents"] for p in doc["pages"]]
    checked = 0
    with pymupdf.open(path) as pdf:
        assert pdf.page_count == len(pages)
        for pdf_page, result in zip(pdf, pages):
            got = pdf_page.get_text()
            if result["source"] != "ocr":
                assert cer(result["text"], got) == 0.0
                continue
            checked += 1
            assert cer(result["text"], got) <= 0.005, (path.name, result["text"], got)
            sx, sy = pdf_page.rect.width / result["width"], pdf_page.rect.height / result["height"]
            line_rects = [(pymupdf.Rect(ln["box"][0] * sx, ln["box"][1] * sy, ln["box"][2] * sx, ln["box"][3] * sy),
                           ln["text"]) for ln in result["lines"]]
            tol = 1.0  # points
            for x0, y0, x1, y1, word, *_ in pdf_page.get_text("words"):
                inside = [t for r, t in line_rects
                          if r.x0 - tol <= x0 and x1 <= r.x1 + tol and r.y0 - tol <= y0 and y1 <= r.y1 + tol]
                assert inside and any(word in t for t in inside), (path.name, word, (x0, y0, x1, y1))
    return checked


def test_200_file_archive_through_the_service(stack, tmp_path):
    src, out = tmp_path / "archive", tmp_path / "out"
    truth, duplicates = build_archive(src)
    started = time.monotonic()
    run = subprocess.run(
        bulk_command(stack.url, src, out, "--formats", ",".join(FORMATS), "--concurrency", "8"),
        cwd=ROOT, env=client_env(), capture_output=True, text=True, timeout=600,
    )
    bulk_seconds = time.monotonic() - started
    print(run.stdout[-2000:], f"bulk command wall time {bulk_seconds:.1f} s for 200 files")
    assert run.returncode == 1, run.stdout + run.stderr  # the corrupt file fails the run

    # Every file accounted for, with its status.
    rows = {r["path"]: r for r in read_manifest(out / "manifest.csv")}
    assert set(rows) == set(truth) | {CORRUPT, NON_DOCUMENT} and len(rows) == 200
    for rel in truth:
        assert rows[rel]["status"] == "succeeded", rows[rel]
        assert rows[rel]["sha256"] == digest_file(src / rel).sha256
    assert rows[CORRUPT]["status"] == "failed" and rows[CORRUPT]["error_code"] == "corrupt_file"
    assert rows[NON_DOCUMENT]["status"] == "skipped"
    for rel in truth:
        expect_pages = 2 if rel.startswith(("born/two", "scans/mixed", "scans/tiff")) or (
            rel in duplicates and duplicates[rel].startswith(("born/two", "scans/mixed", "scans/tiff"))) else 1
        assert rows[rel]["pages"] == str(expect_pages), rows[rel]

    # Duplicates answered by the original's job: one job per distinct content on the server.
    for copy, original in duplicates.items():
        assert rows[copy]["job_id"] == rows[original]["job_id"]
        assert (out / (copy + ".json")).read_bytes() == (out / (original + ".json")).read_bytes()
    with Client(stack.url) as client:
        shas = {digest_file(src / rel).sha256 for rel in truth}
        jobs = [j for j in client.list_jobs() if {d["sha256"] for d in j["documents"]} & shas]
    assert len(jobs) == len(shas) == len(truth) - len(duplicates)
    assert {j["options"]["priority"] for j in jobs} == {"bulk"}

    ocr_pages = 0
    for rel, text in truth.items():
        paths = {fmt: out / (rel + SUFFIX[fmt]) for fmt in FORMATS}
        tree = json.loads(paths["json"].read_text(encoding="utf-8"))
        # Text close to the ground truth (born-digital exact; scans read by OCR).
        got = paths["txt"].read_text(encoding="utf-8")
        assert cer(text, got) < (0.001 if rel.startswith("born/") else 0.05), (rel, got)
        # hOCR and ALTO carry exactly the JSON's lines, words and boxes.
        want = _json_lines(tree)
        assert want, rel
        assert [(words, box) for _, box, words in _hocr_lines(paths["hocr"])] == [(w, b) for _, b, w in want], rel
        assert [(words, box) for _, box, words in _alto_lines(paths["alto"])] == [(w, b) for _, b, w in want], rel
        ocr_pages += _check_searchable_pdf(paths["pdf"], tree)
    assert ocr_pages == 10 + 3 + 5 * 2 + 15 + 7  # scans, mixed, TIFF pages, images, and the duplicates of scans
    print(f"checked {len(truth)} documents ({ocr_pages} OCR pages) in every format")

    # Run again: the state file answers everything; nothing new on the server, still exit 1.
    again = subprocess.run(bulk_command(stack.url, src, out), cwd=ROOT, env=client_env(), capture_output=True, text=True,
                           timeout=120)
    assert again.returncode == 1 and "0 submitted and 0 results downloaded" in again.stdout, again.stdout
    with Client(stack.url) as client:
        assert sum(1 for j in client.list_jobs() if {d["sha256"] for d in j["documents"]} & shas) == len(shas)
