"""The bulk command's pure parts: keys, sniffing, tree walking, manifest and state file."""
from __future__ import annotations

import hashlib
import io
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pymupdf
import pytest
from PIL import Image

from client.bulk_state import BulkState, FileRow
from client.idempotency import KEY_PREFIX, content_key, idempotency_key
from client.manifest import COLUMNS, ManifestRow, read_manifest, write_manifest
from client.outputs import output_path, write_atomic
from client.sniff import sniff_kind
from client.source_tree import CHUNK_BYTES, digest_file, walk_tree

SHA = hashlib.sha256(b"doc").hexdigest()


# --- idempotency keys ---------------------------------------------------------


def test_key_is_stable_and_depends_on_content_and_options():
    base = content_key(SHA, mode="auto")
    assert base == content_key(SHA.upper(), mode="auto")
    assert base != content_key(SHA, mode="ocr")
    assert base != content_key(SHA, mode="auto", pages="1-2")
    assert base != content_key(hashlib.sha256(b"other").hexdigest(), mode="auto")
    key = idempotency_key(base)
    assert key == idempotency_key(base, 0) and key.startswith(KEY_PREFIX) and len(key) <= 64
    retries = {idempotency_key(base, n) for n in range(5)}
    assert len(retries) == 5  # each --retry-failed attempt needs a fresh server job


# --- sniffing by magic bytes ---------------------------------------------------


def _image_bytes(fmt: str) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(np.full((8, 8), 200, np.uint8)).save(buf, format=fmt)
    return buf.getvalue()


def _pdf_bytes() -> bytes:
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "hello")
    return doc.tobytes()


@pytest.mark.parametrize(
    "make, kind",
    [
        (_pdf_bytes, "pdf"),
        (lambda: _image_bytes("PNG"), "png"),
        (lambda: _image_bytes("JPEG"), "jpeg"),
        (lambda: _image_bytes("TIFF"), "tiff"),
        (lambda: _image_bytes("BMP"), "bmp"),
        (lambda: _image_bytes("WEBP"), "webp"),
        (lambda: b"\n\n%PDF-1.4 junk before the header", "pdf"),
        (lambda: b"BMW owners club\nminutes of the meeting, 2019", None),
        (lambda: b"", None),
        (lambda: b"PK\x03\x04 a zip file", None),
        (lambda: "plain text, named .pdf on purpose".encode(), None),
    ],
)
def test_sniff_kind(make, kind):
    assert sniff_kind(make()[:1024]) == kind


def test_walk_is_sorted_relative_and_skips_out_dir(tmp_path):
    src = tmp_path / "src"
    for rel in ["b/z.png", "b/a.pdf", "a.tif", "c/d/e.txt", "out/x.pdf.txt"]:
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_bytes(rel.encode())
    (src / "loop").symlink_to(src, target_is_directory=True)  # must not make the walk endless
    found = [f.rel_path for f in walk_tree(src, exclude=(src / "out",))]
    assert found == ["a.tif", "b/a.pdf", "b/z.png", "c/d/e.txt"]


def test_digest_streams_large_files(tmp_path):
    data = _pdf_bytes() + os.urandom(CHUNK_BYTES * 2 + 17)
    path = tmp_path / "big.bin"
    path.write_bytes(data)
    digest = digest_file(path)
    assert digest.sha256 == hashlib.sha256(data).hexdigest() and digest.kind == "pdf"


# --- outputs and manifest ------------------------------------------------------


def test_output_paths_mirror_the_source_tree(tmp_path):
    assert output_path(tmp_path, "a/b/x.pdf", "txt") == tmp_path / "a/b/x.pdf.txt"
    assert output_path(tmp_path, "a/b/x.pdf", "alto") == tmp_path / "a/b/x.pdf.alto.xml"
    assert output_path(tmp_path, "x.tif", "pdf") == tmp_path / "x.tif.pdf"
    assert output_path(tmp_path, "x.tif", "hocr") == tmp_path / "x.tif.hocr"
    target = output_path(tmp_path, "deep/er/x.png", "json")
    write_atomic(target, b"{}")
    assert target.read_bytes() == b"{}" and os.listdir(target.parent) == ["x.png.json"]


def test_manifest_round_trip(tmp_path):
    rows = [
        ManifestRow("z.pdf", SHA, "job-2", "partial", 3, 0.81234, 1, "inference_failed"),
        ManifestRow("a/notes.txt", None, None, "skipped", None, None, None, "unsupported_type"),
        ManifestRow("a/x.png", SHA, "job-1", "succeeded", 1, 0.95, 0, None),
    ]
    path = tmp_path / "manifest.csv"
    write_manifest(path, rows)
    back = read_manifest(path)
    assert list(back[0]) == list(COLUMNS)
    assert [r["path"] for r in back] == ["a/notes.txt", "a/x.png", "z.pdf"]
    assert back[2] == {
        "path": "z.pdf",
        "sha256": SHA,
        "job_id": "job-2",
        "status": "partial",
        "pages": "3",
        "mean_confidence": "0.8123",
        "pages_below_threshold": "1",
        "error_code": "inference_failed",
    }
    assert back[0]["job_id"] == "" and back[0]["error_code"] == "unsupported_type"
    assert sorted(os.listdir(tmp_path)) == ["manifest.csv"]


# --- the state file ------------------------------------------------------------


def test_state_survives_reopening_and_moves_through_states(tmp_path):
    path = tmp_path / "state.sqlite"
    state = BulkState(path)
    run = state.next_run_id()
    ckey = content_key(SHA, mode="auto")
    key = idempotency_key(ckey)
    state.record_file(FileRow("a.pdf", 3, 10, SHA, "pdf", None, ckey), run)
    state.record_file(FileRow("copy/a.pdf", 3, 11, SHA, "pdf", None, ckey), run)
    assert state.add_job(key, ckey, 0, SHA).state == "pending"
    state.mark_submitting(key)
    state.close()

    # A "crash" after marking submitting: a fresh process sees the key and the intent.
    state = BulkState(path)
    assert state.next_run_id() == run + 1
    job = state.current_job(ckey)
    assert (job.idempotency_key, job.state) == (key, "submitting")
    assert state.add_job(key, ckey, 0, SHA).state == "submitting"  # adding again changes nothing
    state.mark_submitted(key, "job-1")
    state.mark_finished(
        key, job_status="partial", pages=3, mean_confidence=0.7, pages_below=2, error_code="x", error_message="m"
    )
    state.record_output("a.pdf", "txt", key)
    assert state.output_written("a.pdf", "txt", key) and not state.output_written("copy/a.pdf", "txt", key)
    assert state.paths_for(ckey, run) == ["a.pdf", "copy/a.pdf"]
    assert state.paths_for(ckey, run + 1) == []
    state.close()

    rows = sqlite3.connect(path).execute("SELECT state, job_id, job_status, pages_below FROM jobs").fetchall()
    assert rows == [("finished", "job-1", "partial", 2)]


def test_client_package_runs_without_the_server_code(tmp_path):
    # Copied alone to another directory, every module imports and the CLI starts.
    shutil.copytree(Path(__file__).resolve().parents[2] / "client", tmp_path / "client")
    probe = (
        "import importlib, pkgutil, sys, client\n"
        "for m in pkgutil.iter_modules(client.__path__): importlib.import_module('client.' + m.name)\n"
        "server = {'api', 'db', 'workers', 'pipeline', 'models', 'settings'}\n"
        "print(sorted(k for k in sys.modules if k.split('.')[0] in server))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    cli = subprocess.run([sys.executable, "-m", "client", "bulk", "--help"], cwd=tmp_path, env=env,
                         capture_output=True, text=True)
    assert cli.returncode == 0 and "SRC_DIR" in cli.stdout


def test_extract_changes_the_content_key_and_leaves_older_keys_alone():
    plain = content_key(SHA, mode="auto")
    assert content_key(SHA, mode="auto", extract=None) == plain  # runs without --extract resume as before
    assert content_key(SHA, mode="auto", extract="invoice") != plain


def test_manifest_extra_columns_follow_the_standard_ones(tmp_path):
    row = ManifestRow("a.pdf", SHA, "j1", "succeeded", 1, 0.9, 0, None,
                      extra={"needs_review": "true", "invoice_number": "INV-1"})
    write_manifest(tmp_path / "m.csv", [row], ("invoice_number", "needs_review", "currency"))
    [back] = read_manifest(tmp_path / "m.csv")
    assert list(back) == [*COLUMNS, "invoice_number", "needs_review", "currency"]
    assert (back["invoice_number"], back["needs_review"], back["currency"]) == ("INV-1", "true", "")
