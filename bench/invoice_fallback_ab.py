"""Extraction CPU with and without the fallbacks for unreadable labels (the arithmetic of the totals and
near-spelled labels), side by side in one run on the real e-invoices' scans.

    .venv/bin/python -m bench.invoice_fallback_ab      # needs bench/out/invoice-ocr-cache from
                                                       # bench.invoice_real --ocr-cache bench/out/invoice-ocr-cache

Rounds alternate the order of the two settings, so that a change in the machine's load falls on both.
"""
from __future__ import annotations

import hashlib
import pickle
import statistics
import sys
import time

from bench.invoice_real import HERE, load
from pipeline.invoice import extract as ex
from pipeline.invoice import extract_invoice, locate

CACHE = HERE / "out" / "invoice-ocr-cache"


def main(rounds: int = 3) -> int:
    docs = []
    for i, (_meta, pdf) in enumerate(load()):
        key = CACHE / f"{hashlib.sha256(pdf).hexdigest()[:16]}-{i}-5.pkl"
        if not key.exists():
            raise SystemExit(f"no cached OCR at {key}: run bench.invoice_real --ocr-cache {CACHE} first")
        docs.append(pickle.loads(key.read_bytes())[0])
    arithmetic, fuzzy = ex.arithmetic.apply, locate.fuzzy_label
    seconds: dict[str, list[float]] = {"without": [], "with": []}
    for r in range(rounds):
        for mode in ("without", "with") if r % 2 == 0 else ("with", "without"):
            ex.arithmetic.apply = arithmetic if mode == "with" else (lambda spans, result: None)
            locate.fuzzy_label = fuzzy if mode == "with" else (lambda text: None)
            for pages in docs:
                locate._all_label_hits.cache_clear()  # each document pays for its own labels
                t0 = time.process_time()
                extract_invoice(pages)
                seconds[mode].append(time.process_time() - t0)
    ex.arithmetic.apply, locate.fuzzy_label = arithmetic, fuzzy
    for mode, v in seconds.items():
        print(f"{mode} fallbacks: median {statistics.median(v):.4f} CPU s per document, {sum(v) / rounds:.2f} s per round")
    print(f"ratio of totals: {sum(seconds['with']) / sum(seconds['without']):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
