"""The peers, each run with its default settings (and pdfplumber also with its text strategy, its
documented mode for tables without rules), their tables put into ``Grid``s."""
from __future__ import annotations

import io
import json
import subprocess
import time
from pathlib import Path

import pdfplumber
import pymupdf

from bench.tables.metrics import Grid, grid_from_cells, grid_from_rows

ROOT = Path(__file__).resolve().parents[2]
IMG2TABLE_PYTHON = ROOT / "var" / "img2table-venv" / "bin" / "python"


def pdfplumber_tables(pdf: bytes, page_no: int, strategy: str) -> tuple[list[Grid], float]:
    settings = {} if strategy == "lines" else {"vertical_strategy": "text", "horizontal_strategy": "text"}
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        page = doc.pages[page_no]
        t0 = time.perf_counter()
        rows = page.extract_tables(settings)
        return [grid_from_rows(t) for t in rows if t], time.perf_counter() - t0


def pymupdf_tables(pdf: bytes, page_no: int) -> tuple[list[Grid], float]:
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        page = doc[page_no]
        t0 = time.perf_counter()
        found = [t.extract() for t in page.find_tables().tables]
        return [grid_from_rows(t) for t in found if t], time.perf_counter() - t0


def img2table_available() -> bool:
    return IMG2TABLE_PYTHON.exists()


def img2table_tables(paths: list[Path], lang: str) -> dict[str, tuple[list[Grid], float]]:
    """img2table + Tesseract on each image, in one process per call (Tesseract loads its models once)."""
    runner = Path(__file__).with_name("img2table_runner.py")
    tess = {"en": "eng", "zh": "chi_sim+eng"}[lang]
    proc = subprocess.run([str(IMG2TABLE_PYTHON), str(runner), tess, *map(str, paths)], capture_output=True,
                          text=True, check=True, env={"OMP_THREAD_LIMIT": "1", "PATH": "/usr/bin:/bin"})
    out = {}
    for line in proc.stdout.splitlines():
        if line.startswith('{"path"'):  # Tesseract prints its version on stdout
            d = json.loads(line)
            out[d["path"]] = ([grid_from_cells(t["rows"], t["cols"], t["cells"]) for t in d["tables"]], d["seconds"])
    return out
