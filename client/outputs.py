"""Where each result format lands in OUT_DIR, and writing it so no reader sees half a file."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

# a/b/x.pdf → OUT/a/b/x.pdf<suffix>: the source name stays whole, so x.pdf and x.tif never collide.
SUFFIXES = {
    "txt": ".txt",
    "json": ".json",
    "hocr": ".hocr",
    "alto": ".alto.xml",
    "md": ".md",
    "pdf": ".pdf",
    "pdfa": ".pdfa.pdf",
    "tables.json": ".tables.json",
    "tables.csv": ".tables.csv.zip",  # one CSV per table
    "tables.xlsx": ".tables.xlsx",
    "tables.html": ".tables.html",
    "fields": ".fields.json",  # GET /v1/jobs/{id}/fields, with --extract invoice
}
TMP_SUFFIX = ".docpipe-tmp"


def output_path(out_dir: Path, rel_path: str, fmt: str) -> Path:
    return Path(out_dir) / (rel_path + SUFFIXES[fmt])


def write_atomic(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    # A fixed temporary name: a run killed mid-write leaves at most one stray file per output, reused next time.
    tmp = target.with_name(target.name + TMP_SUFFIX)
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, target)


def copy_atomic(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + TMP_SUFFIX)
    shutil.copyfile(source, tmp)
    os.replace(tmp, target)
