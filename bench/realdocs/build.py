"""Build the real-document corpus: fetch the pinned PDFs, choose pages by the
fixed rule, render them clean and scan-like, and write the truth.

    python -m bench.realdocs.build [--out bench/out/realdocs/corpus] [--seed N] [--per-document 4]

Output (``--out``; written to a sibling directory first and swapped in whole,
so a reader never sees half a corpus):
  corpus.json                  {"pages": [{id, lang, document, package, version, file, page,
                                licence, truth, images: {clean, scan}, boxes, ...}]}
  pages/<id>.gt.txt            the truth: lines in text-layer reading order, one per line
  pages/<id>.clean.png         200 DPI greyscale render
  pages/<id>.scan.png          the scan variant
  pages/<id>.lines.json        per line: text, box on the clean page (pixels),
                               quad on the scan page (its four corners)
  READY                        written last
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import time
from pathlib import Path

import pymupdf

from bench import scan
from bench.realdocs import render, select
from bench.realdocs.fetch import DEFAULT_CACHE, FetchError, document_path
from bench.realdocs.sources import MANIFEST, Document, load_documents
from bench.realdocs.truth import to_pixels

DEFAULT_OUT = Path("bench/out/realdocs/corpus")
DEFAULT_PER_DOCUMENT = 4


def choose_pages(doc: Document, pdf: pymupdf.Document, seed: int, per_document: int) -> tuple[list[dict], dict]:
    """The document's chosen pages (rendered, with truth) and why the pages tried
    before them were not taken (``select``: pages are tried in a seeded order)."""
    rejected: dict[str, int] = {}
    chosen = []
    for number in select.candidate_order(list(range(1, pdf.page_count + 1)), doc.id, seed):
        if len(chosen) == per_document:
            break
        page = pdf[number - 1]
        pt = select.page_text(page)
        reason = select.text_rule(page, pt, doc.lang)
        clean = None
        if reason is None:
            clean = render.render_clean(page, pt.lines)
            marks = render.unlabelled_marks(clean, pt.lines)
            if marks > select.MAX_UNLABELLED_MARKS:
                reason = "unlabelled_marks"
        if reason:
            rejected[reason] = rejected.get(reason, 0) + 1
            continue
        chosen.append({"text": pt, "clean": clean, "marks": marks})
    chosen.sort(key=lambda c: c["text"].number)
    return chosen, rejected


def write_page(doc: Document, c: dict, pages_dir: Path) -> dict:
    pt, clean = c["text"], c["clean"]
    page_id = f"{doc.id}-p{pt.number:03d}"
    scan, params = render.scan_variant(clean, page_id)
    usable = [l for l in pt.lines if l.usable]
    lines = []
    for l in usable:
        box = to_pixels(l.bbox, render.DPI)
        lines.append({"text": l.text, "box": box, "scan_quad": render.scan_quad(box, clean.shape, params["angle"])})
    (pages_dir / f"{page_id}.gt.txt").write_text("".join(l.text + "\n" for l in usable), encoding="utf-8")
    (pages_dir / f"{page_id}.lines.json").write_text(json.dumps(lines, ensure_ascii=False), encoding="utf-8")
    (pages_dir / f"{page_id}.clean.png").write_bytes(render.encode_png(clean))
    (pages_dir / f"{page_id}.scan.png").write_bytes(render.encode_png(scan))
    return {
        "id": page_id, "lang": doc.lang, "document": doc.id, "package": doc.package, "version": doc.version,
        "file": doc.path, "page": pt.number, "licence": doc.licence,
        "truth": f"pages/{page_id}.gt.txt",
        "images": {"clean": f"pages/{page_id}.clean.png", "scan": f"pages/{page_id}.scan.png"},
        "lines": f"pages/{page_id}.lines.json", "dpi": render.DPI, "size_px": [clean.shape[1], clean.shape[0]],
        "scan": params, "chars": pt.chars, "unlabelled_marks": c["marks"],
        "dropped_lines": sum(1 for l in pt.lines if not l.usable),
        "masked_glyphs": sum(len(l.masked) for l in pt.lines if l.usable),
    }


def build_key(seed: int, per_document: int, only: set[str] | None) -> str:
    """What the corpus depends on: the manifest, this package's code, the choices."""
    h = hashlib.sha256(f"{seed}/{per_document}/{sorted(only or [])}".encode())
    here = Path(__file__).parent
    corpus_code = [here / f"{m}.py" for m in ("sources", "fetch", "truth", "select", "render", "build")]  # not score.py
    for path in corpus_code + [MANIFEST, Path(scan.__file__)]:
        h.update(path.read_bytes())
    return h.hexdigest()


def build(out: Path, cache: Path, seed: int, per_document: int, only: set[str] | None = None) -> dict:
    staging = out.with_name(out.name + f".tmp-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    (staging / "pages").mkdir(parents=True)
    pages, documents = [], []
    for doc in load_documents():
        if only and doc.id not in only:
            continue
        t0 = time.perf_counter()
        with pymupdf.open(document_path(doc, cache)) as pdf:
            chosen, rejected = choose_pages(doc, pdf, seed, per_document)
            pages.extend(write_page(doc, c, staging / "pages") for c in chosen)
        documents.append({"id": doc.id, "lang": doc.lang, "pages_in_document": doc.pages,
                          "chosen": [c["text"].number for c in chosen], "rejected": rejected})
        print(f"{doc.id:<24} {doc.lang} chose {[c['text'].number for c in chosen]} "
              f"(rejected {rejected}) {time.perf_counter() - t0:.1f} s", flush=True)
    corpus = {"seed": seed, "per_document": per_document, "rule": "bench/realdocs/select.py",
              "build_key": build_key(seed, per_document, only),
              "documents": documents, "pages": pages}
    (staging / "corpus.json").write_text(json.dumps(corpus, ensure_ascii=False, indent=1), encoding="utf-8")
    (staging / "READY").touch()
    # Swap the finished corpus in: rename the old one away, the new one into place.
    old = out.with_name(out.name + f".old-{os.getpid()}")
    if out.exists():
        out.rename(old)
    staging.rename(out)
    shutil.rmtree(old, ignore_errors=True)
    return corpus


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--seed", type=int, default=select.DEFAULT_SEED)
    parser.add_argument("--per-document", type=int, default=DEFAULT_PER_DOCUMENT)
    parser.add_argument("--only", default=None, help="comma-separated document ids (a quick look)")
    parser.add_argument("--reuse", action="store_true",
                        help="keep an existing corpus built from the same manifest, code, seed and count")
    args = parser.parse_args(argv)
    only = set(args.only.split(",")) if args.only else None
    if args.reuse and (args.out / "READY").exists():
        old = json.loads((args.out / "corpus.json").read_text(encoding="utf-8"))
        if old.get("build_key") == build_key(args.seed, args.per_document, only):
            print(f"corpus in {args.out} is current ({len(old['pages'])} pages)")
            return 0
    try:
        corpus = build(args.out, args.cache, args.seed, args.per_document, only)
    except FetchError as exc:
        print(f"error: {exc.code}: {exc}", file=sys.stderr)
        return 2
    by_lang = {lang: sum(1 for p in corpus["pages"] if p["lang"] == lang) for lang in ("en", "zh")}
    print(f"{len(corpus['pages'])} pages ({by_lang}) in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
