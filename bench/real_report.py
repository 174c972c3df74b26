"""Tables for the real-document benchmark (``bench.real_accuracy``), from the
per-page records alone, so a saved run prints again without the engines."""
from __future__ import annotations

from collections import defaultdict

from bench.report import PEERS, fmt_num, fmt_pct, format_table, group_summary

ENGINES = ("docpipe", "tesseract")
NAMES = {"docpipe": "docpipe", "tesseract": "Tesseract", "rapidocr": "RapidOCR", "onnxocr": "OnnxOCR"}


def peers_in(records: list[dict]) -> list[str]:
    """The engines beside docpipe that read pages in this run, Tesseract first."""
    return [e for e in ENGINES[1:] + PEERS if any(r.get(e) for r in records)]


def markdown_table(headers: list[str], rows: list[list[str]]) -> str:
    """The same table for RESULTS.md."""
    return "\n".join("| " + " | ".join(cells) + " |" for cells in [headers, ["---"] * len(headers), *rows])


def accuracy_table(summary: list[dict], table=format_table) -> str:
    headers = ["group", "images", "chars", "dp CER", "dp CER ws", "dp bag", "tess CER", "tess CER ws", "tess bag",
               "CER ratio", "dp cpu s/page", "tess cpu s/page", "cpu ratio", "dp wall s", "tess wall s"]
    rows = []
    for e in summary:
        d, t = e["docpipe"], e["tesseract"]
        rows.append([e["group"], str(e["pages"]), str(e["ref_chars"]),
                     fmt_pct(d["cer_free"]), fmt_pct(d["cer_collapsed"]), fmt_pct(d.get("cer_bag")),
                     fmt_pct(t["cer_free"]), fmt_pct(t["cer_collapsed"]), fmt_pct(t.get("cer_bag")),
                     fmt_num(e["cer_ratio"]), fmt_num(d["median_cpu_s"]), fmt_num(t["median_cpu_s"]),
                     fmt_num(e["cpu_ratio"]), fmt_num(d["median_wall_s"]), fmt_num(t["median_wall_s"])])
    return table(headers, rows)


def peers_table(summary: list[dict], peers: list[str], table=format_table) -> str:
    """The peers beyond Tesseract, per group: their rates and docpipe's ratios to them (< 1: docpipe better)."""
    headers = ["group", "engine", "CER", "CER ws", "bag", "dp/peer CER", "cpu s/page", "dp/peer cpu", "wall s"]
    rows = []
    for e in summary:
        for peer in peers:
            if peer in e:
                p = e[peer]
                rows.append([e["group"], NAMES[peer], fmt_pct(p["cer_free"]), fmt_pct(p["cer_collapsed"]),
                             fmt_pct(p.get("cer_bag")), fmt_num(e[f"cer_ratio_{peer}"]), fmt_num(p["median_cpu_s"]),
                             fmt_num(e[f"cpu_ratio_{peer}"]), fmt_num(p["median_wall_s"])])
    return table(headers, rows)


def per_document(records: list[dict]) -> list[dict]:
    """Whitespace-free CER per document and variant for every engine of the run, and
    whether docpipe beats each of the others on that document (both variants together)."""
    out = []
    engines = ["docpipe", *peers_in(records)]
    docs = defaultdict(list)
    for r in records:
        docs[(r["lang"], r["document"])].append(r)
    for (lang, doc), rows in sorted(docs.items()):
        entry = {"document": doc, "lang": lang, "pages": len({r["page_id"] for r in rows})}
        for g in group_summary(rows, lambda r: (r["variant"],)):
            entry[g["group"]] = {e: g.get(e, {}).get("cer_free") for e in engines}
        both = group_summary(rows, lambda r: ("all",))[0]
        entry["all"] = {e: both.get(e, {}).get("cer_free") for e in engines}
        d, others = entry["all"]["docpipe"], [entry["all"][e] for e in engines[1:]]
        entry["docpipe_better"] = None if d is None or not others or None in others else d < min(others)
        out.append(entry)
    return out


def document_table(entries: list[dict], table=format_table, peers: tuple[str, ...] = ()) -> str:
    headers = ["document", "lang", "pages", "dp clean", "tess clean", "dp scan", "tess scan", "dp all", "tess all",
               *(f"{NAMES[p]} all" for p in peers), "dp better"]
    rows = []
    for e in entries:
        cell = lambda v, eng: fmt_pct(e.get(v, {}).get(eng))
        better = "—" if e["docpipe_better"] is None else ("yes" if e["docpipe_better"] else "NO")
        rows.append([e["document"], e["lang"], str(e["pages"]), cell("clean", "docpipe"), cell("clean", "tesseract"),
                     cell("scan", "docpipe"), cell("scan", "tesseract"), cell("all", "docpipe"), cell("all", "tesseract"),
                     *(cell("all", p) for p in peers), better])
    return table(headers, rows)


def _kinds(k: dict) -> str:
    subs = ", ".join(f"{_show(r)}→{_show(h)}×{n}" for r, h, n in k["substitutions"][:4])
    return (f"subs {subs or '—'}; dropped {k['dropped_chars']}, added {k['added_chars']}; "
            f"spaces missing {k['missing_spaces']}, extra {k['extra_spaces']}; order {k['order_edits']}")


def _show(ch: str) -> str:
    return {"": "∅", " ": "␣", "\n": "⏎"}.get(ch, ch)


def worst_pages(records: list[dict], n: int, engine: str = "docpipe") -> str:
    rows = sorted((r for r in records if engine in r), key=lambda r: -r[engine]["cer_free"])[:n]
    out = []
    for r in rows:
        e, t = r[engine], r.get("tesseract", {})
        out.append(f"  {r['page_id']}/{r['variant']}: {engine} CER {fmt_pct(e['cer_free'])} (ws {fmt_pct(e['cer_collapsed'])}, "
                   f"bag {fmt_pct(e['cer_bag'])}), Tesseract {fmt_pct(t.get('cer_free'))}"
                   + "".join(f", {NAMES[p]} {fmt_pct(r[p]['cer_free'])}" for p in PEERS if r.get(p))
                   + f"; {r['ref_chars_free']} chars")
        out.append(f"      {_kinds(e['kinds'])}")
    return "\n".join(out) if out else "  (none)"


def error_totals(records: list[dict], engine: str) -> dict:
    """Error kinds summed over pages, per language."""
    totals: dict = {}
    for r in records:
        if engine not in r:
            continue
        t = totals.setdefault(r["lang"], defaultdict(int))
        k = r[engine]["kinds"]
        for key in ("dropped_chars", "added_chars", "missing_spaces", "extra_spaces", "order_edits", "edits"):
            t[key] += k[key]
        for a, b, c in k["substitutions"]:
            t[f"{a}→{b}"] += c
    return totals


def full_report(results: dict, worst: int, markdown: bool = False) -> str:
    meta, records = results["meta"], results["pages"]
    summary = group_summary(records, lambda r: (r["lang"], r["variant"])) + group_summary(records, lambda r: (r["lang"],))
    lines = [f"Real documents: docpipe (engine at {meta.get('git_head', '?')}"
             f"{' + uncommitted changes' if meta.get('engine_uncommitted_changes') else ''}) vs "
             f"{meta.get('tesseract', 'Tesseract')} {meta.get('tesseract_langs', '')}; {meta['pages']} page images, "
             f"{meta['threads']} thread(s). CER = whitespace-free, ws = whitespace-collapsed, bag = order-independent; "
             "ratios docpipe / Tesseract (< 1: docpipe better); CPU s = median per page", "",
             accuracy_table(summary, markdown_table if markdown else format_table), ""]
    peers = peers_in(records)
    extra = [p for p in peers if p in PEERS]
    if extra:
        lines += ["Other peers in the same run (ratios docpipe / peer):",
                  peers_table(summary, extra, markdown_table if markdown else format_table), ""]
    failed = [f"{r['page_id']}/{r['variant']} {e} ({r[e]['error']})" for r in records for e in ("docpipe", *peers)
              if r.get(e, {}).get("error")]
    if failed:
        lines += [f"failed pages (counted as empty text): {', '.join(failed)}", ""]
    docs = per_document(records)
    beaten = [d["document"] for d in docs if d["docpipe_better"] is False]
    lines += ["Per document (whitespace-free CER):",
              document_table(docs, markdown_table if markdown else format_table, tuple(extra)),
              f"docpipe better than {' and '.join(NAMES[p] for p in peers) or 'no peer'} on "
              f"{sum(1 for d in docs if d['docpipe_better'])} of {len(docs)} documents"
              + (f"; not on: {', '.join(beaten)}" if beaten else ""), ""]
    lines += [f"The {worst} worst page images for docpipe, with their biggest error kinds:", worst_pages(records, worst), ""]
    for engine in ("docpipe", *peers):
        for lang, t in sorted(error_totals(records, engine).items()):
            subs = sorted(((k, v) for k, v in t.items() if "→" in k), key=lambda kv: -kv[1])[:12]
            lines.append(f"{engine} {lang}: {t['edits']} edits (ws-collapsed alignment); dropped {t['dropped_chars']}, "
                         f"added {t['added_chars']}, spaces missing {t['missing_spaces']}, extra {t['extra_spaces']}, "
                         f"order {t['order_edits']}; top substitutions: " + ", ".join(f"{k}×{v}" for k, v in subs))
    return "\n".join(lines)
