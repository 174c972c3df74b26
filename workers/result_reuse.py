"""Result reuse: a file already read with the same inputs is answered from that job's pages, without OCR.

The key is the sha256 of the canonical JSON of everything that decides a
page's output: the files' sha256 (in order), the job's mode, page range and
DPI, the pixel budget (it can lower the DPI), the model names and hashes the
engine loaded, the engine's settings, the pipeline's own source code and the
versions of the libraries that render and infer.

It runs in the worker's split step, not at submit: only the worker knows for
sure which models and code would read the file (the API loads no models and,
during a rolling upgrade, may run older code than the workers), and a job
answered by reuse still passes through the same states, outbox and
finalizer as any other. The cost is one queue hop for a reused file.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import pipeline
from db import reuse_repository
from db.finalize import finalize_job
from db.pages import DocumentWork
from pipeline import PipelineError

log = logging.getLogger(__name__)

KEY_FORMAT = 1  # bump when the key's recipe changes
# Their versions change rendering, text extraction or inference results.
LIBRARIES = ("onnxruntime", "opencv-python-headless", "pymupdf", "numpy")
# Code that does not change stored page results (exports are made from them, later).
_NOT_OUTPUT = ("export", "__main__.py")


@lru_cache(maxsize=1)
def pipeline_fingerprint() -> str:
    """sha256 over the pipeline's source files: any code change is a new pipeline version."""
    root = Path(pipeline.__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if rel.split("/")[0] in _NOT_OUTPUT:
            continue
        digest.update(rel.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


@lru_cache(maxsize=1)
def _library_versions() -> dict[str, str | None]:
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def engine_inputs(engine) -> dict:
    """What the engine brings to the key: models, settings, code and libraries."""
    config = dataclasses.asdict(engine.config)
    config.pop("models_dir", None)  # where the files are does not matter, their hashes do
    config.pop("threads", None)
    return {
        "models": engine.model_info(),
        "engine": config,
        "pipeline": pipeline_fingerprint(),
        "libraries": dict(_library_versions()),
    }


def reuse_key(document_sha256s: list[str], *, mode: str, pages: str | None, dpi: int, max_pixels: int, engine: dict,
              tables: bool = False) -> str:
    inputs = {
        "format": KEY_FORMAT,
        "documents": list(document_sha256s),
        "mode": mode,
        "pages": pages,
        "dpi": dpi,
        "max_pixels": max_pixels,
        **engine,
    }
    if tables:  # only then: the keys of jobs without tables stay what they were
        inputs["tables"] = True
    canonical = json.dumps(inputs, sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def answer_from_earlier_jobs(database, runner, works: list[DocumentWork]) -> set[str]:
    """Copy each document's pages from an identical succeeded job and finalize; returns the ids answered.

    The others are read as usual. ``runner`` is the process's JobRunner (its
    engine and limits are the ones that would read the file). Keys and
    sources for the whole group take one transaction; a copy takes its own.
    """
    if not works:
        return set()
    try:
        engine = engine_inputs(runner.engine)
    except PipelineError as exc:  # no models here: the pages will fail on their own, with their code
        log.warning("result reuse skipped for %d documents: %s", len(works), exc)
        return set()
    jobs = {w.job_id: w for w in works}
    with database.session() as s:
        hashes = reuse_repository.document_hashes(s, list(jobs))
        keys = {
            job_id: reuse_key(hashes[job_id], mode=w.mode, pages=w.pages_spec, dpi=w.dpi,
                              max_pixels=runner.limits.max_pixels, engine=engine, tables=bool(w.tables))
            for job_id, w in jobs.items()
        }
        reuse_repository.set_reuse_keys(s, keys)
        sources = reuse_repository.find_sources(s, {j: (w.tenant_id, keys[j]) for j, w in jobs.items()})
    answered = set()
    for work in works:
        source = sources.get(work.job_id)
        if source is None:
            continue
        with database.session() as s:
            if not reuse_repository.copy_document_pages(s, work.document_id, source):
                continue
            finalize_job(s, work.job_id)
        answered.add(work.document_id)
        log.info("document %s answered from job %s (no OCR)", work.document_id, source)
    return answered
