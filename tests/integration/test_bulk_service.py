"""The bulk command through the real service: API under gunicorn, a celery worker, PostgreSQL, Redis.

A generated tree with known text (born-digital and scanned PDFs, a multi-page
TIFF, PNG/JPEG/BMP/WebP images, duplicates, a corrupt PDF and non-documents)
must come back with every file in the manifest under the right status and the
OCR text close to the ground truth; a run killed with SIGKILL halfway and
started again must leave exactly one job per distinct file on the server.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import pytest
from lxml import etree

from client import Client
from client.manifest import read_manifest
from client.source_tree import digest_file
from tests.factories import EN_TEXT, cer, encode_jpeg, encode_png, make_pdf, make_tiff, render_text_image
from tests.service_stack import ROOT, ServiceStack

pytestmark = [pytest.mark.integration, pytest.mark.slow]

# Small pages keep the suite fast: accuracy is the engine's suite's business, not this one's.
DPI = 100


def _page(lines: list[str]) -> np.ndarray:
    return render_text_image(lines, size_px=22, width=900, margin=30)


def _encode(ext: str, img: np.ndarray) -> bytes:
    ok, buf = cv2.imencode(ext, img)
    assert ok
    return buf.tobytes()


def _write(root: Path, rel: str, data: bytes) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def build_archive(root: Path) -> dict[str, str]:
    """Write the tree; return each document's ground-truth text (whitespace-insensitive CER later)."""
    truth: dict[str, str] = {}
    born = [EN_TEXT[0:2], EN_TEXT[2:4], EN_TEXT[4:6]]
    for i, lines in enumerate(born):
        _write(root, f"born/contract_{i}.pdf", make_pdf([{"text": lines}]))
        truth[f"born/contract_{i}.pdf"] = " ".join(lines)
    _write(root, "born/two_pages.pdf", make_pdf([{"text": [EN_TEXT[6]]}, {"text": [EN_TEXT[7]]}]))
    truth["born/two_pages.pdf"] = EN_TEXT[6] + " " + EN_TEXT[7]
    for i, n in enumerate((8, 19)):
        _write(root, f"scans/scan_{i}.pdf", make_pdf([{"image": _page([EN_TEXT[n]]), "dpi": DPI}]))
        truth[f"scans/scan_{i}.pdf"] = EN_TEXT[n]
    _write(
        root,
        "scans/mixed.pdf",
        make_pdf([{"text": [EN_TEXT[9]]}, {"image": _page([EN_TEXT[10]]), "dpi": DPI}]),
    )
    truth["scans/mixed.pdf"] = EN_TEXT[9] + " " + EN_TEXT[10]
    _write(root, "scans/stack.tif", make_tiff([_page([EN_TEXT[11]]), _page([EN_TEXT[12]])], dpi=DPI))
    truth["scans/stack.tif"] = EN_TEXT[11] + " " + EN_TEXT[12]
    images = {
        "images/a.png": (encode_png, 13),
        "images/b.jpg": (lambda im: encode_jpeg(im, 90), 14),
        "images/c.bmp": (lambda im: _encode(".bmp", im), 15),
        "images/d.webp": (lambda im: _encode(".webp", im), 16),
        "images/e.png": (encode_png, 17),
        "images/deeper/f.png": (encode_png, 18),
        "images/deeper/g.jpeg": (lambda im: encode_jpeg(im, 85), 20),
    }
    for rel, (encode, n) in images.items():
        _write(root, rel, encode(_page([EN_TEXT[n]])))
        truth[rel] = EN_TEXT[n]
    # Duplicates: same bytes under other names, in other folders.
    for original, copy in (("images/a.png", "copies/a copy.png"), ("born/contract_0.pdf", "copies/contract.pdf")):
        _write(root, copy, (root / original).read_bytes())
        truth[copy] = truth[original]
    _write(root, "broken/truncated.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage without xref")
    _write(root, "notes/readme.txt", b"Scanned in 2019 by the records office.\n")
    _write(root, "notes/index.csv", b"box,folder\n1,2\n")
    return truth


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    with ServiceStack.start(tmp_path_factory.mktemp("bulk-stack"), backend="postgres_redis", DOCPIPE_DPI=DPI) as s:
        s.start_worker(concurrency=2)
        s.url = s.start_api()
        yield s


def _bulk(url: str, src: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "client", "bulk", str(src), str(out), "--url", url, "--no-progress",
            "--poll", "0.2", *extra]


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def _jobs_for(client: Client, shas: set[str]) -> list[dict]:
    return [j for j in client.list_jobs() if {d["sha256"] for d in j["documents"]} & shas]


def test_bulk_archive_through_the_service(stack, tmp_path):
    src, out = tmp_path / "archive", tmp_path / "out"
    truth = build_archive(src)
    started = time.monotonic()
    run = subprocess.run(
        _bulk(stack.url, src, out, "--formats", "txt,json,hocr,alto,pdf", "--concurrency", "4"),
        cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=600,
    )
    elapsed = time.monotonic() - started
    print(run.stdout, f"wall {elapsed:.1f} s")
    assert run.returncode == 1, run.stdout + run.stderr  # the corrupt file fails the run

    rows = {r["path"]: r for r in read_manifest(out / "manifest.csv")}
    assert set(rows) == set(truth) | {"broken/truncated.pdf", "notes/readme.txt", "notes/index.csv"}
    for rel in truth:
        assert rows[rel]["status"] == "succeeded", rows[rel]
        assert rows[rel]["sha256"] == digest_file(src / rel).sha256
    assert rows["broken/truncated.pdf"]["status"] == "failed"
    assert rows["broken/truncated.pdf"]["error_code"] == "corrupt_file"
    assert {rows[p]["status"] for p in ("notes/readme.txt", "notes/index.csv")} == {"skipped"}
    assert rows["copies/a copy.png"]["job_id"] == rows["images/a.png"]["job_id"]
    assert rows["copies/contract.pdf"]["job_id"] == rows["born/contract_0.pdf"]["job_id"]
    assert rows["scans/stack.tif"]["pages"] == "2" and rows["born/two_pages.pdf"]["pages"] == "2"
    assert rows["scans/mixed.pdf"]["pages"] == "2"
    for rel in truth:
        assert 0.5 < float(rows[rel]["mean_confidence"]) <= 1.0, rows[rel]
        assert rows[rel]["pages_below_threshold"] in {str(n) for n in range(int(rows[rel]["pages"]) + 1)}

    for rel, text in truth.items():
        for suffix in (".txt", ".json", ".hocr", ".alto.xml", ".pdf"):
            assert (out / (rel + suffix)).stat().st_size > 0, rel + suffix
        got = (out / (rel + ".txt")).read_text(encoding="utf-8")
        assert cer(text, got) < 0.05, (rel, got)
    assert (out / "copies/a copy.png.alto.xml").read_bytes() == (out / "images/a.png.alto.xml").read_bytes()
    # The files are the API's exports byte for byte; spot-check that each is what its name says.
    rel = "scans/stack.tif"
    assert etree.parse(str(out / (rel + ".alto.xml"))).getroot().tag.endswith("}alto")
    assert etree.parse(str(out / (rel + ".hocr")), etree.HTMLParser()).xpath("//*[@class='ocr_page']")
    assert json.loads((out / (rel + ".json")).read_text(encoding="utf-8"))
    assert (out / (rel + ".pdf")).read_bytes().startswith(b"%PDF-")

    with Client(stack.url) as client:
        shas = {digest_file(src / rel).sha256 for rel in truth}
        jobs = _jobs_for(client, shas)
        assert len(jobs) == len(shas)  # duplicates submitted once
        assert {j["options"]["priority"] for j in jobs} == {"bulk"}

        # Run again: nothing new on the server; still exit 1 for the corrupt file.
        again = subprocess.run(_bulk(stack.url, src, out), cwd=ROOT, env=_env(), capture_output=True, text=True,
                               timeout=120)
        assert again.returncode == 1 and "0 submitted and 0 results downloaded" in again.stdout, again.stdout
        assert len(_jobs_for(client, shas)) == len(shas)


def test_bulk_killed_halfway_and_restarted(stack, tmp_path):
    src, out = tmp_path / "archive", tmp_path / "out"
    # Content unique to this test, so the server's key dedupe cannot hide a second submission.
    stamp = str(time.time_ns())
    for i in range(10):
        lines = [f"Box {i} folder {stamp[-6:]}", EN_TEXT[i]]
        _write(src, f"box{i % 2}/page_{i}.png", encode_png(_page(lines)))
    shas = {digest_file(p).sha256 for p in src.rglob("*.png")}
    cmd = _bulk(stack.url, src, out, "--formats", "txt,json", "--concurrency", "3")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with Client(stack.url) as client:
        deadline = time.monotonic() + 120
        while len(_jobs_for(client, shas)) < 4 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        at_kill = len(_jobs_for(client, shas))
        assert 4 <= at_kill < 10, "the kill should land halfway through"

        rerun = subprocess.run(cmd, cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=600)
        assert rerun.returncode == 0, rerun.stdout + rerun.stderr
        assert "10 succeeded" in rerun.stdout
        jobs = _jobs_for(client, shas)
    assert len(jobs) == 10  # exactly one job per file: nothing submitted twice
    assert sorted(d["sha256"] for j in jobs for d in j["documents"]) == sorted(shas)
    rows = read_manifest(out / "manifest.csv")
    assert len(rows) == 10 and {r["status"] for r in rows} == {"succeeded"}
    assert len({r["job_id"] for r in rows}) == 10
    for r in rows:
        assert (out / (r["path"] + ".txt")).stat().st_size > 0
        assert (out / (r["path"] + ".json")).stat().st_size > 0
    assert not list(out.rglob("*.docpipe-tmp"))
