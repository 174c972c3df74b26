"""docpipe against Tesseract 5 on the generated corpus: accuracy, speed, memory.

    .venv/bin/python -m bench.ocr_accuracy [--pages N] [--lang en|zh] [--json out.json]

Every page goes through both engines in the same run, one after the other
(the order alternates per page), so load from other processes on the machine
hits both alike; compare the ratios and medians rather than single timings.
Both run on one thread. CER comes from ``tests.factories.cer``:
whitespace-free (the characters) and whitespace-collapsed (spacing counts).
"""
from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import subprocess
import sys
import time
import unicodedata
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from bench import corpus, report, tesseract
from bench.alignment import line_errors
from bench.docpipe_worker import DocpipeProcess, EngineUnavailableError
from tests.factories import EN_TEXT, cer, encode_png, make_pdf, normalize_whitespace, render_text_image

ENGINES = ("docpipe", "tesseract")


def engine_revision() -> dict:
    """Which engine was measured: the commit, and whether pipeline/ or models/ had
    uncommitted edits (the benchmark runs the working tree)."""
    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], capture_output=True, text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""
    return {"git_head": git("rev-parse", "--short", "HEAD"),
            "engine_uncommitted_changes": bool(git("status", "--porcelain", "--", "pipeline", "models"))}


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _tesseract_run(path: Path, lang: str) -> dict:
    try:
        run = tesseract.run(path, lang)
    except tesseract.TesseractError as exc:
        return {"text": "", "error": exc.code, "message": str(exc), "wall_s": 0.0, "cpu_s": 0.0}
    return {"text": run.text, "wall_s": run.wall_s, "cpu_s": run.cpu_s, "peak_rss_mb": run.peak_rss_mb}


def _score(ref: str, hyp: str) -> dict:
    return {
        "cer_free": cer(ref, hyp, ignore_whitespace=True),
        "cer_collapsed": cer(ref, hyp, ignore_whitespace=False),
        # Lenient view: NFKC folds full-width punctuation (：（）) into ASCII, which many
        # consumers treat as equal; the strict figure above is the one the bars use.
        "cer_nfkc": cer(unicodedata.normalize("NFKC", ref), unicodedata.normalize("NFKC", hyp)),
    }


def single_image_latency(runner: DocpipeProcess | None, engines: tuple[str, ...], out_dir: Path, runs: int) -> dict:
    """Median time for one 800×600 image with a few lines of text (the /v1/ocr case)."""
    img = render_text_image(EN_TEXT[:4], width=800, height=600, margin=40, size_px=26)
    data = encode_png(img)
    path = out_dir / "latency-800x600.png"
    path.write_bytes(data)
    truth = "\n".join(EN_TEXT[:4])
    out: dict = {"runs": runs}
    for engine in engines:
        results = [runner.run(data) if engine == "docpipe" else _tesseract_run(path, "en") for _ in range(runs)]
        times = [r["wall_s"] for r in results]
        out[engine] = {"median_s": statistics.median(times), "min_s": min(times),
                       "median_cpu_s": statistics.median(r["cpu_s"] for r in results),
                       "cer_free": cer(truth, results[-1]["text"])}
        if engine == "docpipe":
            out[engine]["median_stage_ms"] = {
                k: 1000 * statistics.median(r["timings"].get(k, 0.0) for r in results) for k in results[-1].get("timings", {})}
    return out


def _measure_page(page: corpus.Page, engines: tuple[str, ...], runner: DocpipeProcess | None, out_dir: Path,
                  docpipe_input: str = "png") -> dict:
    """Both engines on one page, scored; their texts are kept next to the PNG.

    Tesseract always reads the PNG; docpipe reads it too, or with
    ``docpipe_input="pdf"`` the same pixels as an image-only PDF page (a scan as
    archives hold them), so its render stage is measured as well.
    """
    spec, ref = page.spec, page.text
    path = out_dir / f"{spec.page_id}.png"
    data = page.png()
    path.write_bytes(data)
    dp_data = make_pdf([{"image": page.image, "dpi": corpus.DPI}]) if docpipe_input == "pdf" else data
    (out_dir / f"{spec.page_id}.gt.txt").write_text(ref + "\n", encoding="utf-8")
    rec = {
        "page_id": spec.page_id, "lang": spec.lang, "variant": spec.variant, "layout": spec.layout,
        "kind": spec.kind, "font": spec.font, "size_pt": spec.size_pt, "scan": page.scan,
        "ref_chars_free": len("".join(ref.split())), "ref_chars_collapsed": len(normalize_whitespace(ref)),
        "ref_chars_nfkc": len("".join(unicodedata.normalize("NFKC", ref).split())),
    }
    for engine in engines:
        result = runner.run(dp_data) if engine == "docpipe" else _tesseract_run(path, spec.lang)
        result.update(_score(ref, result["text"]))
        (out_dir / f"{spec.page_id}.{engine}.txt").write_text(result["text"], encoding="utf-8")
        rec[engine] = result
    return rec


def run_benchmark(args) -> dict:
    engines = tuple(e for e in ENGINES if e in args.engines.split(","))
    specs = [
        s for s in corpus.corpus_specs(args.seed)
        if args.lang in (None, s.lang) and args.layout in (None, s.layout) and args.variant in (None, s.variant)
    ][: args.pages]
    out_dir = args.out
    out_dir.mkdir(parents=True, exist_ok=True)
    meta = {
        "started_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "seed": args.seed, "pages": len(specs), "engines": list(engines), "threads": args.threads,
        "docpipe_input": args.docpipe_input,
        "python": platform.python_version(), "machine": platform.machine(), **engine_revision(),
    }
    if "tesseract" in engines:
        meta["tesseract"] = tesseract.version()
        meta["tesseract_langs"] = tesseract.LANGS

    runner = None
    if "docpipe" in engines:
        t0 = time.perf_counter()
        runner = DocpipeProcess(args.models_dir, args.threads, corpus.DPI)
        meta["docpipe_engine_build_s"] = time.perf_counter() - t0  # includes starting the worker process
        meta["docpipe_models"] = runner.info["models"]
        # One call before measuring: ONNX Runtime's first inference allocates and
        # plans; a worker pays that once per process, not per page.
        warm = encode_png(render_text_image(EN_TEXT[:2], width=800, height=300, margin=40, size_px=26))
        meta["docpipe_first_call_s"] = runner.run(warm)["wall_s"]

    records: list[dict] = []
    worst: dict[str, list[dict]] = {"en": [], "zh": []}
    confusions: dict[str, Counter] = {"en": Counter(), "zh": Counter()}
    try:
        for i, spec in enumerate(specs):
            page = corpus.render_page(spec)
            # alternate who goes first, so neither engine always meets a warm cache
            rec = _measure_page(page, engines if i % 2 == 0 else engines[::-1], runner, out_dir, args.docpipe_input)
            if "docpipe" in rec:
                lines, conf = line_errors(page.lines, rec["docpipe"]["text"])
                confusions[spec.lang].update(conf)
                worst[spec.lang].extend(
                    {"page_id": spec.page_id, "reference": l.reference, "hypothesis": l.hypothesis, "errors": l.errors}
                    for l in lines if l.errors)
            records.append(rec)
            print(report.progress_line(i, len(specs), spec.page_id, rec), flush=True)
        latency = single_image_latency(runner, engines, out_dir, args.latency_runs) if args.latency_runs else {}
    finally:
        if runner is not None:
            runner.close()
    tess_rss = [r["tesseract"]["peak_rss_mb"] for r in records if r.get("tesseract", {}).get("peak_rss_mb")]
    dp_rss = [r["docpipe"]["peak_rss_mb"] for r in records if r.get("docpipe", {}).get("peak_rss_mb")]
    memory = {
        "docpipe_rss_before_engine_mb": runner.info["rss_before_engine_mb"] if runner else None,
        "docpipe_rss_after_engine_mb": runner.info["rss_after_engine_mb"] if runner else None,
        "docpipe_peak_rss_mb_max": max(dp_rss) if dp_rss else None,
        "docpipe_peak_rss_mb_median": statistics.median(dp_rss) if dp_rss else None,
        "benchmark_process_peak_rss_mb": _peak_rss_mb(),
        "tesseract_peak_rss_mb_max": max(tess_rss) if tess_rss else None,
        "tesseract_peak_rss_mb_median": statistics.median(tess_rss) if tess_rss else None,
    }
    for lang in worst:
        worst[lang].sort(key=lambda w: -w["errors"])
    return {
        "meta": meta,
        "summary": report.summarize(records),
        "bars": [{"bar": b, "met": ok, "figures": f} for b, ok, f in report.bars(records)],
        "stages": report.stage_shares(records),
        "throughput": report.throughput(records),
        "memory": memory,
        "latency_800x600": latency,
        "errors": {
            lang: {"worst_lines": worst[lang][:40],
                   "confusions": [[r, h, n] for (r, h), n in confusions[lang].most_common()]}
            for lang in worst
        },
        "pages": records,
    }


def print_report(results: dict, top: int) -> None:
    meta, summary = results["meta"], report.summarize(results["pages"])  # recomputed: old saved runs print too
    print()
    print(f"docpipe vs {meta.get('tesseract', 'Tesseract')} — {meta['pages']} pages, A4 at {corpus.DPI} DPI, "
          f"{meta['threads']} thread(s); CER whitespace-free ('CER') and whitespace-collapsed ('CER ws'); "
          "ratios are docpipe / Tesseract (< 1 means docpipe is better)")
    if meta.get("docpipe_input") == "pdf":
        print("docpipe read each page as an image-only PDF (render stage included); Tesseract the PNG")
    if "git_head" in meta:
        print(f"engine at {meta['git_head']}{' + uncommitted changes in pipeline/ or models/' if meta['engine_uncommitted_changes'] else ''}")
    print()
    print(report.accuracy_table(summary["by_language_variant"] + summary["by_language"]))
    failed = {e: [f"{r['page_id']} ({r[e]['error']})" for r in results["pages"] if r.get(e, {}).get("error")] for e in ENGINES}
    for engine, pages in failed.items():
        if pages:
            print(f"{engine} failed on {len(pages)} page(s), counted as empty text: {', '.join(pages)}")
    print()
    print(report.bars_table(report.bars(results["pages"])))
    print()
    print("By layout:")
    print(report.accuracy_table(summary["by_language_layout"]))
    print()
    print("docpipe time per stage:")
    print(report.stage_table(results["stages"]))
    mem = results["memory"]
    print()
    print(f"Peak RSS while reading a page: docpipe worker process max {report.fmt_num(mem.get('docpipe_peak_rss_mb_max'), '{:.0f}')} MB, "
          f"median {report.fmt_num(mem.get('docpipe_peak_rss_mb_median'), '{:.0f}')} MB "
          f"(RSS {report.fmt_num(mem.get('docpipe_rss_before_engine_mb'), '{:.0f}')} MB after imports, "
          f"{report.fmt_num(mem.get('docpipe_rss_after_engine_mb'), '{:.0f}')} MB with the engine built); "
          f"Tesseract per page: max {report.fmt_num(mem['tesseract_peak_rss_mb_max'], '{:.0f}')} MB, "
          f"median {report.fmt_num(mem['tesseract_peak_rss_mb_median'], '{:.0f}')} MB")
    tp = report.throughput(results["pages"])
    if tp:
        print("Pages per second per core (1 / median CPU s per page): " + "; ".join(
            f"{e} {tp[e]['pages_per_s_per_core']:.2f} ({tp[e]['median_cpu_s']:.2f} s)" for e in ENGINES if e in tp))
    lat = results["latency_800x600"]
    if lat:
        parts = [f"{e} median {lat[e]['median_s'] * 1000:.0f} ms (CER {100 * lat[e]['cer_free']:.2f}%)" for e in ENGINES if e in lat]
        print(f"Single 800×600 image, {lat['runs']} runs: " + "; ".join(parts))
        stages = lat.get("docpipe", {}).get("median_stage_ms")
        if stages:
            print("  docpipe stages, median ms: " + ", ".join(f"{k} {v:.0f}" for k, v in stages.items()))
    for lang, errors in results["errors"].items():
        if not any(r["lang"] == lang and "docpipe" in r for r in results["pages"]):
            continue
        conf = Counter({(r, h): n for r, h, n in errors["confusions"]})
        print()
        print(f"Where docpipe's remaining errors are ({lang}, whitespace-collapsed alignment):")
        print(report.error_report(errors["worst_lines"], conf, top))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=None, help="only the first N pages (the order mixes languages and variants)")
    parser.add_argument("--lang", choices=["en", "zh"], default=None)
    parser.add_argument("--layout", choices=["paragraphs", "two_columns", "table"], default=None)
    parser.add_argument("--variant", choices=["clean", "scan"], default=None)
    parser.add_argument("--json", type=Path, default=None, help="save every figure and per-page result here")
    parser.add_argument("--engines", default="docpipe,tesseract", help="comma-separated subset of docpipe,tesseract")
    parser.add_argument("--docpipe-input", choices=["png", "pdf"], default="png",
                        help="hand docpipe each page as PNG (like Tesseract) or as an image-only PDF page")
    parser.add_argument("--threads", type=int, default=1, help="docpipe's intra-op threads (default 1, like a worker)")
    parser.add_argument("--models-dir", type=Path, default=Path("models/files"))
    parser.add_argument("--seed", type=int, default=corpus.DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=Path("bench/out/pages"), help="rendered pages and OCR outputs")
    parser.add_argument("--latency-runs", type=int, default=7, help="runs of the 800×600 latency check (0 to skip)")
    parser.add_argument("--top", type=int, default=8, help="worst lines shown per language")
    parser.add_argument("--report", type=Path, default=None, metavar="JSON", help="print a saved run's report and exit")
    args = parser.parse_args(argv)
    if args.report:
        print_report(json.loads(args.report.read_text(encoding="utf-8")), args.top)
        return 0
    started = time.perf_counter()
    try:
        results = run_benchmark(args)
    except (EngineUnavailableError, tesseract.TesseractError) as exc:
        print(f"error: {exc.code}: {exc}", file=sys.stderr)
        return 2
    print_report(results, args.top)
    results["meta"]["duration_s"] = time.perf_counter() - started
    print(f"\nbenchmark took {results['meta']['duration_s']:.0f} s")
    report.save_json(args.json, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
